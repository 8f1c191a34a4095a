#include "xs-layout.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "xl-util.h"

static const char *const state_names[] = {
    [XL_XS_BOOTING] = "booting",
    [XL_XS_GROWING] = "growing",
    [XL_XS_RUNNING] = "running",
    [XL_XS_DONE] = "done",
    [XL_XS_FAILED] = "failed",
};

const char *xl_xs_state_name(enum xl_xs_state s)
{
    return (size_t)s < XL_ARRAY_SIZE(state_names) ? state_names[s] : "?";
}

int xl_xs_state_parse(const char *s, size_t len, enum xl_xs_state *r)
{
    size_t i;

    for (i = 0; i < XL_ARRAY_SIZE(state_names); i++) {
        if (strlen(state_names[i]) == len && memcmp(s, state_names[i], len) == 0) {
            *r = (enum xl_xs_state)i;
            return XL_OK;
        }
    }
    return xl_error(XL_ERR_GUEST, "unknown state");
}

char *xl_xs_home(unsigned domid)
{
    return xl_asprintf("/local/domain/%u", domid);
}

char *xl_xs_path(const char *home, const char *rel)
{
    if (!rel || !*rel)
        return xl_strdup(home);
    return xl_asprintf("%s/%s", home, rel);
}

char *xl_xs_result_path(const char *home, size_t slot)
{
    return xl_asprintf("%s/" XL_XS_RESULT "/%zu", home, slot);
}

char *xl_xs_log_path(const char *home, size_t slot)
{
    return xl_asprintf("%s/" XL_XS_LOG "/%zu", home, slot);
}

int xl_xs_parse_index(const char *s, size_t len, size_t max, size_t *r)
{
    size_t v = 0, i;

    if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
        return XL_ERR_GUEST;
    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return XL_ERR_GUEST;
        if (v > (SIZE_MAX - 9) / 10)
            return XL_ERR_GUEST;
        v = v * 10 + (size_t)(s[i] - '0');
    }
    if (v > max)
        return XL_ERR_GUEST;
    *r = v;
    return XL_OK;
}

bool xl_xs_value_ok(const char *s, size_t len, size_t max)
{
    size_t i;

    if (len > max)
        return false;
    for (i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return false;
    return true;
}

size_t xl_xs_max_chunks(size_t max_bytes)
{
    return (max_bytes + XL_XS_CHUNK_BYTES - 1) / XL_XS_CHUNK_BYTES;
}

static int read_chunked(xl_xs_read_fn rd, void *opaque, const char *path, const char *count,
                        size_t count_len, size_t max_bytes, char **val_r, size_t *len_r)
{
    size_t n, i, len = 0;
    char *val = NULL;
    int rc;

    rc = xl_xs_parse_index(count, count_len, xl_xs_max_chunks(max_bytes), &n);
    if (rc || n < 2) {
        rc = xl_error(XL_ERR_GUEST, "%s/chunks: must be a number from 2 to %zu", path,
                      xl_xs_max_chunks(max_bytes));
        goto out;
    }
    val = xl_malloc(n * XL_XS_CHUNK_BYTES + 1);
    for (i = 0; i < n; i++) {
        xl_autofree char *cpath = xl_asprintf("%s/%zu", path, i);
        xl_autofree char *chunk = NULL;
        size_t clen = 0;

        rc = rd(opaque, cpath, XL_XS_CHUNK_BYTES, &chunk, &clen);
        if (rc == XL_ERR_NOTFOUND) {
            rc = xl_error(XL_ERR_GUEST, "%s: chunk %zu of %zu is missing", cpath, i, n);
            goto out;
        }
        if (rc)
            goto out;
        if (clen == 0 || clen > XL_XS_CHUNK_BYTES || (i + 1 < n && clen != XL_XS_CHUNK_BYTES)) {
            rc = xl_error(XL_ERR_GUEST, "%s: chunk has %zu bytes, want %s%d", cpath, clen,
                          i + 1 < n ? "" : "1 to ", XL_XS_CHUNK_BYTES);
            goto out;
        }
        if (!xl_xs_value_ok(chunk, clen, XL_XS_CHUNK_BYTES)) {
            rc = xl_error(XL_ERR_GUEST, "%s: not printable ASCII", cpath);
            goto out;
        }
        memcpy(val + len, chunk, clen);
        len += clen;
    }
    if (len > max_bytes) {
        rc = xl_error(XL_ERR_GUEST, "%s: %zu bytes, more than %zu", path, len, max_bytes);
        goto out;
    }
    val[len] = '\0';
    *val_r = xl_steal_pointer(&val);
    *len_r = len;
out:
    free(val);
    return rc;
}

int xl_xs_value_read(xl_xs_read_fn rd, void *opaque, const char *path, size_t max_bytes,
                     char **val_r, size_t *len_r)
{
    xl_autofree char *cpath = NULL;
    xl_autofree char *count = NULL;
    char *val = NULL;
    size_t len = 0;
    int rc;

    /* The common case, one small value, costs one read. */
    rc = rd(opaque, path, XL_XS_CHUNK_BYTES, &val, &len);
    if (rc)
        return rc;
    if (len > 0) {
        if (!xl_xs_value_ok(val, len, XL_XS_CHUNK_BYTES) || len > max_bytes) {
            free(val);
            return xl_error(XL_ERR_GUEST, "%s: not printable ASCII", path);
        }
        *val_r = val;
        *len_r = len;
        return XL_OK;
    }
    free(val);
    cpath = xl_asprintf("%s/chunks", path);
    rc = rd(opaque, cpath, 20, &count, &len);
    if (rc == XL_ERR_NOTFOUND)
        return xl_error(XL_ERR_GUEST, "%s: empty, and no %s/chunks", path, path);
    if (rc)
        return rc;
    return read_chunked(rd, opaque, path, count, len, max_bytes, val_r, len_r);
}

int xl_xs_value_write(xl_xs_write_fn wr, void *opaque, const char *path, const char *val, size_t len,
                      size_t max_bytes)
{
    size_t n, i;
    char num[24];
    int rc;

    if (len > max_bytes)
        return xl_error(XL_ERR_INVAL, "%s: value of %zu bytes is over the limit of %zu", path, len, max_bytes);
    if (!xl_xs_value_ok(val, len, max_bytes))
        return xl_error(XL_ERR_INVAL, "%s: value is not printable ASCII", path);
    if (len <= XL_XS_CHUNK_BYTES)
        return wr(opaque, path, val, len);
    n = (len + XL_XS_CHUNK_BYTES - 1) / XL_XS_CHUNK_BYTES;
    for (i = 0; i < n; i++) {
        xl_autofree char *cpath = xl_asprintf("%s/%zu", path, i);
        size_t off = i * XL_XS_CHUNK_BYTES;
        size_t clen = len - off < XL_XS_CHUNK_BYTES ? len - off : XL_XS_CHUNK_BYTES;

        rc = wr(opaque, cpath, val + off, clen);
        if (rc)
            return rc;
    }
    snprintf(num, sizeof(num), "%zu", n);
    {
        xl_autofree char *cpath = xl_asprintf("%s/chunks", path);

        return wr(opaque, cpath, num, strlen(num));
    }
}
