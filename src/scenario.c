/* scenario.c -- see scenario.h. The file is read whole (infile.c: a
 * regular file, at most 1 MiB); a line holding a NUL byte is refused, as C
 * strings would silently lose its tail. The splitter is a small state
 * machine over the characters of one line; a word is built in a growable
 * buffer. */
#include "scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infile.h"
#include "mem.h"

#define SCENARIO_LINE_MAX 65536

struct words {
    char **argv;
    int argc, cap;
    char *word;          /* the word being built */
    size_t len, wcap;
    int in_word;         /* a word has started (even an empty "") */
};

static void word_put(struct words *w, char c)
{
    if (w->len + 1 >= w->wcap) {
        w->wcap = w->wcap ? 2 * w->wcap : 64;
        w->word = lg_realloc(w->word, w->wcap);
    }
    w->word[w->len++] = c;
    w->in_word = 1;
}

static void word_end(struct words *w)
{
    if (!w->in_word)
        return;
    if (w->argc + 2 > w->cap) {
        w->cap = w->cap ? 2 * w->cap : 8;
        w->argv = lg_realloc(w->argv, (size_t)w->cap * sizeof(char *));
    }
    char *s = lg_malloc(w->len + 1);
    if (w->len) /* an empty first word ("") has no buffer yet */
        memcpy(s, w->word, w->len);
    s[w->len] = '\0';
    w->argv[w->argc++] = s;
    w->argv[w->argc] = NULL;
    w->len = 0;
    w->in_word = 0;
}

static void words_free(struct words *w)
{
    for (int i = 0; i < w->argc; i++)
        free(w->argv[i]);
    free(w->argv);
    free(w->word);
}

/* In double quotes a backslash escapes only these, as in a POSIX shell. */
static int dq_escapable(char c)
{
    return c == '"' || c == '\\' || c == '$' || c == '`';
}

int lg_scenario_split(const char *text, char ***argv, char *err, size_t errlen)
{
    struct words w = { 0 };
    const char *p = text;
    while (*p) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            word_end(&w);
            p++;
        } else if (c == '#' && !w.in_word) {
            break; /* a comment runs to the end of the line */
        } else if (c == '\\') {
            if (p[1])
                word_put(&w, p[1]), p += 2;
            else
                p++; /* a lone backslash at the end: nothing to escape */
        } else if (c == '\'' || c == '"') {
            const char *open = p++;
            w.in_word = 1;
            while (*p && *p != c) {
                if (c == '"' && *p == '\\' && dq_escapable(p[1]))
                    p++;
                word_put(&w, *p++);
            }
            if (!*p) {
                snprintf(err, errlen, "unterminated %s quote (opened at column %d)",
                         c == '"' ? "double" : "single", (int)(open - text) + 1);
                words_free(&w);
                return -1;
            }
            p++;
        } else {
            word_put(&w, c);
            p++;
        }
    }
    word_end(&w);
    free(w.word);
    if (!w.argv) {
        w.argv = lg_calloc(1, sizeof(char *));
    }
    *argv = w.argv;
    return w.argc;
}

static void argv_free(char **argv, int argc)
{
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
}

/* Adds a line: argv gets "logen" in front, as lg_cli_parse expects. */
static void scenario_add(struct lg_scenario *s, int lineno, char **words, int n)
{
    s->lines = lg_realloc(s->lines, (size_t)(s->nlines + 1) * sizeof(*s->lines));
    char **argv = lg_malloc((size_t)(n + 2) * sizeof(char *));
    argv[0] = lg_strdup("logen");
    memcpy(argv + 1, words, (size_t)n * sizeof(char *));
    argv[n + 1] = NULL;
    free(words);
    s->lines[s->nlines++] = (struct lg_scenario_line){ lineno, n + 1, argv };
}

/* Splits line `lineno`, buf[0..len) with its newline cut off, and adds it
 * unless it holds no word. Returns 0, or -1 with "F:LINE: message". */
static int scenario_line(struct lg_scenario *s, int lineno, char *buf, size_t len, char *err,
                         size_t errlen)
{
    const char *nul = memchr(buf, '\0', len);
    char msg[256], **words;
    int n;

    if (nul) {
        snprintf(err, errlen, "%s:%d: a NUL byte at column %d", s->path, lineno,
                 (int)(nul - buf) + 1);
        return -1;
    }
    if (len > SCENARIO_LINE_MAX - 2) {
        snprintf(err, errlen, "%s:%d: line longer than %d bytes", s->path, lineno,
                 SCENARIO_LINE_MAX - 2);
        return -1;
    }
    buf[len] = '\0';
    if ((n = lg_scenario_split(buf, &words, msg, sizeof(msg))) < 0) {
        snprintf(err, errlen, "%s:%d: %s", s->path, lineno, msg);
        return -1;
    }
    if (n == 0)
        argv_free(words, 0);
    else
        scenario_add(s, lineno, words, n);
    return 0;
}

int lg_scenario_load(const char *path, struct lg_scenario *s, char *err, size_t errlen)
{
    char *text, why[256];
    size_t len;
    int lineno = 0, rc = 0;

    memset(s, 0, sizeof(*s));
    if (lg_infile_read(path, &text, &len, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        return -1;
    }
    s->path = lg_strdup(path);
    for (size_t at = 0; rc == 0 && at < len; ) {
        char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len;
        rc = scenario_line(s, ++lineno, text + at, end - at, err, errlen);
        at = end + 1;
    }
    if (rc == 0 && s->nlines == 0) {
        snprintf(err, errlen, "%s: empty scenario: no command line in it", path);
        rc = -1;
    }
    free(text);
    if (rc < 0)
        lg_scenario_free(s);
    return rc;
}

void lg_scenario_free(struct lg_scenario *s)
{
    for (int i = 0; i < s->nlines; i++)
        argv_free(s->lines[i].argv, s->lines[i].argc);
    free(s->lines);
    free(s->path);
    memset(s, 0, sizeof(*s));
}
