/* Small helpers shared by every xenlab module: error codes, the last-error
 * buffer, cleanup attributes (as bubblewrap does) and bounded string copies. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/* Library return codes (libxl style: functions return int rc, 0 on success). */
#define XL_OK            0
#define XL_ERR_FAIL     -1   /* something outside the caller's control failed */
#define XL_ERR_INVAL    -2   /* the user's input is wrong: exit status 2 */
#define XL_ERR_NOMEM    -3
#define XL_ERR_NOTFOUND -4   /* a file, program, domain or key is missing */
#define XL_ERR_TIMEOUT  -5
#define XL_ERR_GUEST    -6   /* data from a guest failed validation */

/* Exit status for a CLI front end from an rc: 2 for user errors, 1 otherwise. */
int xl_rc_to_exit(int rc);

/* Records a one-line message for the current thread and returns rc, so an
 * error is reported once, where it happens: `return xl_error(XL_ERR_INVAL, ...)`. */
int xl_error(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int xl_verror(int rc, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Like xl_error but appends ": strerror(errno)". */
int xl_error_errno(int rc, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Puts "prefix: " before the current message: adds context (the file, the
 * JSON path) on the way up without losing what went wrong below. */
int xl_error_prefix(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *xl_error_message(void);
void xl_error_clear(void);

static inline void xl_cleanup_free(void *p) { free(*(void **)p); }
static inline void xl_cleanup_fd(int *fd) { if (*fd >= 0) close(*fd); }
#define xl_autofree __attribute__((cleanup(xl_cleanup_free)))
#define xl_autofd __attribute__((cleanup(xl_cleanup_fd)))

static inline void *xl_steal_pointer(void *pp)
{
    void **p = pp;
    void *v = *p;
    *p = NULL;
    return v;
}

/* Allocation that aborts on failure: an out-of-memory toolstack cannot
 * report anything useful, and every caller would do the same. */
void *xl_malloc(size_t n);
void *xl_calloc(size_t nmemb, size_t size);
void *xl_realloc(void *p, size_t n);
char *xl_strdup(const char *s);
char *xl_strndup(const char *s, size_t n);
char *xl_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* FNV-1a, 64 bits: a fingerprint that says "same bytes" (cache keys, a run's
 * spec), not a defence against someone choosing colliding inputs. Start from
 * XL_FNV1A64_INIT and feed bytes in order. */
#define XL_FNV1A64_INIT UINT64_C(0xcbf29ce484222325)
void xl_fnv1a64(uint64_t *h, const void *p, size_t n);

/* Reads at most max_bytes of a file into a NUL-terminated buffer; a larger
 * file is an error naming the path. */
int xl_read_file(const char *path, size_t max_bytes, char **buf_r, size_t *len_r);
/* The same from an open fd (path names it in errors): at most max_bytes,
 * NUL-terminated; one byte more is an error. */
int xl_read_fd(int fd, const char *path, size_t max_bytes, char **buf_r, size_t *len_r);
/* Writes the whole buffer, then fsync()s, to a temporary name renamed over path. */
int xl_write_file_atomic(const char *path, const char *buf, size_t len);
/* Writes all of buf to fd, retrying short writes and EINTR; `what` names fd in errors. */
int xl_write_all(int fd, const char *buf, size_t len, const char *what);

/* mkdir -p with mode 0755. */
int xl_mkdir_p(const char *dir);

/* Monotonic clock in seconds. */
double xl_now(void);
/* Seconds since the Epoch (CLOCK_REALTIME): for records, never for intervals. */
double xl_wall_now(void);
/* $XENLAB_STATE_DIR, or /var/lib/xenlab: the root of bases, clones and runs. */
const char *xl_state_dir(void);

#define XL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A name xenlab makes paths, XenStore keys and report rows from: 1..max of
 * a-z, 0-9, '-' and '_', not starting with '-' or '_'. */
bool xl_name_valid(const char *s, size_t max);

/* Frees a NULL-terminated vector of strings (an argv, an environment). */
void xl_argv_free(char **argv);
