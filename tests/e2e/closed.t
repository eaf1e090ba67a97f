#!/bin/bash
# Closed model end to end: exact line counts, transactions, errors, output
# streams, records sent = received.
. "$(dirname "$0")/lib.sh"

# processes x loops x steps request lines, and nothing else on stdout
run 60 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --proc 3 --loops 4 --steps 1,2,3
is "$rc" 0 "a plain run exits 0"
is "$(wc -l < out)" 36 "3 processes x 4 loops x 3 steps = 36 lines"
is "$(ev 'type != "req"' out | wc -l)" 0 "stdout holds event lines only"
is "$(ev '{print duration}' out | grep -cv '^[0-9]*\.[0-9]\{6\}$')" 0 "every line ends with a duration in seconds"
is "$(worker_pids out | wc -l)" 3 "three worker pids"
is "$(ev '{print step}' out | sort | uniq -c | awk '{print $1}' | sort -u)" 12 "each step value appears 3 x 4 times"
is "$(ev '{print globalOps}' out | sort -n | tail -1)" 36 "globalOps reaches 36"
is "$(ev 'nature == "solo" && transactionId == "None"' out | wc -l)" 36 "single requests are solo, transaction None"
like "$(cat err)" "records: sent ([0-9]+), received \1 .*lost 0" "the summary: records sent = received, none lost"
like "$(cat err)" "36 requests" "the summary counts the 36 requests"

# transactions: a tra line then its three req lines, one transaction id
run 60 "$LOGEN" cuts.Dummy --proc 2 --loops 3 --steps 7,8 --extra '{"sleep": 0, "transaction": true}'
is "$rc" 0 "a transaction run exits 0"
is "$(ev 'type == "tra"' out | wc -l)" 12 "2 x 3 x 2 = 12 transaction lines"
is "$(ev 'type == "req"' out | wc -l)" 36 "36 request lines"
is "$(ev 'type == "req" && nature != "part"' out | wc -l)" 0 "requests inside a transaction are parts"
is "$(ev 'type == "req" && (localOpcount != 0 || localThru != -1)' out | wc -l)" 0 "parts report opcount 0 and throughput -1"
is "$(ev 'type == "tra" { print transactionId }' out | sort | uniq -d | wc -l)" 0 "transaction ids are unique"
bad=$(ev 'type == "tra" { id = transactionId; n = 0; next } type == "req" { if (transactionId != id) bad++; n++ } END { print bad + 0 }' out)
is "$bad" 0 "each request carries its transaction's id"
is "$(ev 'type == "req" { split(fullId, f, "."); print f[length(f)] }' out | sort | uniq -c | awk '{print $1}' | sort -u)" 12 "R0-EXEC, R1-EXEC, R2-EXEC, 12 each"
is "$(ev 'type == "req" {print globalOps}' out | sort -n | tail -1)" 36 "globalOps counts requests, not transactions"

# errors: every 3rd call raises; rc 16 and the message, the run goes on
run 60 "$LOGEN" cuts.Dummy --proc 1 --loops 3 --steps 1,2,3 --extra '{"sleep": 0, "error": 3}'
is "$rc" 0 "request errors do not fail the run"
is "$(wc -l < out)" 9 "all 9 requests are reported"
is "$(ev 'rc == 16' out | wc -l)" 3 "every 3rd request has rc 16"
is "$(grep -c 'Dummy error on call' err)" 3 "each error message reaches stderr once"
like "$(grep 'Dummy error on call 6' err)" "customId\.[0-9]+\.Dummy\.2\.RMngr\.R-ERROR" "an error line names the request's fullId (a failing Dummy call is R-ERROR)"
is "$(ev 'rc == 16 && fullId !~ /\.R-ERROR$/' out | wc -l)" 0 "every failed request is named R-ERROR"
is "$(ev 'rc == 0 { n = split(fullId, f, "."); if (f[n] != "R_" step) bad++ } END { print bad + 0 }' out)" 0 "every other one is R_<step>"

# --output: event lines to the file, stdout empty
run 60 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --loops 2 --steps 1 --output events.txt
is "$rc" 0 "--output run exits 0"
is "$(wc -l < events.txt)" 2 "--output file holds the event lines"
is "$(wc -c < out)" 0 "stdout is empty with --output"

# --id labels the run
run 60 "$LOGEN" cuts.Dummy --extra '{"sleep": 0}' --loops 1 --steps 1 --id myrun
like "$(cat out)" "^[^ ]+ [^ ]+ req .* myrun\.[0-9]+\.Dummy\.0\.RMngr\.R_1 " "--id prefixes the fullId"

done_testing
