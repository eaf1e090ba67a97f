#!/bin/bash
# The FFI declarations of lua/logen/ffi.lua must be exactly those of
# src/lg_ffi.h (the single source): a mismatch would crash at run time.
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
done_testing
