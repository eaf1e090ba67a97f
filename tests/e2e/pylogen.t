#!/bin/bash
# The closed-model sample lines of the Pylogen READMEs, with logen in place
# of python3 Pylogen.py, run unchanged.
. "$(dirname "$0")/lib.sh"

# README v1 and v2: 10 s, 2 processes, step 384, a 1 ms pause per loop
run 40 "$LOGEN" cuts.Dummy  --le 384 --pauselen 0 --pauselo 0.001  --duration 10 --ram 0 --proc 2
is "$rc" 0 "sample: cuts.Dummy --le 384 --pauselen 0 --pauselo 0.001 --duration 10 --ram 0 --proc 2"
n=$(wc -l < out)
between "$n" 2000 40000 "two workers pausing 1 ms a loop for 10 s ($n lines)"
is "$(awk '$16 != 384' out | wc -l)" 0 "every line is step 384"
is "$(worker_pids out | wc -l)" 2 "two processes"
first=$(awk 'NR == 1 { print $2 }' out); last=$(awk 'END { print $2 }' out)
between "$(awk -v a="$first" -v b="$last" 'BEGIN { print b - a }')" 9.5 10.5 "the load lasts 10 s"

# The open-model samples run in open.t, the scenario sample in scenario.t,
# the KMS sample in kms.t (against the KMS stand-in).
done_testing
