/* How a multi-host run reaches each host's own xenlab (hosts.h): the
 * command lines, built as argv arrays (pure, so tests hold them against
 * golden files), and the processes that carry them out.
 *
 *   local     this program again:      xenlab OP ARGS...
 *   ssh://    ssh -F CONFIG? -o BatchMode=yes -o StrictHostKeyChecking=yes
 *                 -o ConnectTimeout=10 -o ServerAliveInterval=5
 *                 -o ServerAliveCountMax=3 [-p PORT] [-l USER] -- HOST 'xenlab' 'OP' 'ARGS'...
 *             (the remote command is one string a remote shell splits, so
 *             every word is single-quoted; ssh never asks for a password,
 *             and a host key not in known_hosts is refused)
 *   xapi://   xe host-call-plugin host-uuid=UUID plugin=xenlab fn=FN args:K=V...
 *             (from the pool master; the plugin answers with a JSON string)
 *
 * The operations and what each side runs:
 *   probe    xenlab host --json                    fn=host_info
 *   run      xenlab run - --json --run-id RID ...  fn=run args:spec=JSON args:id=RID
 *            (the spec on stdin)
 *   resume   xenlab run --resume RID --json        fn=run args:resume=RID
 *   status   xenlab status RID --json              fn=status args:id=RID
 *   results  xenlab results RID                    fn=report args:id=RID args:format=results
 *   cancel   xenlab cancel RID                     fn=cancel args:id=RID
 *   clean    xenlab clean RID                      fn=clean args:id=RID
 * Each answers with one JSON document on stdout, but run and resume over
 * ssh and local, which stream their --json events until the run ends.
 * XENLAB_SSH / XENLAB_XE name other ssh / xe programs; XENLAB_SSH_CONFIG an
 * ssh_config(5) file given to ssh as -F (keys, known_hosts, jump hosts). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "hosts.h"
#include "xe-argv.h"

enum xl_remote_op {
    XL_REMOTE_PROBE, XL_REMOTE_RUN, XL_REMOTE_RESUME, XL_REMOTE_STATUS, XL_REMOTE_RESULTS, XL_REMOTE_CANCEL,
    XL_REMOTE_CLEAN,
};

/* Builds op's argv for host e. rid: the remote run id (NULL for probe);
 * spec: the run's spec JSON (xapi run only: ssh and local read it from
 * stdin). self: this program's path, for local. */
void xl_remote_argv(const struct xl_host_entry *e, enum xl_remote_op op, const char *rid, const char *spec,
                    const char *self, struct xl_argv *a);

/* One word for a POSIX shell: single-quoted, ' as '\''. Caller frees. */
char *xl_sh_quote(const char *s);

/* A started operation: its stdout to read, its stderr into err_path. */
struct xl_remote_proc {
    pid_t pid;
    int out_fd;
    char *buf;          /* bytes read and not yet taken as lines */
    size_t len;
    bool eof;
    int status;         /* as from waitpid, once reaped */
    bool reaped;
};

void xl_remote_proc_init(struct xl_remote_proc *p);
/* Kills (SIGKILL) and reaps a process still running; frees buffers. */
void xl_remote_proc_dispose(struct xl_remote_proc *p);

/* Starts argv with stdin_text (NULL: /dev/null) on its stdin, stdout on a
 * pipe, stderr appended to err_path (NULL: /dev/null). Own process group,
 * so a SIGINT at the terminal reaches the controller, not ssh: the
 * controller decides what each host is told. */
int xl_remote_start(char *const argv[], const char *stdin_text, const char *err_path, struct xl_remote_proc *p);
/* Reads what is there (non-blocking) into the buffer; sets eof. Lines
 * longer than max_line are an error (a remote is data). */
int xl_remote_read(struct xl_remote_proc *p, size_t max_line);
/* The next complete line (without '\n'), or NULL; caller frees. */
char *xl_remote_take_line(struct xl_remote_proc *p);
/* Reaps the process if it has exited (wait = block); true once reaped. */
bool xl_remote_reap(struct xl_remote_proc *p, bool wait);

/* Runs op to the end within timeout_s and parses its stdout as one JSON
 * value (max_out bytes at most). *exit_r: its exit status (255: ssh could
 * not reach the host; 127: no such program). On failure the message names
 * what went wrong, with the last line the command wrote to stderr. */
struct json_object;
int xl_remote_call(const struct xl_host_entry *e, enum xl_remote_op op, const char *rid, const char *spec,
                   const char *self, double timeout_s, size_t max_out, struct json_object **out_r, int *exit_r);

/* The last non-empty line of a file, cut to len - 1 and made printable ("" if none). */
void xl_last_line(const char *path, char *buf, size_t len);
