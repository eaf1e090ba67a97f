/* version.h -- logen's version, in one place: --version prints it and the
 * summary JSON (summary_json.c) records it. */
#ifndef LG_VERSION_H
#define LG_VERSION_H

#define LG_VERSION "0.2.0"

#endif
