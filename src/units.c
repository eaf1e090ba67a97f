/* units.c -- numbers and durations (see units.h). The unit is the run of
 * letters that ends the text, so an exponent (1e3ms) stays with the number;
 * a unit is looked up in a table and scales the number. */
#include "units.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NUMBER_MAX_BYTES 64 /* longer is not a number anyone types */

int lg_units_number(const char *p, size_t len, double *v)
{
    char buf[NUMBER_MAX_BYTES + 1], *end;

    if (len == 0 || len > NUMBER_MAX_BYTES)
        return LG_UNITS_NAN;
    for (size_t i = 0; i < len; i++)
        if (!strchr("0123456789+-.eE", p[i]) || p[i] == '\0')
            return LG_UNITS_NAN;
    memcpy(buf, p, len);
    buf[len] = '\0';
    errno = 0;
    *v = strtod(buf, &end);
    if (*end || end == buf)
        return LG_UNITS_NAN;
    return isinf(*v) ? LG_UNITS_RANGE : 0;
}

static const struct {
    const char *name;
    double seconds; /* one of it, in seconds */
} units[] = {
    { "us", 1e-6 }, { "ms", 1e-3 }, { "s", 1 }, { "m", 60 }, { "h", 3600 },
};

int lg_units_seconds(const char *p, size_t len, double *seconds)
{
    size_t n = len;
    double v;
    int rc;

    while (n > 0 && p[n - 1] >= 'a' && p[n - 1] <= 'z')
        n--;
    if ((rc = lg_units_number(p, n, &v)) < 0)
        return rc;
    if (n == len) {
        *seconds = v;
        return 0;
    }
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
        if (strlen(units[k].name) == len - n && memcmp(units[k].name, p + n, len - n) == 0) {
            *seconds = v * units[k].seconds;
            return isinf(*seconds) ? LG_UNITS_RANGE : 0;
        }
    return LG_UNITS_UNIT;
}
