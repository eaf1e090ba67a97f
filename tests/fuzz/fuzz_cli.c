/* fuzz_cli.c -- libFuzzer target for the option parser (src/cli.c): the
 * input is an argv, its words separated by NUL or newline bytes, with
 * "logen" put in front. It goes through lg_cli_parse over the built-in
 * defaults, as main does; an accepted config is held to the promises of
 * fuzz.h and goes through the queries main makes of it; then the help of
 * argv[1] as a topic (`logen help TOPIC`) is printed to /dev/null. The
 * config is freed every time, so leak detection sees any leak of the
 * parser. Words naming a path outside the working directory are skipped:
 * --defaults and --file name files, and /dev/tty or a FIFO would block.
 * Run from an empty directory (fuzz.t does), where ./defaults.json is not. */
#include "cli.h"
#include "fuzz.h"

#include <stdio.h>

#define ARGS_MAX 256

static FILE *devnull;

static int path_like(const char *w)
{
    return strchr(w, '/') != NULL;
}

/* Cuts s[0..size) in place into argv[1..]; returns argc, or -1 when a word
 * is skipped as a path. */
static int argv_cut(char *s, size_t size, char **argv)
{
    int argc = 1;
    size_t start = 0;

    argv[0] = "logen";
    for (size_t i = 0; i <= size && argc < ARGS_MAX; i++) {
        if (i < size && s[i] != '\0' && s[i] != '\n')
            continue;
        s[i] = '\0';
        if (path_like(s + start))
            return -1;
        argv[argc++] = s + start;
        start = i + 1;
    }
    argv[argc] = NULL;
    return argc;
}

static void config_query(const struct lg_config *cfg)
{
    static const char *const except[] = { "verbose", "outformat", "output", "summary" };

    lg_cli_given(cfg, "outformat");
    lg_cli_given(cfg, "no-such-option");
    lg_cli_given_except(cfg, except, 4);
    fputs(lg_cli_outformat_name(cfg->outformat), devnull);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = lg_fuzz_cstr(data, size), *argv[ARGS_MAX + 1], err[512];
    struct lg_config cfg;
    int argc = argv_cut(s, size, argv);

    if (!devnull && !(devnull = fopen("/dev/null", "w")))
        abort();
    if (argc > 0) {
        lg_cli_defaults(&cfg);
        if (lg_cli_parse(&cfg, argc, argv, err, sizeof err) == 0) {
            lg_fuzz_config_check(&cfg);
            config_query(&cfg);
        }
        else if (!err[0] || strchr(err, '\n'))
            abort(); /* an error is one line, never none */
        lg_cli_free(&cfg);
        if (argc > 1)
            lg_cli_help_topic(devnull, argv[1]);
    }
    free(s);
    return 0;
}
