#!/bin/bash
# make install: the binary, lua/, cuts/ and scenarios/ under a staging
# root (DESTDIR), and the installed logen runs from anywhere with them.
. "$(dirname "$0")/lib.sh"

# a user's experiment in cuts/, untracked: it must not be installed
probe=$ROOT/cuts/ZzUntracked$$.lua
echo 'return nil' > "$probe"
make -s -C "$ROOT" install DESTDIR="$T/root" >make.out 2>&1
status=$?
rm -f "$probe"
is "$status" 0 "make install DESTDIR=... succeeds"
bin=$(find "$T/root" -path '*/bin/logen' -type f | head -1)
ok "$([ -x "$bin" ]; echo $?)" "it installs an executable bin/logen"
share=$(dirname "$(dirname "$bin")")/share/logen
for f in lua/logen/init.lua lua/logen/runner.lua cuts/Dummy.lua cuts/KmsDefault.json scenarios/shape.txt summary-1.schema.json; do
    ok "$([ -f "$share/$f" ]; echo $?)" "it installs share/logen/$f"
done
ok "$([ ! -e "$share/cuts/$(basename "$probe")" ]; echo $?)" "it does not install an untracked file of cuts/"
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
    is "$(cd "$share" && find cuts scenarios -type f | sort | tr '\n' ' ')" \
       "$(git -C "$ROOT" ls-files cuts scenarios | sort | tr '\n' ' ')" \
       "it installs exactly the tracked files of cuts/ and scenarios/"
fi

mkdir elsewhere && cd elsewhere || exit 1
run 30 env -u LOGEN_PATH -u LOGEN_LUA "$bin" cuts.Dummy --extra '{"sleep": 0}' --loops 2 --steps 1
is "$rc" 0 "the installed logen runs cuts.Dummy from another directory"
is "$(wc -l < "$T/out")" 2 "with its two request lines"
run 30 env -u LOGEN_PATH "$bin" list
like "$(cat "$T/out")" "$share/cuts/Dummy.lua" "logen list finds the installed CUTs"
# logen.gcp and its modules (lua/logen/gcp/) load from the install: a KMS
# CUT runs, its one request refused by a closed loopback port (rc 1).
run 30 env -u LOGEN_PATH -u LOGEN_LUA LOGEN_KMS_AUTH=none LOGEN_KMS_ENDPOINT=http://127.0.0.1:1 \
    "$bin" cuts.KmsEncryptSymmetric --loops 1 --steps 16
is "$(ev 'type == "req" { print rc }' "$T/out")" 1 "the installed logen runs cuts.KmsEncryptSymmetric (lua/logen/gcp/)"
# the command in the head comment of scenarios/mixed.txt, run elsewhere
run 60 env -u LOGEN_PATH -u LOGEN_LUA "$bin" scenario --file scenarios/mixed.txt
is "$rc" 0 "the installed logen finds the scenario files it installs (scenarios/mixed.txt)"
like "$(tail -1 "$T/err")" "^result: OK" "and runs it"
done_testing
