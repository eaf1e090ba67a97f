/* test_scenario.c -- the scenario splitter and loader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario.h"
#include "tap.h"

static char err[512];

/* Splits text and joins the words with '|' for one comparison. */
static const char *split(const char *text)
{
    static char out[1024];
    char **argv;
    int n = lg_scenario_split(text, &argv, err, sizeof(err));
    if (n < 0)
        return NULL;
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        strcat(out, argv[i]);
        if (i + 1 < n)
            strcat(out, "|");
        free(argv[i]);
    }
    free(argv);
    return out;
}

static void test_split(void)
{
    is_str(split("cuts.Dummy --proc 2"), "cuts.Dummy|--proc|2", "blanks separate words");
    is_str(split("  a \t b  \n"), "a|b", "runs of blanks and the newline");
    is_str(split("--extra '{\"key\": \"a b\"}'"), "--extra|{\"key\": \"a b\"}",
           "single quotes keep JSON with spaces whole");
    is_str(split("--extra \"{\\\"key\\\": \\\"a b\\\"}\""), "--extra|{\"key\": \"a b\"}",
           "double quotes with escaped double quotes");
    is_str(split("'it'\\''s'"), "it's", "a quote inside single quotes, shell style");
    is_str(split("a\\ b c"), "a b|c", "a backslash escapes a blank");
    is_str(split("\"a\\nb\""), "a\\nb", "in double quotes \\n stays two characters");
    is_str(split("\"\\$x \\\\ \\`\""), "$x \\ `", "in double quotes \\$ \\\\ \\` escape");
    is_str(split("'\\n'"), "\\n", "single quotes keep backslashes");
    is_str(split("a '' b"), "a||b", "an empty quoted word is a word");
    is_str(split("\"\" b"), "|b", "an empty first word too (found by fuzz_scenario)");
    is_str(split("ab\"cd\"'ef'g"), "abcdefg", "quotes glue to their word");
    is_str(split("cuts.Dummy # a comment"), "cuts.Dummy", "# starting a word is a comment");
    is_str(split("--id a#b"), "--id|a#b", "# inside a word is literal");
    is_str(split("# only a comment"), "", "a comment line has no word");
    is_str(split(""), "", "an empty line has no word");
    ok(split("--extra '{\"a\": 1}") == NULL, "an unterminated single quote fails");
    is_str(err, "unterminated single quote (opened at column 9)", "  and says where it opened");
    ok(split("a \"b") == NULL, "an unterminated double quote fails");
    is_str(err, "unterminated double quote (opened at column 3)", "  and says where it opened");
}

static const char *write_tmp(const char *text)
{
    static char path[64];
    strcpy(path, "/tmp/lg_test_scenario_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        abort();
    close(fd);
    return path;
}

static void test_load(void)
{
    struct lg_scenario s;
    const char *p = write_tmp("# a scenario\n\ncuts.Dummy --proc 2\n  # indented comment\n"
                              "cuts.Dummy --extra '{\"sleep\": 0.1}' --id x\n");
    is_int(lg_scenario_load(p, &s, err, sizeof(err)), 0, "a scenario loads");
    is_int(s.nlines, 2, "comments and blank lines are skipped");
    is_int(s.lines[0].lineno, 3, "line numbers are the file's");
    is_int(s.lines[1].lineno, 5, "  second command line at line 5");
    is_int(s.lines[0].argc, 4, "argv has the program name first, then the 3 words");
    is_str(s.lines[0].argv[0], "logen", "  argv[0] is logen");
    is_str(s.lines[1].argv[3], "{\"sleep\": 0.1}", "quoted JSON stays one word");
    ok(s.lines[1].argv[s.lines[1].argc] == NULL, "argv is NULL-terminated");
    lg_scenario_free(&s);
    unlink(p);

    p = write_tmp("cuts.Dummy\ncuts.Dummy --extra '{\"a\": 1}\n");
    is_int(lg_scenario_load(p, &s, err, sizeof(err)), -1, "an unterminated quote fails the load");
    char want[256];
    snprintf(want, sizeof(want), "%s:2: unterminated single quote (opened at column 20)", p);
    is_str(err, want, "  with file:line");
    unlink(p);

    p = write_tmp("# nothing\n\n   \n");
    is_int(lg_scenario_load(p, &s, err, sizeof(err)), -1, "an empty scenario fails");
    snprintf(want, sizeof(want), "%s: empty scenario: no command line in it", p);
    is_str(err, want, "  and says so");
    unlink(p);

    is_int(lg_scenario_load("/nonexistent/scen.txt", &s, err, sizeof(err)), -1, "a missing file fails");
    is_str(err, "/nonexistent/scen.txt: No such file or directory", "  naming the file");
}

/* Loading path fails, and err is path then tail. */
static void load_fails(const char *path, const char *tail, const char *what)
{
    struct lg_scenario s;
    char want[256];

    is_int(lg_scenario_load(path, &s, err, sizeof(err)), -1, "%s fails", what);
    snprintf(want, sizeof(want), "%s%s", path, tail);
    is_str(err, want, "  saying FILE%s", tail);
}

/* Issue 8, defect 11: a NUL byte cut a line short; an endless or
 * non-regular file never returned. */
static void test_load_refusals(void)
{
    char path[] = "/tmp/lg_test_scen_XXXXXX";
    static const char nul[] = "cuts.Dummy --proc 2\ncuts.Dummy --id a\0 --process 9\n";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, nul, sizeof(nul) - 1) != (ssize_t)sizeof(nul) - 1)
        abort();
    close(fd);
    load_fails(path, ":2: a NUL byte at column 18", "a line holding a NUL byte");

    FILE *f = fopen(path, "w");
    for (int i = 0; f && i < (1 << 20) / 16 + 1; i++)
        fputs("# a long comment\n", f);
    if (!f || fclose(f) != 0)
        abort();
    load_fails(path, ": larger than 1 MiB", "a file past 1 MiB");
    unlink(path);

    load_fails("/dev/zero", ": not a regular file (a character device)", "/dev/zero");
    if (mkfifo(path, 0600) == 0) {
        load_fails(path, ": not a regular file (a FIFO)", "a FIFO with no writer");
        unlink(path);
    }
}

int main(void)
{
    test_split();
    test_load();
    test_load_refusals();
    return done_testing();
}
