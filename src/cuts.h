/* cuts.h -- the CUT files themselves: `logen list` shows those on the
 * search path, `logen new NAME` writes one from a template. */
#ifndef LG_CUTS_H
#define LG_CUTS_H

#include <stddef.h>
#include <stdio.h>

#include "paths.h"

/* Writes cuts/NAME.lua (creating cuts/) from the commented template; it
 * runs as written. Refuses a name that is not a Lua identifier and never
 * overwrites a file. Returns 0, or -1 with a one-line message in err. */
int lg_cuts_new(const char *name, char *path, size_t pathlen, char *err, size_t errlen);

/* Lists the CUTs of the search path (as paths.h orders it), one a line:
 * name, the first line of its description, and its file. A name found
 * twice is listed once, where it is found first. Returns how many. */
int lg_cuts_list(const struct lg_paths *p, FILE *out);

#endif
