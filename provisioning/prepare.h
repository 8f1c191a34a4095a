/* Turning a stock Debian image into a base without booting it: install the
 * guest agent and its systemd unit into the ext4 root with libext2fs. */
#pragma once

struct xl_prepare_opts {
    const char *guest_binary;   /* xenlab-guest; xenlab-guest-agent beside it is taken too */
    const char *unit;           /* systemd unit file; NULL: guest-payload/xenlab-agent.service */
};

int xl_base_prepare(const char *image, const struct xl_prepare_opts *o);

/* Where prepare and base build install xenlab-guest in a guest. */
#define XL_GUEST_BINDIR "/usr/local/bin"
/* guest-payload's unit file (compiled in) with @BINDIR@ made XL_GUEST_BINDIR.
 * Caller frees. */
char *xl_agent_unit_text(void);
