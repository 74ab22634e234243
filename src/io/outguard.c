/* outguard.c: output streams that count their bytes against the run's limits (see outguard.h). */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "io/outguard.h"

/* One guarded output file. */
typedef struct stream {
	FILE *f;
	int fd;
	int refused;  /* a write was refused: the file is dead */
	int err;      /* errno of the first failed write, 0 when none */
	char *path;
	struct stream *next;
} stream;

static struct {
	pthread_mutex_t lock;
	uint64_t max_bytes;     /* 0: no fixed cap */
	double max_free_share;
	int measured;           /* free_at_begin is known */
	uint64_t free_at_begin; /* bytes free on the output filesystem when the outputs began */
	uint64_t written;       /* bytes written since */
	char dir[PATH_MAX], shown[PATH_MAX];
	char refusal[1024];     /* the first refusal since the outputs began, "" when none */
	stream *open;
} g = { .lock = PTHREAD_MUTEX_INITIALIZER, .max_free_share = 0.5 };

void cw_outguard_set(uint64_t max_bytes, double max_free_share)
{
	pthread_mutex_lock(&g.lock);
	g.max_bytes = max_bytes;
	g.max_free_share = max_free_share;
	pthread_mutex_unlock(&g.lock);
}

/* The space an unprivileged writer may still use there. */
static uint64_t free_bytes(const struct statvfs *st) { return (uint64_t)st->f_bavail * st->f_frsize; }

void cw_outguard_begin(const char *dir, const char *shown)
{
	struct statvfs st;
	int measured = statvfs(dir, &st) == 0;
	pthread_mutex_lock(&g.lock);
	g.measured = measured;
	g.free_at_begin = measured ? free_bytes(&st) : 0;
	g.written = 0;
	g.refusal[0] = 0;
	snprintf(g.dir, sizeof g.dir, "%s", dir);
	snprintf(g.shown, sizeof g.shown, "%s", shown);
	pthread_mutex_unlock(&g.lock);
}

/* Records why s may not write (the first reason since the outputs began); returns 0 with errno = e. */
static int refuse(stream *s, int e, const char *fmt, ...) CW_PRINTF(3, 4);
static int refuse(stream *s, int e, const char *fmt, ...)
{
	s->refused = 1;
	if (!g.refusal[0]) {
		size_t n = strlen(g.dir);
		const char *path = s->path;
		int k = n && !strncmp(path, g.dir, n) && path[n] == '/'
		                ? snprintf(g.refusal, sizeof g.refusal, "%s%s: ", g.shown, path + n)
		                : snprintf(g.refusal, sizeof g.refusal, "%s: ", path);
		if (k > 0 && (size_t)k < sizeof g.refusal) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(g.refusal + k, sizeof g.refusal - (size_t)k, fmt, ap);
			va_end(ap);
		}
	}
	errno = e;
	return 0;
}

/* Whether s may write n more bytes; counts them when it may. Under g.lock. */
static int allowed(stream *s, size_t n)
{
	struct statvfs st;
	int live = fstatvfs(s->fd, &st) == 0;
	if (!g.measured && live) { /* outputs begun without a folder: measured at their first write */
		g.measured = 1;
		g.free_at_begin = free_bytes(&st);
	}
	uint64_t share = g.measured ? (uint64_t)(g.max_free_share * (double)g.free_at_begin) : UINT64_MAX;
	uint64_t keep = g.measured && g.free_at_begin > share ? g.free_at_begin - share : 0;
	unsigned long long done = g.written;
	if (g.max_bytes && g.written + n > g.max_bytes)
		return refuse(s, EFBIG, "the outputs would exceed output.max_bytes (%llu bytes); refused after "
		              "%llu bytes", (unsigned long long)g.max_bytes, done);
	if (g.measured && g.free_at_begin == 0)
		return 1; /* a full disk from the start: the write itself fails, and says so */
	if (g.written + n > share)
		return refuse(s, ENOSPC, "the outputs would take more than output.max_free_share (%g) of the %llu "
		              "bytes free on the output filesystem when they began; refused after %llu bytes",
		              g.max_free_share, (unsigned long long)g.free_at_begin, done);
	if (live && free_bytes(&st) < keep + n)
		return refuse(s, ENOSPC, "the outputs would bring the output filesystem below the %llu bytes free "
		              "that output.max_free_share (%g) keeps (%llu bytes free now); refused after %llu bytes",
		              (unsigned long long)keep, g.max_free_share, (unsigned long long)free_bytes(&st), done);
	g.written += n;
	return 1;
}

static ssize_t guarded_write(void *cookie, const char *buf, size_t n)
{
	stream *s = cookie;
	if (s->refused) { /* the writers go on formatting their rows: no system call for each */
		errno = EFBIG;
		return 0;
	}
	pthread_mutex_lock(&g.lock);
	int ok = allowed(s, n), e = errno;
	pthread_mutex_unlock(&g.lock);
	if (!ok) {
		errno = e;
		return 0;
	}
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(s->fd, buf + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (!s->err)
				s->err = w < 0 ? errno : ENOSPC;
			errno = s->err;
			return (ssize_t)done;
		}
		done += (size_t)w;
	}
	return (ssize_t)n;
}

/* ftell (the report measures its pages) asks the file itself. */
static int guarded_seek(void *cookie, off64_t *pos, int whence)
{
	stream *s = cookie;
	off_t at = lseek(s->fd, (off_t)*pos, whence);
	if (at < 0)
		return -1;
	*pos = at;
	return 0;
}

static int guarded_close(void *cookie)
{
	stream *s = cookie;
	pthread_mutex_lock(&g.lock);
	for (stream **p = &g.open; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	pthread_mutex_unlock(&g.lock);
	int rc = close(s->fd);
	free(s->path);
	free(s);
	return rc;
}

FILE *cw_outguard_fdopen(int fd, const char *path)
{
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return fdopen(fd, "w"); /* a terminal, a pipe, /dev/null: nothing fills up */
	stream *s = calloc(1, sizeof *s);
	if (!s || !(s->path = strdup(path))) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	s->fd = fd;
	cookie_io_functions_t io = { .write = guarded_write, .seek = guarded_seek, .close = guarded_close };
	FILE *f = fopencookie(s, "w", io);
	if (!f) {
		free(s->path);
		free(s);
		return NULL;
	}
	s->f = f;
	pthread_mutex_lock(&g.lock);
	s->next = g.open;
	g.open = s;
	pthread_mutex_unlock(&g.lock);
	return f;
}

/* The guarded stream of f, under the lock; NULL for a plain stream. */
static const stream *find(FILE *f)
{
	for (const stream *s = g.open; s; s = s->next)
		if (s->f == f)
			return s;
	return NULL;
}

int cw_outguard_fileno(FILE *f)
{
	int saved = errno, fd = fileno(f);
	errno = saved; /* fileno sets EBADF on a guarded stream */
	if (fd >= 0)
		return fd;
	pthread_mutex_lock(&g.lock);
	const stream *s = find(f);
	fd = s ? s->fd : -1;
	pthread_mutex_unlock(&g.lock);
	return fd;
}

int cw_outguard_errno(FILE *f)
{
	pthread_mutex_lock(&g.lock);
	const stream *s = find(f);
	int err = s ? s->err : 0;
	pthread_mutex_unlock(&g.lock);
	return err;
}

int cw_outguard_explain(void)
{
	char msg[sizeof g.refusal];
	pthread_mutex_lock(&g.lock);
	memcpy(msg, g.refusal, sizeof msg);
	pthread_mutex_unlock(&g.lock);
	return msg[0] ? cw_error_set(CW_EIO, "%s", msg) : 0;
}
