/* compare.h -- `logen compare BASE.json NEW.json [--tolerance 5%]`: two
 * runs' summaries side by side, per line and name, with the relative
 * change of each figure and a mark where NEW is worse than BASE by more
 * than the tolerance (compare.c). */
#ifndef LG_COMPARE_H
#define LG_COMPARE_H

#include <stddef.h>

#define LG_COMPARE_EXIT_REGRESSED 98 /* a figure is worse beyond the tolerance */
#define LG_COMPARE_DEFAULT_ID "customId" /* a line without --id (cli.c): not matched by id */

/* The command: the comparison on stdout. Returns 0, LG_COMPARE_EXIT_REGRESSED,
 * or 2 with one line in err (not printed) for bad input. */
int lg_compare_main(int argc, char **argv, char *err, size_t errlen);

#endif
