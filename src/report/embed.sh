#!/bin/sh
# embed.sh NAME=FILE... -- the HTML report's sources as C data, on stdout:
# for each NAME, lg_report_page_NAME[] (FILE's bytes and a NUL) and
# lg_report_page_NAME_len (without the NUL), declared in src/report_html.h.
# Run by the Makefile so the page is inside the binary; needs only od and
# awk (Debian's base).
set -eu
echo '/* Generated from src/report/ by src/report/embed.sh: do not edit. */'
echo '#include "report_html.h"'
for arg in "$@"; do
    name=${arg%%=*}
    file=${arg#*=}
    echo "const char lg_report_page_$name[] = {"
    od -An -v -tx1 "$file" | awk '{ s = ""; for (i = 1; i <= NF; i++) s = s "0x" $i ","; print s }'
    echo "0x00 };"
    echo "const size_t lg_report_page_${name}_len = sizeof lg_report_page_$name - 1;"
done
