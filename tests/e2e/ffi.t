#!/bin/bash
# The FFI declarations of lua/logen/ffi.lua must be exactly those of
# src/lg_ffi.h (the single source), and the record constants Lua passes
# through them those of src/record.h: a mismatch would crash at run time or
# send wrong records.
. "$(dirname "$0")/lib.sh"

# prototypes, one per line, whitespace folded, comments dropped
protos() {
    sed -e 's://.*$::' "$1" | tr '\n' ' ' | sed -e 's:/\*[^*]*\*\+\([^/*][^*]*\*\+\)*/::g' |
        grep -o '[a-z][a-z0-9_ *]* lg_ffi_[a-z_]*([^)]*);' | sed -e 's/  */ /g' -e 's/ *\* */ */g' | sort
}
cdef() { # the text between ffi.cdef [[ and ]]
    awk '/ffi.cdef \[\[/ { on = 1; next } /^\]\]/ { on = 0 } on' "$1" > cdef.h
    protos cdef.h
}

h=$(protos "$ROOT/src/lg_ffi.h")
l=$(cdef "$ROOT/lua/logen/ffi.lua")
n=$(echo "$h" | grep -c lg_ffi_)
between "$n" 10 100 "lg_ffi.h declares the FFI functions ($n)"
is "$l" "$h" "lua/logen/ffi.lua declares exactly the prototypes of src/lg_ffi.h"
exported=$(nm -D "$LOGEN" | awk '$2 == "T" && $3 ~ /^lg_ffi_/ { print $3 }' | sort | tr '\n' ' ')
is "$exported" "$(echo "$h" | grep -o 'lg_ffi_[a-z_]*' | sort | tr '\n' ' ')" "the binary exports every one of them, and no other lg_ffi_"

# The record types and rc codes are defined once, in src/record.h: the Lua
# runtime reads them from logen.record, which src/lrt.c builds from
# LG_RECORD_LUA_CONSTANTS. Every constant of record.h is in that list...
defined=$(sed -n '/^enum lg_rec_type/,/^};/p; /^enum lg_stop_reason/,/^};/p; /^#define LG_\(RC\|TEXT\|NAME\)_/p' \
    "$ROOT/src/record.h" | grep -o 'LG_[A-Z_]*' | grep -v '^LG_RECORD_' | sort -u | tr '\n' ' ')
listed=$(sed -n '/^#define LG_RECORD_LUA_CONSTANTS/,/^$/p' "$ROOT/src/record.h" |
    grep -o ', LG_[A-Z_]*)' | tr -d ', )' | sort -u | tr '\n' ' ')
between "$(echo "$defined" | wc -w)" 15 100 "record.h defines record types, stop reasons and rc codes"
is "$listed" "$defined" "LG_RECORD_LUA_CONSTANTS lists every one of them"
# ... the runtime sees the values the C side compiles...
cat > consts.c <<'C'
#include <stdio.h>
#include "record.h"
#define P(name, value) printf("%s %d\n", #name, (int)(value));
int main(void) { LG_RECORD_LUA_CONSTANTS(P) return 0; }
C
${CC:-cc} -std=c11 -I"$ROOT/src" consts.c -o consts 2>cc.err
is "$?" 0 "a C program prints record.h's constants"
want=$(./consts | sort)
run 30 "$LOGEN" -e 'for k, v in pairs(require "logen.record") do print("K " .. k .. " " .. v) end' --loops 1 --steps 1
got=$(sed -n 's/^K //p' "$T/err" | sort)
is "$got" "$want" "the Lua runtime's logen.record holds exactly those names and values"
# ... and no Lua file writes one of those numbers by hand.
names=$(echo "$want" | awk '{ print $1 }' | paste -sd'|')
hand=$(grep -rnE "\\b($names)[[:space:]]*=[[:space:]]*[0-9]" "$ROOT/lua" "$ROOT/cuts" || true)
is "$hand" "" "no Lua file defines a record type or rc code as a number"
done_testing
