#!/bin/bash
# The closed-model sample lines of the Pylogen READMEs, with logen in place
# of python3 Pylogen.py, run unchanged.
. "$(dirname "$0")/lib.sh"

# README v1 and v2: 10 s, 2 processes, step 384, a 1 ms pause per loop.
# Pylogen's Dummy sleeps 1 s when --extra says nothing: about 20 events.
run 40 "$LOGEN" cuts.Dummy  --le 384 --pauselen 0 --pauselo 0.001  --duration 10 --ram 0 --proc 2
is "$rc" 0 "sample: cuts.Dummy --le 384 --pauselen 0 --pauselo 0.001 --duration 10 --ram 0 --proc 2"
n=$(wc -l < out)
between "$n" 14 22 "two workers sleeping 1 s a request for 10 s: about 20 events, as under Pylogen ($n lines)"
is "$(ev 'step != 384' out | wc -l)" 0 "every line is step 384"
is "$(ev 'fullId !~ /\.RMngr\.R_384$/' out | wc -l)" 0 "every request is named R_384, as Pylogen's Dummy names it"
between "$(ev '{ print duration }' out | sort -n | head -1)" 0.99 2 "each lasts the default 1 s sleep"
is "$(worker_pids out | wc -l)" 2 "two processes"
like "$(cat err)" "summary: (9\.[5-9]|10\.[0-4])[0-9]* s of load" "the load lasts 10 s"

# The open-model samples run in open.t, the scenario sample in scenario.t,
# the KMS sample in kms.t (against the KMS stand-in).
done_testing
