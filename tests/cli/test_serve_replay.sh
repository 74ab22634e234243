#!/usr/bin/env bash
# test_serve_replay.sh: the same verdicts as the batch (issue 16, point 4). A generated month is taken
# out of its data folder and replayed claim by claim, in time order, through POST /v1/claims of a
# service started on the rest; the findings that stand at the end (every hit, minus those withdrawn)
# must be the batch's findings of the service's detectors, the same ids, lines and money, as
# `claimwatch run` gives on the whole folder. Then a batch run on the service's folder (the journal)
# gives the same findings again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
T=$TMP
command -v curl >/dev/null || skip "no curl on this machine (apt-get install curl)"
"$CW" gen --help >/dev/null 2>&1 || skip "this build has no 'claimwatch gen'"
stop() { fail "$*"; finish; }
PY="python3 $SRC/tests/cli/serve_replay.py"

"$CW" gen --out "$T/D" --months 2026-02..2026-03 --lines "${CW_TEST_LINES:-20000}" --seed 7 --quiet || stop "gen failed"
"$CW" run --data "$T/D" --rules "$T/D/rules.json" --month 2026-03 --out "$T/R" --quiet --no-report || stop "run failed"
$PY split "$T/D" 2026-03 "$T/B" "$T/claims.jsonl" || stop "split failed"
serve_start "$T/serve.log" --data "$T/B" --month 2026-03 --rules "$T/D/rules.json" --accept-uncatalogued --quiet ||
	stop "serve did not start"
dets=$(curl -s "http://127.0.0.1:$PORT/healthz" | python3 -c 'import json,sys; print(",".join(json.load(sys.stdin)["detectors"]))')
[ -n "$dets" ] && pass "detectors: $dets" || stop "no detectors in /healthz"
$PY replay "$PORT" "$T/claims.jsonl" "$T/replay.json" && pass "every claim accepted" || fail "claims refused"
serve_stop
$PY batch "$T/R/2026-03/findings.csv" "$T/R/2026-03/evidence.csv" "$dets" "$T/batch.json"
n=$(python3 -c "import json; print(len(json.load(open('$T/batch.json'))))")
[ "$n" -ge 50 ] && pass "the batch has $n findings of these detectors" || fail "only $n batch findings: too few to compare"
$PY compare "$T/batch.json" "$T/replay.json" && pass "replay = batch: same findings, lines and money" ||
	fail "the replay's findings differ from the batch's"

# the journal is data a batch reads like any other
"$CW" run --data "$T/B" --rules "$T/D/rules.json" --month 2026-03 --out "$T/R2" --quiet --no-report ||
	fail "run on the journal folder failed"
$PY batch "$T/R2/2026-03/findings.csv" "$T/R2/2026-03/evidence.csv" "$dets" "$T/batch2.json" >/dev/null
$PY compare "$T/batch.json" "$T/batch2.json" && pass "a batch run on the journal finds the same" ||
	fail "a batch run on the journal folder differs"
finish
