/* One experiment over many hosts (hosts.h), without a daemon of our own:
 * each host runs its part with its own xenlab (remote.h), which collects
 * from its own XenStore as a local run does; this side places the arms,
 * follows every host's run, and merges what they found.
 *
 * The controller's run directory is an ordinary run directory: spec.json
 * (the whole spec, its "hosts" and each arm's "host"), journal.jsonl and
 * results.json, plus hosts/<name>/ with each host's results.json and the
 * log of what its xenlab (and ssh) wrote on stderr. Each host's part is a
 * run there with the id <controller id>-<k> (k: the host's place in the
 * list, from 1), journalled before it is started, so --resume re-attaches
 * to it, resumes it if it died, or starts it if it never began. The
 * controller's jobs mirror the remote jobs (same arm and replica), so
 * `xenlab runs` and the exit status say how every guest ended.
 *
 * Journal events (beside journal.h's):
 *   {"event":"remote","host":NAME,"uri":URI,"run":RID,"state":"starting"}
 *       before the host is asked to start RID;
 *   {"event":"remote","host":NAME,"run":RID,"state":"finished","results":N}
 *       its run ended and hosts/NAME/results.json holds what it found;
 *   {"event":"remote","host":NAME,"run":RID,"state":"lost"|"refused","reason":TEXT}
 *       it stopped answering for longer than the host timeout, or refused
 *       the run (its jobs are failed with the reason);
 *   {"event":"remote","host":NAME,"run":RID,"state":"cleaned"}. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>

#include "progress.h"
#include "runstore.h"
#include "spec.h"

struct xl_multihost_opts {
    const char *self;           /* this program: the local host's xenlab */
    bool every_host;            /* every arm on every host */
    double poll_s;              /* status polls of a host not streaming */
    double host_timeout_s;      /* a host silent this long has failed */
    enum xl_progress_mode progress;
};

void xl_multihost_opts_init(struct xl_multihost_opts *o);

/* Before anything is made anywhere: asks every host of spec->hosts for its
 * xenlab (reachable, the same version as this one, its free memory and
 * pCPUs), then places the arms that name no host, or with every_host
 * replaces each arm by one per host ("<arm>-<host>"). Errors name the
 * host entry. *probes_r: {"NAME": probe, ...}, for the journal. */
int xl_multihost_prepare(struct xl_spec *spec, const struct xl_multihost_opts *o, json_object **probes_r);

/* Runs (or resumes) every host's part of run until each has finished or
 * failed, then writes the merged results.json. */
int xl_multihost_run(struct xl_run *run, const struct xl_multihost_opts *o);

/* `xenlab clean` of a multi-host run: every host cleans its part. */
int xl_multihost_clean(struct xl_run *run, const struct xl_multihost_opts *o);

/* results.json of the controller: every host's results, each naming its
 * "host", and "hosts": [{"name","uri","run","host":{host-info.h}}]. */
int xl_multihost_write_results(struct xl_run *run);
