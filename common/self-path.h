/* Where this executable is, and the programs installed beside it: the CLI
 * finds xenlab-guest there, the worker its agent, the agent its worker. */
#pragma once

/* This executable's path (/proc/self/exe), in a new allocation; NULL with
 * errno set when it cannot be read. */
char *xl_self_exe(void);

/* "DIR/name" for this executable's directory DIR, in a new allocation; NULL
 * when /proc/self/exe cannot be read. Whether that file exists is for the
 * caller to check: each has its own fallback. */
char *xl_self_sibling(const char *name);
