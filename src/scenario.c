/* scenario.c -- see scenario.h. The splitter is a small state machine over
 * the characters of one line; a word is built in a growable buffer. */
#include "scenario.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int lg_scenario_load(const char *path, struct lg_scenario *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof(*s));
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    s->path = lg_strdup(path);
    char *buf = lg_malloc(SCENARIO_LINE_MAX);
    char msg[256];
    int lineno = 0, rc = 0;
    while (rc == 0 && fgets(buf, SCENARIO_LINE_MAX, f)) {
        lineno++;
        size_t len = strlen(buf);
        if (len == SCENARIO_LINE_MAX - 1 && buf[len - 1] != '\n') {
            snprintf(err, errlen, "%s:%d: line longer than %d bytes", path, lineno, SCENARIO_LINE_MAX - 2);
            rc = -1;
            break;
        }
        char **words;
        int n = lg_scenario_split(buf, &words, msg, sizeof(msg));
        if (n < 0) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
            rc = -1;
        } else if (n == 0) {
            argv_free(words, 0);
        } else {
            scenario_add(s, lineno, words, n);
        }
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc == 0 && s->nlines == 0) {
        snprintf(err, errlen, "%s: empty scenario: no command line in it", path);
        rc = -1;
    }
    free(buf);
    fclose(f);
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
