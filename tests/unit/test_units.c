/* test_units.c -- the one parser of numbers and durations (units.h): what
 * it takes, what it refuses and with which code. */
#include "tap.h"
#include "units.h"

#include <math.h>
#include <string.h>

static void seconds_are(const char *text, double want)
{
    double v = -1;

    is_int(lg_units_seconds(text, strlen(text), &v), 0, "'%s' is a duration", text);
    is_double(v, want, fabs(want) * 1e-12, "  '%s' is %g s", text, want);
}

static void seconds_fail(const char *text, int code)
{
    double v = -1;

    is_int(lg_units_seconds(text, strlen(text), &v), code, "'%s' is refused (%d)", text, code);
}

static void test_seconds(void)
{
    seconds_are("5", 5);
    seconds_are("1.5", 1.5);
    seconds_are("1s", 1);
    seconds_are("1.5s", 1.5);
    seconds_are("500ms", 0.5);
    seconds_are("250us", 250e-6);
    seconds_are("2m", 120);
    seconds_are("1h", 3600);
    seconds_are("0.5h", 1800);
    seconds_are("1e3ms", 1);
    seconds_are(".5m", 30);
    seconds_are("0", 0);
    seconds_are("-1s", -1); /* the sign is the caller's to refuse */

    seconds_fail("", LG_UNITS_NAN);
    seconds_fail("s", LG_UNITS_NAN);
    seconds_fail("ms", LG_UNITS_NAN);
    seconds_fail("5x", LG_UNITS_UNIT);
    seconds_fail("5S", LG_UNITS_NAN); /* upper case is no unit, and no digit */
    seconds_fail("5sec", LG_UNITS_UNIT);
    seconds_fail("5 s", LG_UNITS_NAN);
    seconds_fail(" 5", LG_UNITS_NAN);
    seconds_fail("5e", LG_UNITS_UNIT);
    seconds_fail("1m30s", LG_UNITS_NAN);
    seconds_fail("inf", LG_UNITS_NAN);
    seconds_fail("nan", LG_UNITS_NAN);
    seconds_fail("0x10", LG_UNITS_NAN);
    seconds_fail("1e999", LG_UNITS_RANGE);
    seconds_fail("1e308h", LG_UNITS_RANGE);
}

static void test_numbers(void)
{
    double v = -1;

    is_int(lg_units_number("2.5e1", 5, &v), 0, "2.5e1 is a number");
    is_double(v, 25, 0, "  it is 25");
    is_int(lg_units_number("+0.25", 5, &v), 0, "+0.25 is a number");
    is_double(v, 0.25, 0, "  it is 0.25");
    is_int(lg_units_number("12", 1, &v), 0, "the length is honoured: '1' of '12'");
    is_double(v, 1, 0, "  it is 1");
    is_int(lg_units_number("1-2", 3, &v), LG_UNITS_NAN, "1-2 is not a number");
    is_int(lg_units_number("-", 1, &v), LG_UNITS_NAN, "- is not a number");
    is_int(lg_units_number("1\0", 2, &v), LG_UNITS_NAN, "a NUL byte is not a number");
    is_int(lg_units_number("5s", 2, &v), LG_UNITS_NAN, "5s is no plain number");
}

int main(void)
{
    test_seconds();
    test_numbers();
    return done_testing();
}
