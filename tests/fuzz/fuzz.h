/* fuzz.h -- what the libFuzzer targets of tests/fuzz/ share: the entry
 * point's prototype (libFuzzer calls it; -Wmissing-prototypes wants one),
 * a NUL-terminated heap copy of the input, since the parsers under test
 * take C strings, and the promises every accepted config keeps. Nothing
 * here parses. */
#ifndef LG_FUZZ_H
#define LG_FUZZ_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data[0..size) followed by a NUL, on the heap (free it). */
static inline char *lg_fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* What the README promises of a config the parser accepted: no value
 * negative, counts of at least 1 where 0 would run nothing, periods above
 * 0, every time finite, 1 to LG_STEPS_MAX non-empty steps. A broken
 * promise names the field and aborts, which libFuzzer reports as a crash. */
static inline void lg_fuzz_config_check(const struct lg_config *c)
{
    const double secs[] = { c->postpone, c->rampup, c->duration, c->pauseloop, c->pausestep,
                            c->summary, c->controller_delay, c->maxwait };
    const char *bad = NULL;

    for (size_t k = 0; k < sizeof secs / sizeof secs[0]; k++)
        if (!isfinite(secs[k]) || secs[k] < 0)
            bad = "a time (s)";
    if (c->process < 1 || c->loops < 1 || c->trigger < 1)
        bad = "process, loops or trigger";
    if (c->prefork < 0 || c->decrease < 0 || c->maxproc < 0)
        bad = "prefork, decrease or maxproc";
    if (!(c->summary > 0) || !(c->controller_delay > 0))
        bad = "summary or controllerDelay";
    if (c->nsteps < 1 || c->nsteps > LG_STEPS_MAX || !c->steps)
        bad = "the step count";
    for (int k = 0; !bad && k < c->nsteps; k++)
        if (!c->steps[k] || !c->steps[k][0])
            bad = "an empty step";
    if (bad) {
        fprintf(stderr, "accepted config breaks its promise: %s\n", bad);
        abort();
    }
}

#endif
