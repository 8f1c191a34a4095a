/* with-xenstored SHIM CMD [ARGS...]: runs CMD with a private real xenstored
 * (tests/xenstore/xsd-harness) reachable through XENSTORED_PATH, then stops
 * it and removes its directory. Exits with CMD's status; 77 (skip) when
 * xenstored cannot be had here. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xsd-harness.h"

int main(int argc, char **argv)
{
    struct xsd x;
    const char *why = NULL;
    int r, status = 0;
    pid_t pid;

    if (argc < 3) {
        fprintf(stderr, "usage: with-xenstored SHIM CMD [ARGS...]\n");
        return 2;
    }
    r = xsd_start(&x, argv[1], &why);
    if (r == 77) {
        printf("1..0 # SKIP %s\n", why);
        return 0;
    }
    if (r) {
        fprintf(stderr, "with-xenstored: %s\n", why);
        return 1;
    }
    pid = fork();
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        ;
    xsd_stop(&x);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
