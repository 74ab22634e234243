/* oomalloc.c: the failing allocator behind -Wl,--wrap (see oomalloc.h).
 *
 * __real_X is the C library's X (or the sanitizer's interceptor of it, so ASan and LeakSanitizer still
 * watch every block). The live blocks sit in an open-addressing table keyed by address, guarded by one
 * mutex; the table and the set of call sites are static arrays, so the wrapper never allocates. */
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "oomalloc.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__real_aligned_alloc(size_t alignment, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void __real_free(void *p);
FILE *__real_fopen(const char *path, const char *mode);
FILE *__real_fdopen(int fd, const char *mode);
FILE *__real_open_memstream(char **buf, size_t *size);

#define LIVE_SLOTS (1u << 20) /* a power of two, well above the live blocks of a small month */
#define SITE_SLOTS (1u << 14)

struct block {
	void *p;
	void *site;
	unsigned long serial;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct block live[LIVE_SLOTS];
static size_t live_count;
static unsigned long serial;
static void *sites[SITE_SLOTS];
static size_t site_count;
static int armed, failed;
static enum oom_mode mode;
static unsigned long calls, fail_at, cjson_calls;
static void *fail_stack[32]; /* where the first failing call came from */
static int fail_depth;
static void **record;
static size_t record_cap;

static size_t slot_of(const void *p, size_t slots)
{
	uintptr_t h = (uintptr_t)p;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h & (slots - 1);
}

static void site_add(void *site)
{
	size_t i = slot_of(site, SITE_SLOTS);
	while (sites[i] && sites[i] != site)
		i = (i + 1) & (SITE_SLOTS - 1);
	if (!sites[i] && site_count < SITE_SLOTS / 2) {
		sites[i] = site;
		site_count++;
	}
}

/* Counts one call; 1 when it is to fail. Called with the lock held. */
static int should_fail(void *site)
{
	if (!armed)
		return 0;
	site_add(site);
	if (calls < record_cap)
		record[calls] = site;
	calls++;
	if (fail_at && (calls == fail_at || (mode == OOM_PERSISTENT && calls > fail_at)))
		return failed = 1;
	return 0;
}

static int take(void *site)
{
	pthread_mutex_lock(&lock);
	int first = !failed, fail = should_fail(site);
	if (fail && first)
		fail_depth = backtrace(fail_stack, 32);
	pthread_mutex_unlock(&lock);
	if (fail)
		errno = ENOMEM;
	return fail;
}

static void track(void *p, void *site)
{
	if (!p)
		return;
	pthread_mutex_lock(&lock);
	if (live_count >= LIVE_SLOTS / 2)
		abort(); /* more live blocks than a small month can have */
	size_t i = slot_of(p, LIVE_SLOTS);
	while (live[i].p)
		i = (i + 1) & (LIVE_SLOTS - 1);
	live[i] = (struct block){ p, site, ++serial };
	live_count++;
	pthread_mutex_unlock(&lock);
}

/* Forgets p (a block of the C library's own, such as open_memstream's buffer, is not in the table).
 * Deletes by shifting the rest of the probe run back, so no tombstones pile up. */
static void untrack(void *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&lock);
	size_t i = slot_of(p, LIVE_SLOTS);
	while (live[i].p && live[i].p != p)
		i = (i + 1) & (LIVE_SLOTS - 1);
	if (live[i].p) {
		live_count--;
		for (size_t j = (i + 1) & (LIVE_SLOTS - 1); live[j].p; j = (j + 1) & (LIVE_SLOTS - 1)) {
			size_t home = slot_of(live[j].p, LIVE_SLOTS);
			if (((j - home) & (LIVE_SLOTS - 1)) >= ((j - i) & (LIVE_SLOTS - 1))) {
				live[i] = live[j];
				i = j;
			}
		}
		live[i].p = NULL;
	}
	pthread_mutex_unlock(&lock);
}

/* The body of a wrapper: count the call, fail it, or make it and track the block. */
#define COUNTED(call)                                           \
	do {                                                    \
		void *site_ = __builtin_return_address(0), *p_; \
		if (take(site_))                                \
			return NULL;                            \
		p_ = (call);                                    \
		track(p_, site_);                               \
		return p_;                                      \
	} while (0)

static void counted_free(void *p)
{
	untrack(p);
	__real_free(p);
}

void *__wrap_malloc(size_t size) { COUNTED(__real_malloc(size)); }
void *__wrap_calloc(size_t n, size_t size) { COUNTED(__real_calloc(n, size)); }
void *__wrap_aligned_alloc(size_t alignment, size_t size) { COUNTED(__real_aligned_alloc(alignment, size)); }
char *__wrap_strdup(const char *s) { COUNTED(__real_strdup(s)); }
char *__wrap_strndup(const char *s, size_t n) { COUNTED(__real_strndup(s, n)); }
void __wrap_free(void *p) { counted_free(p); }

void *__wrap_realloc(void *p, size_t size)
{
	void *site = __builtin_return_address(0);
	if (p && size == 0) { /* a free, never failed */
		untrack(p);
		return __real_realloc(p, 0);
	}
	if (take(site))
		return NULL; /* p stays valid and tracked */
	void *q = __real_realloc(p, size);
	if (q) {
		untrack(p);
		track(q, site);
	}
	return q;
}

/* The FILE openers are counted, not tracked: the C library frees what they allocate (LeakSanitizer
 * sees a FILE never closed). */
FILE *__wrap_fopen(const char *path, const char *m)
{
	return take(__builtin_return_address(0)) ? NULL : __real_fopen(path, m);
}

FILE *__wrap_fdopen(int fd, const char *m)
{
	return take(__builtin_return_address(0)) ? NULL : __real_fdopen(fd, m);
}

FILE *__wrap_open_memstream(char **buf, size_t *size)
{
	return take(__builtin_return_address(0)) ? NULL : __real_open_memstream(buf, size);
}

static void *cjson_malloc(size_t size)
{
	if (__atomic_load_n(&armed, __ATOMIC_RELAXED))
		__atomic_add_fetch(&cjson_calls, 1, __ATOMIC_RELAXED);
	COUNTED(__real_malloc(size));
}

void oom_hook_cjson(void)
{
	cJSON_Hooks hooks = { cjson_malloc, counted_free };
	cJSON_InitHooks(&hooks);
}

void oom_arm(unsigned long at, enum oom_mode m)
{
	void *warm[1];
	backtrace(warm, 1); /* loads the unwinder now, not inside a counted call */
	pthread_mutex_lock(&lock);
	fail_depth = 0;
	calls = cjson_calls = 0;
	fail_at = at;
	mode = m;
	failed = 0;
	armed = 1;
	pthread_mutex_unlock(&lock);
}

void oom_record(void **buf, size_t cap)
{
	pthread_mutex_lock(&lock);
	record = buf;
	record_cap = buf ? cap : 0;
	pthread_mutex_unlock(&lock);
}

unsigned long oom_disarm(void)
{
	pthread_mutex_lock(&lock);
	armed = 0;
	unsigned long n = calls;
	pthread_mutex_unlock(&lock);
	return n;
}

int oom_failed(void) { return failed; }
unsigned long oom_cjson_calls(void) { return cjson_calls; }
size_t oom_live(void) { return live_count; }
unsigned long oom_serial(void) { return serial; }
size_t oom_sites(void) { return site_count; }

/* The sanitizers' symbolizer, when the test runs under one. */
void __sanitizer_symbolize_pc(void *pc, const char *fmt, char *out, size_t size) __attribute__((weak));

const char *oom_site_name(void *site, char *buf, size_t size)
{
	Dl_info info;
	/* the return address is the instruction after the call: step back into the call */
	if (__sanitizer_symbolize_pc)
		__sanitizer_symbolize_pc((char *)site - 1, "%F %S", buf, size);
	else if (dladdr(site, &info) && info.dli_fname)
		snprintf(buf, size, "%s+%#lx", info.dli_fname, (unsigned long)((char *)site - (char *)info.dli_fbase));
	else
		snprintf(buf, size, "%p", site);
	return buf;
}

void oom_print_failed_call(FILE *f, int max)
{
	char name[512];
	int shown = 0;
	for (int i = 0; i < fail_depth && shown < max; i++) {
		oom_site_name(fail_stack[i], name, sizeof name);
		if (strstr(name, "oomalloc.c") || strstr(name, "backtrace"))
			continue; /* the wrapper's own frames */
		fprintf(f, "    #%d %s\n", shown++, name);
	}
}

void oom_report_live(FILE *f, unsigned long since, int max)
{
	struct block found[16];
	int n = 0;
	if (max > 16)
		max = 16;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < LIVE_SLOTS && n < max; i++)
		if (live[i].p && live[i].serial > since)
			found[n++] = live[i];
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < n; i++) {
		char name[512];
		fprintf(f, "  still allocated: %p from %s\n", found[i].p, oom_site_name(found[i].site, name, sizeof name));
	}
}
