/* tap.h -- a tiny TAP producer for the C unit tests, run under prove.
 *
 * ok(cond, fmt, ...) reports one test; the is_* macros also print both
 * operands when they differ (on stderr, so prove shows them without -v),
 * so a failure says what was seen. done_testing()
 * prints the plan and returns the exit status (non-zero if any failed). */
#ifndef LG_TAP_H
#define LG_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_run, tap_failed;

static inline int tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    tap_run++;
    if (!cond)
        tap_failed++;
    printf("%sok %d - ", cond ? "" : "not ", tap_run);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!cond)
        fprintf(stderr, "#   failed at %s:%d\n", file, line);
    fflush(stdout);
    return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...)                                                        \
    do {                                                                              \
        long long tap_g_ = (long long)(got), tap_w_ = (long long)(want);              \
        if (!ok(tap_g_ == tap_w_, __VA_ARGS__))                                       \
            fprintf(stderr, "#   got: %lld\n#  want: %lld\n", tap_g_, tap_w_);                 \
    } while (0)

#define is_double(got, want, tol, ...)                                                \
    do {                                                                              \
        double tap_g_ = (double)(got), tap_w_ = (double)(want);                       \
        double tap_d_ = tap_g_ - tap_w_;                                              \
        if (!ok(tap_d_ <= (tol) && -tap_d_ <= (tol), __VA_ARGS__))                    \
            fprintf(stderr, "#   got: %.9g\n#  want: %.9g (+/- %g)\n", tap_g_, tap_w_, (double)(tol)); \
    } while (0)

#define is_str(got, want, ...)                                                        \
    do {                                                                              \
        const char *tap_g_ = (got), *tap_w_ = (want);                                 \
        int tap_same_ = (tap_g_ && tap_w_) ? strcmp(tap_g_, tap_w_) == 0 : tap_g_ == tap_w_; \
        if (!ok(tap_same_, __VA_ARGS__))                                              \
            fprintf(stderr, "#   got: '%s'\n#  want: '%s'\n", tap_g_ ? tap_g_ : "(null)", \
                   tap_w_ ? tap_w_ : "(null)");                                       \
    } while (0)

#define like(got, needle, ...)                                                        \
    do {                                                                              \
        const char *tap_g_ = (got), *tap_n_ = (needle);                               \
        if (!ok(tap_g_ && strstr(tap_g_, tap_n_) != NULL, __VA_ARGS__))               \
            fprintf(stderr, "#   got: '%s'\n#  want it to contain: '%s'\n", tap_g_ ? tap_g_ : "(null)", tap_n_); \
    } while (0)

#define note(...) (printf("# "), printf(__VA_ARGS__), printf("\n"))

static inline int done_testing(void)
{
    printf("1..%d\n", tap_run);
    if (tap_failed)
        printf("# %d of %d failed\n", tap_failed, tap_run);
    return tap_failed ? 1 : 0;
}

#endif
