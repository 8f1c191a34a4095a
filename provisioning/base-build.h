/* xenlab base build: an installed-VM-like Debian image made from a Debian
 * mirror, laid out as the Debian installer lays out a VM's disk, booted by
 * its own kernel through its own /boot/grub/grub.cfg (pvgrub2 or pygrub),
 * with systemd and the guest agent's unit enabled; cached by a hash of its
 * recipe and registered as a base. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base.h"

enum xl_base_layout {
    XL_BASE_LAYOUT_SEED,    /* MBR: ext4 root (1), extended (2) holding swap (5) at the end */
    XL_BASE_LAYOUT_SINGLE,  /* MBR: one ext4 root partition to the end */
};

#define XL_BASE_BUILD_MAX_PACKAGES 64

struct xl_base_recipe {
    const char *name;
    const char *suite;          /* Debian suite, "bookworm" */
    const char *mirror;         /* NULL: mmdebstrap's own default (deb.debian.org + updates, security) */
    uint64_t size;              /* the disk, bytes */
    uint64_t swap;              /* swap partition (layout seed), bytes */
    enum xl_base_layout layout;
    const char *format;         /* "raw" or "qcow2" */
    const char *packages[XL_BASE_BUILD_MAX_PACKAGES]; /* on top of the default set */
    size_t npackages;
    bool container_image;       /* keep a debian:SUITE image for Docker/podman in the base */
    const char *guest_binary;   /* xenlab-guest (xenlab-guest-agent beside it is taken too) */
    const char *template;       /* domain template the base is registered with */
    /* One line per step, as it starts (NULL: quiet). */
    void (*progress)(const char *step, double elapsed_s, void *arg);
    void *progress_arg;
};

void xl_base_recipe_init(struct xl_base_recipe *r);
int xl_base_layout_parse(const char *s, enum xl_base_layout *l_r);

/* The recipe's cache key: FNV-1a 64 over every field that changes the image,
 * the default package set and the guest binary's bytes, in hex. */
int xl_base_recipe_hash(const struct xl_base_recipe *r, char hash[17]);

/* Builds the image under $XENLAB_STATE_DIR/base-cache/HASH (reusing it when
 * that recipe was built before) and registers it as r->name; a name already
 * registered for the same image is that base, for another image an error.
 * *cached_r (optional) says nothing was built. */
int xl_base_build(const struct xl_base_recipe *r, struct xl_base *b_r, bool *cached_r);
