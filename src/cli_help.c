/* cli_help.c -- the help text (see cli.h): `logen --help`, `logen help`
 * and `logen help TOPIC`, all printed from the option table of cli.c, so
 * the help cannot drift from what the parser takes. It parses nothing. */
#include "cli.h"
#include "cli_opt.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define USAGE_COL 26   /* where the meanings start */
#define USAGE_WIDTH 79

/* Prints one word at column *at, first moving to a new line when it would
 * pass USAGE_WIDTH. */
static void usage_word(FILE *out, int *at, const char *word, int len)
{
    if (*at > USAGE_COL && *at + 1 + len > USAGE_WIDTH) {
        fprintf(out, "\n%*s", USAGE_COL, "");
        *at = USAGE_COL;
    } else if (*at > USAGE_COL) {
        fputc(' ', out);
        (*at)++;
    }
    *at += fprintf(out, "%.*s", len, word);
}

/* Prints left, then text word-wrapped from USAGE_COL, then "(default: def)"
 * unless def is NULL, kept whole on one line. */
static void usage_line(FILE *out, const char *left, const char *text, const char *def)
{
    char tail[128];
    int at = fprintf(out, "%s", left);

    if (at >= USAGE_COL - 1) {
        fputc('\n', out);
        at = 0;
    }
    fprintf(out, "%*s", USAGE_COL - at, "");
    at = USAGE_COL;
    while (*text) {
        int w = (int)strcspn(text, " ");
        usage_word(out, &at, text, w);
        text += w;
        text += strspn(text, " ");
    }
    if (def) {
        snprintf(tail, sizeof tail, "(default: %s)", def);
        usage_word(out, &at, tail, (int)strlen(tail));
    }
    fputc('\n', out);
}

static void usage_opt(FILE *out, const struct lg_opt *o)
{
    char left[80];
    int n, k;

    /* --help is the one long option with a short form */
    n = snprintf(left, sizeof left, "  %s--%s", strcmp(o->names[0], "help") == 0 ? "-h, " : "",
                 o->names[0]);
    for (k = 1; k < 3 && o->names[k]; k++)
        n += snprintf(left + n, sizeof left - (size_t)n, ", --%s", o->names[k]);
    if (o->arg)
        snprintf(left + n, sizeof left - (size_t)n, " %s", o->arg);
    usage_line(out, left, o->help, o->def);
}

/* The forms of the command, each with the word `logen help WORD` finds it by. */
static const struct {
    const char *word;
    const char *line;
} commands[] = {
    { "run", "logen ACTION [options]" },
    { "-e", "logen -e 'LUA CODE' [options]     an ad hoc one-request CUT" },
    { "scenario", "logen scenario --file F [-v] [--outformat F] [--output F] [--summary S]\n"
                  "                      [--hdr-log F] [--summary-json F] [--report F]\n"
                  "                      [--threshold EXPR]...\n"
                  "                      [--metrics-listen HOST:PORT] [--metrics-linger S]\n"
                  "                      [--shard I/N] [--start-at T]" },
    { "new", "logen new NAME                    write cuts/NAME.lua from a template" },
    { "list", "logen list                        the CUTs on the search path" },
    { "report", "logen report SUMMARY.json... -o F the HTML report of summaries, merged" },
    { "merge", "logen merge SUMMARY.json... [-o MERGED.json] [--threshold EXPR]...\n"
               "                      runs' --summary-json files added up exactly: the end\n"
               "                      summary of the sum; its JSON with -o" },
    { "compare", "logen compare BASE.json NEW.json [--tolerance 5%] [-o FILE.html]\n"
                 "                      two runs side by side; exit 98 when NEW is worse;\n"
                 "                      -o: both drawn on the same charts, and the table" },
    { "help", "logen help [TOPIC]                this help, or its part on TOPIC" },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

void lg_cli_usage(FILE *out)
{
    static const char *const titles[LG_GROUP_COUNT] = {
        "general", "closed model", "open model (--openedmodel)", "output"
    };

    for (size_t k = 0; k < NCOMMANDS; k++)
        fprintf(out, "%s%s\n", k ? "       " : "usage: ", commands[k].line);
    fputs("\nACTION is a CUT (cuts.Dummy), the path of a .lua CUT, or the word\n"
          "scenario (with --file). Options may come before or after ACTION, as\n"
          "--name VALUE or --name=VALUE. Names ignore case and may be abbreviated\n"
          "to any unambiguous prefix (--proc, --le, --pauselo); a prefix that was\n"
          "unambiguous in Pylogen keeps its Pylogen meaning (--out is --outformat).\n"
          "The command line wins over the --defaults file, which wins over the\n"
          "defaults shown. S is a duration: seconds (1.5), or a number with a\n"
          "unit, us, ms, s, m or h (250us, 500ms, 2m, 1h), at most 30 days;\n"
          "--summary and --controllerDelay are at least 10ms. --process, --prefork\n"
          "and --maxproc are at most 65535, and together no more than the machine\n"
          "can start (RLIMIT_NPROC, pid limits, memory at 512 KiB a worker).\n", out);
    for (int g = 0; g < LG_GROUP_COUNT; g++) {
        fprintf(out, "\n%s:\n", titles[g]);
        if (g == LG_GROUP_GENERAL)
            usage_line(out, "  -v, -vv, -vvv",
                       "verbosity: each -v adds a level (error, warning, info, debug, "
                       "trace)", "error");
        for (size_t i = 0; i < lg_cli_nopts; i++)
            if (lg_cli_opts[i].group == (enum lg_opt_group)g)
                usage_opt(out, &lg_cli_opts[i]);
    }
}

int lg_cli_help_topic(FILE *out, const char *topic)
{
    const char *name = topic + strspn(topic, "-");
    const struct lg_opt *o;

    for (size_t k = 0; k < NCOMMANDS; k++)
        if (strcasecmp(topic, commands[k].word) == 0) {
            fprintf(out, "usage: %s\n", commands[k].line);
            return 0;
        }
    if (!(o = lg_cli_opt_exact(name)))
        return -1;
    usage_opt(out, o);
    return 0;
}
