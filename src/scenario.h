/* scenario.h -- scenario files: one logen command line per line.
 *
 * A line is a command line without the program name, split like a POSIX
 * shell would split it: blanks separate words; single quotes keep
 * everything literally; double quotes keep everything but \" \\ \$ \`
 * (the escapes a shell honours there); outside quotes a backslash escapes the next
 * character. Blank lines and lines whose first word starts with # are
 * skipped, and a # that starts a word begins a comment. Nothing is
 * expanded: no variables, no globs. Pure: it reads the file and splits,
 * it does not parse options (cli.c does, per line). */
#ifndef LG_SCENARIO_H
#define LG_SCENARIO_H

#include <stddef.h>

struct lg_scenario_line {
    int lineno;   /* 1-based line of the file */
    int argc;     /* words, argv[0] being the program name "logen" */
    char **argv;  /* NULL-terminated; owned */
};

struct lg_scenario {
    char *path;                     /* owned copy of the file name */
    struct lg_scenario_line *lines; /* owned; lg_scenario_free */
    int nlines;
};

/* Splits one line into words. Returns the number of words (argv owned by
 * the caller: free each, then argv), or -1 with a message in err (an
 * unterminated quote, naming the column). */
int lg_scenario_split(const char *text, char ***argv, char *err, size_t errlen);

/* Reads and splits a scenario file: a regular file of at most 1 MiB
 * (infile.h), no line holding a NUL byte. Returns 0, or -1 with
 * "F:LINE: message" (or "F: message" for the file itself) in err. An empty
 * scenario (no command line) is an error. */
int lg_scenario_load(const char *path, struct lg_scenario *s, char *err, size_t errlen);

void lg_scenario_free(struct lg_scenario *s);

#endif
