#!/bin/bash
# The deploy recipes of scenarios/deploy/ (README, Shards), as far as they
# run on one machine:
# - kubernetes/logen-job.yaml, read with python3-yaml: an Indexed Job with
#   parallelism = completions = LOGEN_SHARDS, its logen command line with
#   --summary-json and --start-at, its ConfigMap mounted where the command
#   reads the scenario; that scenario loads (its CUTs and options: a start
#   long past is refused only after they load); then the container's own
#   script run here once per index, at once, on a short scenario, its
#   summaries cut out of the "logs" by the sed of the manifest's comments
#   and merged;
# - ssh.sh over two "hosts" reached by a stand-in ssh that runs the
#   command here, merged; its and logen.sbatch's bad input.
# Counts: the shards' generated events add up to the schedule's.
. "$(dirname "$0")/lib.sh"

unset SLURM_PROCID SLURM_NTASKS JOB_COMPLETION_INDEX LOGEN_SHARDS OMPI_COMM_WORLD_RANK \
    OMPI_COMM_WORLD_SIZE PMI_RANK PMI_SIZE

DEPLOY=$ROOT/scenarios/deploy
JOB=$DEPLOY/kubernetes/logen-job.yaml
SCHEMA=$ROOT/src/summary-1.schema.json
SHORT="cuts.Dummy --id open --openedmodel --prefork 1 --schedule 1@60,1@60-120 --steps 1 --extra '{\"sleep\": 0}'"
SHORT_EVENTS=150 # 60 + 90

# The manifest's facts, one per line (python3-yaml), or FAIL lines.
python3 - "$JOB" > facts <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
job = [d for d in docs if d.get("kind") == "Job"]
cm = [d for d in docs if d.get("kind") == "ConfigMap"]
if len(job) != 1 or len(cm) != 1:
    print("FAIL one Job and one ConfigMap: %d, %d" % (len(job), len(cm)))
    sys.exit()
spec = job[0]["spec"]
pod = spec["template"]["spec"]
c = pod["containers"][0]
env = {e["name"]: e.get("value") for e in c.get("env", [])}
script = " ".join(c.get("command", []) + c.get("args", []))
print("mode", spec.get("completionMode"))
print("counts", spec.get("parallelism"), spec.get("completions"), env.get("LOGEN_SHARDS"))
print("restart", pod.get("restartPolicy"), spec.get("backoffLimit"))
print("summary_json", "--summary-json" in script)
print("start_at", "--start-at" in script)
vols = {v["name"]: v for v in pod["volumes"]}
mounts = {m["mountPath"]: vols[m["name"]] for m in c["volumeMounts"]}
cmvol = [(p, v) for p, v in mounts.items() if v.get("configMap", {}).get("name") == cm[0]["metadata"]["name"]]
print("configmap_mounted", len(cmvol) == 1)
if cmvol:
    path, v = cmvol[0]
    files = {i["path"]: i["key"] for i in v["configMap"].get("items", [])} or {k: k for k in cm[0]["data"]}
    read = [f for f in files if path + "/" + f in script]
    print("scenario_from_configmap", len(read) == 1 and files[read[0]] in cm[0]["data"])
    open("scenario.txt", "w").write(cm[0]["data"][files[read[0]]] if read else "")
    open("pod.sh", "w").write(c["args"][0].replace(path + "/", "@CM@/"))
print("shell", " ".join(c.get("command", [])))
PY
grep FAIL facts | diag "$(cat)"
fact() { sed -n "s/^$1 //p" facts; }
is "$(fact mode)" Indexed "k8s: the Job is an Indexed Job"
read -r par comp shards <<< "$(fact counts)"
ok "$([ -n "$par" ] && [ "$par" = "$comp" ] && [ "$comp" = "$shards" ]; echo $?)" \
   "k8s: parallelism = completions = LOGEN_SHARDS ($par, $comp, $shards)"
is "$(fact restart)" "Never 0" "k8s: a pod is never restarted nor the shard retried"
is "$(fact summary_json)" True "k8s: the logen command line has --summary-json"
is "$(fact start_at)" True "k8s: and --start-at"
is "$(fact configmap_mounted)" True "k8s: the ConfigMap is mounted"
is "$(fact scenario_from_configmap)" True "k8s: the command reads its scenario from the ConfigMap"
is "$(fact shell)" "/bin/sh -c" "k8s: the pod's script runs in /bin/sh"

# The ConfigMap's scenario loads: every CUT and option checked, then its
# start 30 years in the past refused (exit 2, before any worker).
mkdir cm res
cp scenario.txt cm/scenario.txt
run 60 "$LOGEN" scenario --file cm/scenario.txt --shard 0/"$shards" --start-at 1000000000 -q
is "$rc" 2 "k8s: the ConfigMap's scenario loads (refused only for its start long past)"
like "$(cat err)" "^logen: --start-at is .* in the past" "  and says so"

# The container's script, once per index, all at once, on a short
# scenario: /bin/sh as in the pod, its ConfigMap at cm/, its own /results.
echo "$SHORT" > cm/scenario.txt
mkdir bin && printf '#!/bin/sh\nexec "%s" "$@"\n' "$LOGEN" > bin/logen && chmod +x bin/logen
start=$(( $(date +%s) + 2 ))
pids=
for i in $(seq 0 $((shards - 1))); do
    mkdir "res$i"
    sed -e "s|@CM@/|$T/cm/|g" -e "s|/results/|$T/res$i/|g" pod.sh > "pod$i.sh"
    PATH=$T/bin:$PATH JOB_COMPLETION_INDEX=$i LOGEN_SHARDS=$shards START_AT=$start \
        timeout -k 5 $((60 * MULT)) /bin/sh "pod$i.sh" > "pod$i.log" 2>&1 &
    pids="$pids $!"
done
bad=0
for p in $pids; do wait "$p" || bad=$((bad + 1)); done
is "$bad" 0 "k8s: the $shards pods' scripts exit 0"
cut_out=$(grep -o "sed -n '[^']*'" "$JOB" | head -1)
like "$cut_out" "logen-summary" "k8s: the manifest's comments say how to cut a summary out of a log"
sum=0
for i in $(seq 0 $((shards - 1))); do
    eval "$cut_out" < "pod$i.log" > "shard-$i.json"
    got=$(python3 -c "
import json, sys, jsonschema
d = json.load(open(sys.argv[1])); jsonschema.validate(d, json.load(open(sys.argv[2])))
print(d['meta']['shard']['index'], d['meta']['shard']['count'], d['lines'][0]['open_model']['generated'])
" "shard-$i.json" "$SCHEMA" 2>&1 | tail -1)
    is "${got% *}" "$i $shards" "k8s: pod $i's log holds a valid summary of shard $i/$shards"
    sum=$((sum + ${got##* }))
done
is "$sum" "$SHORT_EVENTS" "k8s: the pods generated the schedule's $SHORT_EVENTS events in all"
"$LOGEN" merge shard-*.json -o k8s-merged.json > merge.out 2> merge.err
is "$?" 0 "k8s: logen merge of the pods' summaries: exit 0"
is "$(python3 -c "
import json; d = json.load(open('k8s-merged.json'))
print(d['meta']['merged'], d['lines'][0]['open_model']['generated'])")" "$shards $SHORT_EVENTS" \
   "k8s: the merge holds the $shards shards and every event"

# ssh.sh over two "hosts": the stand-in ssh drops the host and runs the
# remote command line here, as sshd would, in a shell.
printf '#!/bin/bash\necho "$1" >> %s/hosts\nexec bash -c "$2"\n' "$T" > fakessh
chmod +x fakessh
eval "set -- $SHORT"
run 60 env HOSTS="inj0 inj1" SSH=$T/fakessh LOGEN=$LOGEN OUT=$T/ssh START_IN=2 REMOTE_TMP=$T \
    "$DEPLOY/ssh.sh" "$@"
is "$rc" 0 "ssh.sh: two hosts, merged: exit 0"
is "$(sort -u hosts | tr '\n' ' ')" "inj0 inj1 " "ssh.sh: it reached both hosts"
like "$(cat out)" "^==== " "ssh.sh: it prints the merged summary"
is "$(python3 -c "
import json
s = [json.load(open('ssh/shard-%d.json' % i)) for i in (0, 1)]
m = json.load(open('ssh/merged.json'))
print([x['meta']['shard'] for x in s], s[0]['meta']['start_epoch_s'] == s[1]['meta']['start_epoch_s'],
      m['lines'][0]['open_model']['generated'])")" \
   "[{'index': 0, 'count': 2}, {'index': 1, 'count': 2}] True $SHORT_EVENTS" \
   "ssh.sh: shards 0/2 and 1/2, one start, every event in the merge"
ok "$(ls "$T"/logen-shard-* 2>/dev/null | grep -q .; echo $((!$?)))" "ssh.sh: the hosts' summaries are removed once fetched"

# bad input: one line, exit 2, nothing started
run 10 env -u HOSTS SSH=false "$DEPLOY/ssh.sh" cuts.Dummy
is "$rc:$(wc -l < err)" 2:1 "ssh.sh without HOSTS: exit 2, one line"
like "$(cat err)" "^ssh.sh: usage: HOSTS=" "  its usage"
run 10 env HOSTS=h START_IN=soon SSH=false "$DEPLOY/ssh.sh" cuts.Dummy
like "$rc:$(cat err)" "^2:ssh.sh: START_IN='soon' is not a whole number of seconds$" "ssh.sh: a bad START_IN, named"
run 10 env LOGEN=false "$DEPLOY/slurm/logen.sbatch"
like "$rc:$(cat err)" "^2:logen.sbatch: usage: sbatch " "logen.sbatch without arguments: exit 2, its usage"
done_testing
