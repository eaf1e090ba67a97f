/* cuts.c -- see cuts.h. */
#include "cuts.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"

/* The template: every line is a comment or code that runs as it is. */
static const char cuts_template[] =
    "-- %1$s -- describe what this CUT does in this first line (logen list shows it).\n"
    "--\n"
    "-- A CUT is a class: logen builds one object per worker and calls, per loop,\n"
    "-- resetBeforeSteps(), then for each step resetBeforeStep(), setStep(step),\n"
    "-- genDatas(), processDatas() and func(). Only func is required.\n"
    "--\n"
    "--   logen cuts.%1$s --proc 2 --loops 3 --steps 64,1024 --extra '{\"sleep\": 0.01}'\n"
    "local logen = require \"logen\"\n"
    "\n"
    "local %1$s = logen.cut \"%1$s\"\n"
    "\n"
    "-- Once per worker: read --extra, open clients (e.g. require \"logen.http\").\n"
    "function %1$s:init(options, extra)\n"
    "    self.sleep = tonumber(extra.sleep) or 0.01\n"
    "end\n"
    "\n"
    "-- Per step: the data of the request; the step is often a payload size.\n"
    "function %1$s:genDatas()\n"
    "    local size = tonumber(self:getStep()) or 16\n"
    "    self:setDatas((\"x\"):rep(size))\n"
    "end\n"
    "\n"
    "-- The timed call: logen.exec makes each call a request (begin, end, rc).\n"
    "-- Raising an error gives rc 16 with the message; or set request.rc and\n"
    "-- request.error yourself. Replace the body with the call you measure.\n"
    "%1$s.call = logen.exec(function(self, request, data)\n"
    "    logen.sleep(self.sleep)\n"
    "    request.inlen = #data  -- bytes sent in\n"
    "    request.outlen = 0     -- bytes received\n"
    "end)\n"
    "\n"
    "-- One request per step; create several to make the step a transaction.\n"
    "function %1$s:func()\n"
    "    self:call(self:newRequest(\"CALL\"), self:getDatas())\n"
    "end\n"
    "\n"
    "return %1$s\n";

static int is_identifier(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_')
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return 0;
    return 1;
}

int lg_cuts_new(const char *name, char *path, size_t pathlen, char *err, size_t errlen)
{
    if (!is_identifier(name) || strlen(name) > 64) {
        snprintf(err, errlen, "new: '%s' is not a CUT name (letters, digits and _, not starting with a digit)", name);
        return -1;
    }
    if (mkdir("cuts", 0777) < 0 && errno != EEXIST) {
        snprintf(err, errlen, "new: cannot create cuts/: %s", strerror(errno));
        return -1;
    }
    snprintf(path, pathlen, "cuts/%s.lua", name);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0) {
        snprintf(err, errlen, "new: %s: %s", path, errno == EEXIST ? "already exists, not overwritten" : strerror(errno));
        return -1;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        snprintf(err, errlen, "new: %s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    fprintf(f, cuts_template, name);
    if (fclose(f) != 0) {
        snprintf(err, errlen, "new: writing %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* The first sentence of a CUT's head comment (its first paragraph, cut at
 * the end of its first sentence), without the leading "-- Name -- ". */
static void cuts_describe(const char *file, const char *name, char *out, size_t outlen)
{
    char line[512], text[1024] = "";
    size_t len = 0;
    FILE *f = fopen(file, "r");
    out[0] = '\0';
    if (!f)
        return;
    while (fgets(line, sizeof(line), f) && strncmp(line, "--", 2) == 0) {
        char *s = line + 2;
        s[strcspn(s, "\r\n")] = '\0';
        s += strspn(s, " ");
        if (!*s)
            break; /* "--" alone ends the paragraph */
        if (len == 0) {
            size_t n = strlen(name);
            s += strspn(s, "-");
            s += strspn(s, " ");
            if (strncmp(s, name, n) == 0 && strncmp(s + n, " -- ", 4) == 0)
                s += n + 4;
        }
        len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s", len ? " " : "", s);
        if (len >= sizeof(text))
            break;
    }
    fclose(f);
    char *end = strstr(text, ". ");
    if (end)
        end[1] = '\0';
    snprintf(out, outlen, "%s", text);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct seen {
    char **names;
    int n;
};

static int seen_add(struct seen *s, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->names[i], name) == 0)
            return 0;
    s->names = lg_realloc(s->names, (size_t)(s->n + 1) * sizeof(char *));
    s->names[s->n++] = lg_strdup(name);
    return 1;
}

/* Lists the .lua files of dir/cuts, sorted; returns how many were new. */
static int cuts_list_dir(const char *dir, struct seen *seen, FILE *out)
{
    char cdir[4096], file[8192], desc[1024];
    snprintf(cdir, sizeof(cdir), "%s/cuts", dir);
    DIR *d = opendir(cdir);
    if (!d)
        return 0;
    char **files = NULL;
    int n = 0, shown = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".lua") == 0) {
            files = lg_realloc(files, (size_t)(n + 1) * sizeof(char *));
            files[n++] = lg_strndup(e->d_name, len - 4);
        }
    }
    closedir(d);
    qsort(files, (size_t)n, sizeof(char *), cmp_str);
    for (int i = 0; i < n; i++) {
        if (seen_add(seen, files[i])) {
            snprintf(file, sizeof(file), "%s/%s.lua", cdir, files[i]);
            cuts_describe(file, files[i], desc, sizeof(desc));
            fprintf(out, "cuts.%-24s %s\n    %s\n", files[i], desc, file);
            shown++;
        }
        free(files[i]);
    }
    free(files);
    return shown;
}

struct list {
    struct seen seen;
    FILE *out;
    int n;
};

static int cuts_list_cb(const char *dir, void *ctx)
{
    struct list *l = ctx;
    l->n += cuts_list_dir(dir, &l->seen, l->out);
    return 0;
}

int lg_cuts_list(const struct lg_paths *p, FILE *out)
{
    struct list l = { { 0 }, out, 0 };
    lg_paths_each(p, cuts_list_cb, &l);
    for (int i = 0; i < l.seen.n; i++)
        free(l.seen.names[i]);
    free(l.seen.names);
    return l.n;
}
