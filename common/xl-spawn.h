/* Starting external programs: always posix_spawn with an argument vector,
 * never a shell. */
#pragma once

#include <spawn.h>
#include <stddef.h>
#include <sys/types.h>

#define XL_SPAWN_MERGE_STDERR 1u   /* capture stderr with stdout */
#define XL_SPAWN_QUIET_STDERR 2u   /* send stderr to /dev/null */
#define XL_SPAWN_NEW_PGROUP   4u   /* own process group, killed as a whole on timeout */
/* At the deadline send SIGTERM first and SIGKILL only XL_SPAWN_TERM_GRACE_S
 * later: for children that must clean up (a worker tearing down its
 * container, a podman client removing its container). */
#define XL_SPAWN_TERM_FIRST   8u
#define XL_SPAWN_TERM_GRACE_S 5.0

struct xl_spawn_result {
    int status;          /* as from waitpid */
    int exit_code;       /* WEXITSTATUS, or 128 + signal */
    int term_signal;     /* 0 unless killed by a signal */
    int timed_out;       /* killed by us at the deadline */
    char *out;           /* captured output, NUL-terminated, at most max_out bytes */
    size_t out_len;
    int truncated;       /* more output was discarded */
};

void xl_spawn_result_init(struct xl_spawn_result *r);
void xl_spawn_result_dispose(struct xl_spawn_result *r);

/* Runs argv[0] (searched in PATH) with stdin from /dev/null, capturing
 * stdout. timeout_s <= 0 waits forever. Returns XL_ERR_NOTFOUND when the
 * program does not exist, XL_OK when it ran (whatever its exit status). */
int xl_spawn_capture(char *const argv[], unsigned flags, double timeout_s, size_t max_out,
                     struct xl_spawn_result *r);

/* Like xl_spawn_capture without capture (stdout inherited): for tools whose
 * output the user should see or that we do not parse. */
int xl_spawn_wait(char *const argv[], unsigned flags, double timeout_s, struct xl_spawn_result *r);

/* A user's program: its own directory, environment and output files. */
struct xl_spawn_opts {
    const char *cwd;          /* NULL: ours; a missing one fails the start */
    char *const *envp;        /* NULL: ours */
    const char *out_path;     /* stdout to this file (created 0600, truncated, never through a symlink) */
    const char *err_path;     /* stderr likewise */
};
int xl_spawn_with(char *const argv[], unsigned flags, double timeout_s, const struct xl_spawn_opts *o,
                  struct xl_spawn_result *r);

/* True if name is an executable found in PATH (or an absolute path). */
int xl_program_exists(const char *name);
/* The path of name found in PATH (name itself if it has a '/'), in buf;
 * XL_ERR_NOTFOUND when there is none. */
int xl_find_program(const char *name, char *buf, size_t len);

/* A child starts with no signal blocked and SIGPIPE, SIGINT and SIGTERM at
 * their defaults (whatever this process ignores or catches), in its own
 * process group if new_pgroup: every spawn of ours and the multi-host
 * transport's piped one (plugin/run/remote.c). */
void xl_spawn_attr_child_signals(posix_spawnattr_t *attr, int new_pgroup);
