#include "xl-util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "text.h"

static __thread char last_error[1024];

/* Every message is one line of printable, valid UTF-8 from the moment it is
 * recorded: it quotes spec fields, arguments, guest and journal data, and
 * goes to terminals, journals and XML-RPC replies (which refuse control
 * characters and bad UTF-8). Idempotent, so a recorded message may be
 * quoted in the next one. */
static void set_error(const char *raw)
{
    xl_text_sanitise(last_error, sizeof(last_error), raw, strlen(raw));
}

int xl_rc_to_exit(int rc)
{
    if (rc == XL_OK)
        return 0;
    return rc == XL_ERR_INVAL ? 2 : 1;
}

int xl_verror(int rc, const char *fmt, va_list ap)
{
    char raw[sizeof(last_error)];

    vsnprintf(raw, sizeof(raw), fmt, ap);
    set_error(raw);
    return rc;
}

int xl_error(int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    xl_verror(rc, fmt, ap);
    va_end(ap);
    return rc;
}

int xl_error_errno(int rc, int errnum, const char *fmt, ...)
{
    char raw[sizeof(last_error)];
    va_list ap;
    size_t used;

    va_start(ap, fmt);
    vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    used = strlen(raw);
    snprintf(raw + used, sizeof(raw) - used, ": %s", strerror(errnum));
    set_error(raw);
    return rc;
}

int xl_error_prefix(int rc, const char *fmt, ...)
{
    char joined[2 * sizeof(last_error)];
    size_t n;
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = vsnprintf(joined, sizeof(last_error), fmt, ap);
    va_end(ap);
    n = r < 0 ? 0 : (size_t)r >= sizeof(last_error) ? sizeof(last_error) - 1 : (size_t)r;
    snprintf(joined + n, sizeof(joined) - n, ": %s", last_error);
    set_error(joined);
    return rc;
}

const char *xl_error_message(void)
{
    return last_error[0] ? last_error : "unknown error";
}

void xl_error_clear(void)
{
    last_error[0] = '\0';
}

static void *check_alloc(void *p)
{
    if (!p) {
        fputs("xenlab: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *xl_malloc(size_t n) { return check_alloc(malloc(n ? n : 1)); }
void *xl_calloc(size_t nmemb, size_t size) { return check_alloc(calloc(nmemb ? nmemb : 1, size ? size : 1)); }
void *xl_realloc(void *p, size_t n) { return check_alloc(realloc(p, n ? n : 1)); }
char *xl_strdup(const char *s) { return check_alloc(strdup(s)); }
char *xl_strndup(const char *s, size_t n) { return check_alloc(strndup(s, n)); }

void xl_fnv1a64(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i;

    for (i = 0; i < n; i++) {
        *h ^= b[i];
        *h *= UINT64_C(0x100000001b3);
    }
}

char *xl_asprintf(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    int r;

    va_start(ap, fmt);
    r = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (r < 0)
        check_alloc(NULL);
    return s;
}

int xl_read_fd(int fd, const char *path, size_t max_bytes, char **buf_r, size_t *len_r)
{
    char *buf = NULL;
    size_t len = 0, cap = max_bytes < 4096 ? max_bytes : 4096;
    int rc;

    buf = xl_malloc(cap + 1);
    for (;;) {
        ssize_t r;

        if (len == cap) {
            if (cap >= max_bytes) {
                char probe;

                /* Exactly max_bytes is fine; one byte more is not. */
                r = read(fd, &probe, 1);
                if (r < 0 && errno == EINTR)
                    continue;
                if (r == 0)
                    break;
                if (r < 0) {
                    rc = xl_error_errno(XL_ERR_FAIL, errno, "%s: read", path);
                    goto out;
                }
                rc = xl_error(XL_ERR_INVAL, "%s: larger than %zu bytes", path, max_bytes);
                goto out;
            }
            cap = cap * 2 > max_bytes ? max_bytes : cap * 2;
            buf = xl_realloc(buf, cap + 1);
        }
        r = read(fd, buf + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = xl_error_errno(XL_ERR_FAIL, errno, "%s: read", path);
            goto out;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    buf[len] = '\0';
    *buf_r = xl_steal_pointer(&buf);
    if (len_r)
        *len_r = len;
    rc = XL_OK;
out:
    free(buf);
    return rc;
}

int xl_read_file(const char *path, size_t max_bytes, char **buf_r, size_t *len_r)
{
    xl_autofd int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return xl_error_errno(errno == ENOENT ? XL_ERR_NOTFOUND : XL_ERR_FAIL, errno, "%s", path);
    return xl_read_fd(fd, path, max_bytes, buf_r, len_r);
}

int xl_write_all(int fd, const char *buf, size_t len, const char *what)
{
    size_t off = 0;

    while (off < len) {
        ssize_t r = write(fd, buf + off, len - off);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return xl_error_errno(XL_ERR_FAIL, errno, "%s: write", what);
        off += (size_t)r;
    }
    return XL_OK;
}

int xl_write_file_atomic(const char *path, const char *buf, size_t len)
{
    xl_autofree char *tmp = xl_asprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = -1, rc;

    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        rc = xl_error_errno(XL_ERR_FAIL, errno, "%s", tmp);
        goto out;
    }
    rc = xl_write_all(fd, buf, len, tmp);
    if (rc)
        goto out;
    if (fsync(fd) < 0) {
        rc = xl_error_errno(XL_ERR_FAIL, errno, "%s: fsync", tmp);
        goto out;
    }
    if (close(fd) < 0) {
        fd = -1;
        rc = xl_error_errno(XL_ERR_FAIL, errno, "%s: close", tmp);
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) < 0) {
        rc = xl_error_errno(XL_ERR_FAIL, errno, "rename %s -> %s", tmp, path);
        goto out;
    }
    rc = XL_OK;
out:
    if (fd >= 0)
        close(fd);
    if (rc)
        unlink(tmp);
    return rc;
}

int xl_mkdir_p(const char *dir)
{
    char buf[4096];
    char *p;

    if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
        return xl_error(XL_ERR_INVAL, "%s: path too long", dir);
    for (p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
            return xl_error_errno(XL_ERR_FAIL, errno, "%s", buf);
        *p = '/';
    }
    if (mkdir(buf, 0755) < 0 && errno != EEXIST)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", buf);
    return XL_OK;
}

static double clock_seconds(clockid_t clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *xl_state_dir(void)
{
    const char *d = getenv("XENLAB_STATE_DIR");

    return d && *d ? d : "/var/lib/xenlab";
}

double xl_wall_now(void)
{
    return clock_seconds(CLOCK_REALTIME);
}

double xl_now(void)
{
    return clock_seconds(CLOCK_MONOTONIC);
}

bool xl_name_valid(const char *s, size_t max)
{
    size_t i;

    if (!s[0] || strlen(s) > max)
        return false;
    for (i = 0; s[i]; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '-' || c == '_'))))
            return false;
    }
    return true;
}

void xl_argv_free(char **argv)
{
    size_t i;

    if (!argv)
        return;
    for (i = 0; argv[i]; i++)
        free(argv[i]);
    free(argv);
}
