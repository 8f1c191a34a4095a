/* posix_spawn helpers: capture, deadlines, and the SIGTERM grace that lets a
 * timed-out worker tear its container down before anything is SIGKILLed. */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "tap.h"
#include "xl-spawn.h"
#include "xl-util.h"

static int run(const char *script, unsigned flags, double timeout, struct xl_spawn_result *r)
{
    char *argv[] = { (char *)"sh", (char *)"-c", (char *)script, NULL };

    return xl_spawn_capture(argv, flags, timeout, 4096, r);
}

int main(void)
{
    struct xl_spawn_result r;
    double t0;

    tap_ok(run("echo hello; exit 3", 0, 0, &r) == XL_OK && r.exit_code == 3 && strcmp(r.out, "hello\n") == 0 &&
               !r.timed_out,
           "output and exit status are captured");
    xl_spawn_result_dispose(&r);

    t0 = xl_now();
    tap_ok(run("sleep 30", XL_SPAWN_NEW_PGROUP, 0.3, &r) == XL_OK && r.timed_out && r.term_signal == SIGKILL &&
               xl_now() - t0 < 5,
           "a deadline without grace ends in SIGKILL at once");
    xl_spawn_result_dispose(&r);

    /* The shell cleans up on SIGTERM (as xenlab-guest removes its container). */
    tap_ok(run("trap 'echo cleaned up; exit 7' TERM; echo started; sleep 30 >/dev/null & wait", XL_SPAWN_NEW_PGROUP | XL_SPAWN_TERM_FIRST,
               0.3, &r) == XL_OK,
           "a child with a TERM handler runs");
    tap_ok(r.timed_out && r.exit_code == 7 && strstr(r.out, "cleaned up") != NULL,
           "at the deadline it gets SIGTERM and its clean-up runs (exit %d, %zu bytes of output)", r.exit_code, r.out_len);
    xl_spawn_result_dispose(&r);

    t0 = xl_now();
    tap_ok(run("trap '' TERM; sleep 30", XL_SPAWN_NEW_PGROUP | XL_SPAWN_TERM_FIRST, 0.3, &r) == XL_OK &&
               r.timed_out && r.term_signal == SIGKILL,
           "a child that ignores SIGTERM is SIGKILLed after the grace");
    tap_ok(xl_now() - t0 >= XL_SPAWN_TERM_GRACE_S && xl_now() - t0 < XL_SPAWN_TERM_GRACE_S + 5,
           "the grace is %.0f s (took %.1f s)", XL_SPAWN_TERM_GRACE_S, xl_now() - t0);
    xl_spawn_result_dispose(&r);
    return tap_done();
}
