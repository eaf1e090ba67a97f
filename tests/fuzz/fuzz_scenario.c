/* fuzz_scenario.c -- libFuzzer target for the scenario tokenizer
 * (src/scenario.c): the input, cut at its first NUL as a C string is, goes
 * to the line splitter lg_scenario_split; the whole input, NULs included,
 * is also written to a scratch file and read back by lg_scenario_load, which
 * reads lines, checks their length and splits each. Both results are held
 * to scenario.h: a word count with a NULL-terminated argv, or -1 with a
 * message; a loaded scenario has lines, each with argv[0] "logen". All of
 * it is freed every time, so leak detection sees any leak. The scratch file
 * is a memfd, read through its /proc/self/fd path: no disk, nothing left. */
#include "fuzz.h"
#include "scenario.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

static char scratch[64]; /* /proc/self/fd/N of a memfd */
static int scratch_fd = -1;

static void scratch_write(const uint8_t *data, size_t size)
{
    if (scratch_fd < 0) {
        if ((scratch_fd = memfd_create("logen-fuzz-scenario", 0)) < 0)
            abort();
        snprintf(scratch, sizeof scratch, "/proc/self/fd/%d", scratch_fd);
    }
    if (ftruncate(scratch_fd, 0) < 0 ||
        (size && pwrite(scratch_fd, data, size, 0) != (ssize_t)size))
        abort();
}

static void split_check(const char *text)
{
    char **argv = NULL, err[256] = "";
    int n = lg_scenario_split(text, &argv, err, sizeof err);

    if (n < 0) {
        if (!err[0])
            abort();
        return;
    }
    if (!argv || argv[n] != NULL)
        abort();
    for (int i = 0; i < n; i++)
        free(argv[i]);
    free(argv);
}

static void load_check(void)
{
    struct lg_scenario s;
    char err[512] = "";

    if (lg_scenario_load(scratch, &s, err, sizeof err) < 0) {
        if (!err[0] || s.lines)
            abort();
        return;
    }
    if (s.nlines < 1)
        abort();
    for (int i = 0; i < s.nlines; i++)
        if (s.lines[i].argc < 2 || strcmp(s.lines[i].argv[0], "logen") != 0 ||
            s.lines[i].argv[s.lines[i].argc] != NULL)
            abort();
    lg_scenario_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = lg_fuzz_cstr(data, size);

    split_check(text);
    scratch_write(data, size);
    load_check();
    free(text);
    return 0;
}
