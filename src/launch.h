/* launch.h -- turns what the user asked for into the lines of a run, every
 * one checked before any worker starts: a CUT (or -e code) with its options,
 * or a scenario file of command lines (errors as "F:LINE: message"). */
#ifndef LG_LAUNCH_H
#define LG_LAUNCH_H

#include <stddef.h>

#include "cli.h"
#include "controller.h"
#include "paths.h"
#include "scenario.h"
#include "shard.h"

struct lg_launch {
    struct lg_run_line *lines;  /* what the controller runs; owned */
    struct lg_config *cfgs;     /* scenario: one config per line; owned */
    char **cut_paths;           /* resolved CUT files (NULL for -e); owned */
    char **cut_names;           /* class names; owned */
    int n;
    struct lg_scenario sc;
};

/* One line from cfg (borrowed: it must outlive l). The processes it starts
 * are held to the machine's limits for this shard's share (shard.h).
 * Returns 0, or -1 with a one-line message in err. */
int lg_launch_single(struct lg_launch *l, const struct lg_config *cfg, const struct lg_paths *p,
                     const struct lg_shard *shard, char *err, size_t errlen);

/* The lines of scenario file run->file. `run` holds the options given
 * beside `scenario` on the command line: --defaults reaches every line,
 * -v, --outformat, --output and --summary are the whole run's and are
 * refused on a line. Returns 0, or -1 with "F:LINE: message" in err. */
int lg_launch_scenario(struct lg_launch *l, const struct lg_config *run, const struct lg_paths *p,
                       const struct lg_shard *shard, char *err, size_t errlen);

void lg_launch_free(struct lg_launch *l);

#endif
