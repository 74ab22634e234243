/* outguard.c: output streams that count their bytes against the limits of their set of outputs (see
 * outguard.h). One lock guards every set's count and the list of open streams. */
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
#include "io/output.h"

/* One guarded output file. */
typedef struct stream {
	FILE *f;
	cw_output *out; /* the set it counts against */
	int fd;
	int refused;  /* a write was refused: the file is dead */
	int err;      /* errno of the first failed write, 0 when none */
	char *path;
	struct stream *next;
} stream;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static stream *open_streams; /* to find a FILE's stream: glibc does not hand back a cookie */


/* The space an unprivileged writer may still use there. */
static uint64_t free_bytes(const struct statvfs *st) { return (uint64_t)st->f_bavail * st->f_frsize; }

void cw_outguard_begin(cw_output *o, const char *dir, const char *shown)
{
	struct statvfs st;
	int measured = statvfs(dir, &st) == 0;
	pthread_mutex_lock(&lock);
	o->measured = measured;
	o->free_at_begin = measured ? free_bytes(&st) : 0;
	o->written = 0;
	o->refusal[0] = 0;
	snprintf(o->dir, sizeof o->dir, "%s", dir);
	snprintf(o->shown, sizeof o->shown, "%s", shown);
	pthread_mutex_unlock(&lock);
}

/* Records why s may not write (its set's first reason since the outputs began); returns 0 with
 * errno = e. Under the lock. */
static int refuse(stream *s, int e, const char *fmt, ...) CW_PRINTF(3, 4);
static int refuse(stream *s, int e, const char *fmt, ...)
{
	cw_output *o = s->out;
	s->refused = 1;
	if (!o->refusal[0]) {
		size_t n = strlen(o->dir);
		const char *path = s->path;
		int k = n && !strncmp(path, o->dir, n) && path[n] == '/'
		                ? snprintf(o->refusal, sizeof o->refusal, "%s%s: ", o->shown, path + n)
		                : snprintf(o->refusal, sizeof o->refusal, "%s: ", path);
		if (k > 0 && (size_t)k < sizeof o->refusal) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(o->refusal + k, sizeof o->refusal - (size_t)k, fmt, ap);
			va_end(ap);
		}
	}
	errno = e;
	return 0;
}

/* Whether s may write n more bytes; counts them when it may. Under the lock. */
static int allowed(stream *s, size_t n)
{
	cw_output *o = s->out;
	struct statvfs st;
	int live = fstatvfs(s->fd, &st) == 0;
	if (!o->measured && live) { /* outputs begun without a folder: measured at their first write */
		o->measured = 1;
		o->free_at_begin = free_bytes(&st);
	}
	uint64_t share = o->measured ? (uint64_t)(o->max_free_share * (double)o->free_at_begin) : UINT64_MAX;
	uint64_t keep = o->measured && o->free_at_begin > share ? o->free_at_begin - share : 0;
	unsigned long long done = o->written;
	if (o->max_bytes && o->written + n > o->max_bytes)
		return refuse(s, EFBIG, "the outputs would exceed output.max_bytes (%llu bytes); refused after "
		              "%llu bytes", (unsigned long long)o->max_bytes, done);
	if (o->measured && o->free_at_begin == 0)
		return 1; /* a full disk from the start: the write itself fails, and says so */
	if (o->written + n > share)
		return refuse(s, ENOSPC, "the outputs would take more than output.max_free_share (%g) of the %llu "
		              "bytes free on the output filesystem when they began; refused after %llu bytes",
		              o->max_free_share, (unsigned long long)o->free_at_begin, done);
	if (live && free_bytes(&st) < keep + n)
		return refuse(s, ENOSPC, "the outputs would bring the output filesystem below the %llu bytes free "
		              "that output.max_free_share (%g) keeps (%llu bytes free now); refused after %llu bytes",
		              (unsigned long long)keep, o->max_free_share, (unsigned long long)free_bytes(&st), done);
	o->written += n;
	return 1;
}

static ssize_t guarded_write(void *cookie, const char *buf, size_t n)
{
	stream *s = cookie;
	if (s->refused) { /* the writers go on formatting their rows: no system call for each */
		errno = EFBIG;
		return 0;
	}
	pthread_mutex_lock(&lock);
	int ok = allowed(s, n), e = errno;
	pthread_mutex_unlock(&lock);
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
	pthread_mutex_lock(&lock);
	for (stream **p = &open_streams; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	pthread_mutex_unlock(&lock);
	int rc = close(s->fd);
	free(s->path);
	free(s);
	return rc;
}

FILE *cw_outguard_fdopen(cw_output *o, int fd, const char *path)
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
	s->out = o;
	cookie_io_functions_t io = { .write = guarded_write, .seek = guarded_seek, .close = guarded_close };
	FILE *f = fopencookie(s, "w", io);
	if (!f) {
		free(s->path);
		free(s);
		return NULL;
	}
	s->f = f;
	pthread_mutex_lock(&lock);
	s->next = open_streams;
	open_streams = s;
	pthread_mutex_unlock(&lock);
	return f;
}

/* The guarded stream of f, under the lock; NULL for a plain stream. */
static const stream *find(FILE *f)
{
	for (const stream *s = open_streams; s; s = s->next)
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
	pthread_mutex_lock(&lock);
	const stream *s = find(f);
	fd = s ? s->fd : -1;
	pthread_mutex_unlock(&lock);
	return fd;
}

int cw_outguard_errno(FILE *f)
{
	pthread_mutex_lock(&lock);
	const stream *s = find(f);
	int err = s ? s->err : 0;
	pthread_mutex_unlock(&lock);
	return err;
}

cw_output *cw_outguard_output(FILE *f)
{
	pthread_mutex_lock(&lock);
	const stream *s = find(f);
	cw_output *o = s ? s->out : NULL;
	pthread_mutex_unlock(&lock);
	return o;
}

int cw_outguard_explain(const cw_output *o)
{
	char msg[sizeof o->refusal];
	if (!o)
		return 0;
	pthread_mutex_lock(&lock);
	memcpy(msg, o->refusal, sizeof msg);
	pthread_mutex_unlock(&lock);
	return msg[0] ? cw_error_set(CW_EIO, "%s", msg) : 0;
}
