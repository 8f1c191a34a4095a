/* Validating accessors over json-c objects. Every error names the JSON path
 * of the offending value ("arms[1].run_in.container.cpus: must be > 0"). */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XL_JSON_MAX_DEPTH 16

/* Parses exactly one JSON value from text[0..len); trailing non-space is an
 * error. `what` names the source (file name, XenStore path) in messages. */
int xl_json_parse(const char *text, size_t len, const char *what, json_object **obj_r);
int xl_json_parse_file(const char *path, size_t max_bytes, json_object **obj_r);

/* "path.key", or "key" when path is empty. Caller frees. */
char *xl_json_path_key(const char *path, const char *key);
/* "path[i]". Caller frees. */
char *xl_json_path_index(const char *path, size_t i);

/* Field getters: a missing required field is an error; a missing optional
 * field leaves *r untouched and returns XL_OK. A field present as null is
 * an error, never taken as missing. Errors are XL_ERR_INVAL. */
int xl_json_need_object(json_object *v, const char *path);
int xl_json_get_object(json_object *obj, const char *path, const char *key, bool required,
                       json_object **r);
int xl_json_get_array(json_object *obj, const char *path, const char *key, bool required,
                      size_t max_len, json_object **r);
int xl_json_get_string(json_object *obj, const char *path, const char *key, bool required,
                       size_t max_len, const char **r);
int xl_json_get_int(json_object *obj, const char *path, const char *key, bool required,
                    int64_t min, int64_t max, int64_t *r);
int xl_json_get_double(json_object *obj, const char *path, const char *key, bool required,
                       double min, double max, double *r);
int xl_json_get_bool(json_object *obj, const char *path, const char *key, bool required, bool *r);

/* A required name (xl_name_valid with max): the error quotes it, made safe. */
int xl_json_get_name(json_object *obj, const char *path, const char *key, size_t max, const char **r);
/* The same checks on a bare value at `path`. */
int xl_json_as_string(json_object *v, const char *path, size_t max_len, const char **r);
int xl_json_as_int(json_object *v, const char *path, int64_t min, int64_t max, int64_t *r);
int xl_json_as_double(json_object *v, const char *path, double min, double max, double *r);

/* Rejects keys of obj not in the NULL-terminated list: catches typos in specs. */
int xl_json_check_keys(json_object *obj, const char *path, const char *const *allowed);

/* True if s is printable ASCII of at most max_len bytes (guest-supplied text). */
bool xl_str_is_printable(const char *s, size_t max_len);

/* Compact, deterministic serialisation; the string lives as long as obj. */
const char *xl_json_compact(json_object *obj);
const char *xl_json_pretty(json_object *obj);

/* Convenience constructors that never return NULL. */
json_object *xl_json_str(const char *s);
/* A wall-clock time in seconds, printed with millisecond precision. */
json_object *xl_json_time(double t);
void xl_json_add(json_object *obj, const char *key, json_object *val);
