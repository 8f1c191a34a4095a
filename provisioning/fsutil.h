/* File helpers the provisioning steps share. */
#pragma once

#include <stdint.h>

/* Copies src to a new file dst (O_EXCL), keeping holes: FICLONE when the
 * filesystem shares extents, else copy_file_range over the data ranges
 * found with SEEK_DATA/SEEK_HOLE. *reflinked_r says which happened. */
int xl_copy_sparse(const char *src, const char *dst, int *reflinked_r);
/* Runs a tool to completion; a non-zero exit is an error quoting its
 * output, prefixed by what. out_r (optional) receives stdout, trimmed. */
int xl_run_tool(char *const argv[], const char *what, char **out_r);
