#!/usr/bin/env python3
"""thin.py DATA: makes a generated data folder show the I12 cases of tests/cli/test_under_service.sh.

In April 2026, every other outpatient visit of H001 and of H003 is removed (with its claim lines, their exam
results and its prescriptions): their visits fall by about half against January-March. budgets.csv is
replaced: H001 and H002 get a budget far below their use (it binds), H003 one far above it (it does not).
So April signals H001 (binds, falls) and neither H002 (binds, no fall) nor H003 (falls, no bind)."""
import csv
import os
import sys

data = sys.argv[1]


def rows(name):
    with open(os.path.join(data, name), encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def write(name, table):
    with open(os.path.join(data, name), "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(table)


visits = rows("visits.csv")
h = visits[0]
vi, inst, kind, admit = h.index("visit_id"), h.index("inst_id"), h.index("kind"), h.index("admit_time")
drop, seen = set(), {"H001": 0, "H003": 0}
for r in visits[1:]:
    if r[inst] in seen and r[kind] == "outpatient" and r[admit].startswith("2026-04"):
        seen[r[inst]] += 1
        if seen[r[inst]] % 2:
            drop.add(r[vi])
write("visits.csv", [h] + [r for r in visits[1:] if r[vi] not in drop])
lines = rows("claim_lines.csv")
lv, lid = lines[0].index("visit_id"), lines[0].index("line_id")
gone = {r[lid] for r in lines[1:] if r[lv] in drop}
write("claim_lines.csv", [lines[0]] + [r for r in lines[1:] if r[lv] not in drop])
res = rows("exam_results.csv")
write("exam_results.csv", [res[0]] + [r for r in res[1:] if r[0] not in gone])
rx = rows("prescriptions.csv")
rv = rx[0].index("visit_id")
write("prescriptions.csv", [rx[0]] + [r for r in rx[1:] if r[rv] not in drop])
write("budgets.csv", [["inst_id", "year", "annual_budget"], ["H001", "2026", "300000.00"],
                      ["H002", "2026", "300000.00"], ["H003", "2026", "90000000.00"]])
print("removed %d visits, %d claim lines" % (len(drop), len(gone)))
