/* units.h -- numbers and durations as users type them, one parser for all.
 *
 * A number is a plain decimal (digits, sign, point, exponent); strtod's
 * "inf", "nan", hex and leading blanks are refused. A duration is a number
 * with an optional unit: none or `s` seconds, `us` microseconds, `ms`
 * milliseconds, `m` minutes, `h` hours (250us, 500ms, 1.5s, 2m, 1h; units
 * are lower case, with nothing between the number and the unit). Every
 * option that takes seconds, the --defaults file's strings for them and the
 * phase durations of a --schedule go through lg_units_seconds. Pure: no
 * messages, the caller names the culprit. */
#ifndef LG_UNITS_H
#define LG_UNITS_H

#include <stddef.h>

/* Return codes of the parsers. */
#define LG_UNITS_NAN   (-1) /* not a number */
#define LG_UNITS_RANGE (-2) /* out of range (overflows a double) */
#define LG_UNITS_UNIT  (-3) /* a number followed by an unknown unit */

/* What a duration may look like, for messages. Static; do not free. */
#define LG_UNITS_SECONDS_HINT "seconds, or with a unit: 250us, 500ms, 1.5s, 2m, 1h"

/* Parses the number p[0..len). Returns 0 with *v set, or LG_UNITS_NAN or
 * LG_UNITS_RANGE. */
int lg_units_number(const char *p, size_t len, double *v);

/* Parses the duration p[0..len) into seconds. Returns 0 with *seconds set,
 * or LG_UNITS_NAN, LG_UNITS_RANGE or LG_UNITS_UNIT. The sign is the
 * caller's to check. */
int lg_units_seconds(const char *p, size_t len, double *seconds);

#endif
