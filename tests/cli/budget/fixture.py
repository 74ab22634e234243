#!/usr/bin/env python3
"""fixture.py ROOT: a hand-made output root for `claimwatch budget` (docs/budget.md): indicators.csv of
every month of 2025 and 2026 with fund_paid, for
  H2 (乙 of docs/budget.md): 216,000.00 a month in 2026 against a budget of 2,400,000.00 (8% over);
  H5: no budget given; 2025 paid 100,000.00 a month, so its derived 2026 budget is 1,260,000.00;
  H6: 2025 paid 50,000.00 in January-June and 150,000.00 in July-December; 2026 pays 60,000.00 a month in
      January-March and its visits fall from 1,000 to 600 in March while it runs over its budget
      (600,000.00): last year's profile projects 60,000 x 3 -> 180,000 x 1,200,000 / 150,000 = 1,440,000.00
      (140% over: alert 2), and March is an under-service signal;
and ROOT/periods/2026/inst_assessment.csv grading H2 A."""
import os, sys

root = sys.argv[1]
HEAD = "scope,inst_id,dept_id,name,level,revenue,outpatient_visits,inpatient_stays,fund_paid,fund_estimated\n"


def row(inst, fund, visits=1000, stays=100):
    rev = fund * 10 // 7
    return "institution,%s,,%s医院,3,%d.00,%d,%d,%d.00,0\n" % (inst, inst, rev, visits, stays, fund)


for year in (2025, 2026):
    for m in range(1, 13):
        d = os.path.join(root, "%04d-%02d" % (year, m))
        os.makedirs(d, exist_ok=True)
        rows = []
        if year == 2025:
            rows.append(row("H5", 100000))
            rows.append(row("H6", 50000 if m <= 6 else 150000))
        else:
            rows.append(row("H2", 216000))
            rows.append(row("H5", 100000))
            if m <= 3:
                rows.append(row("H6", 60000, visits=600 if m == 3 else 1000))
        with open(os.path.join(d, "indicators.csv"), "w", encoding="utf-8") as f:
            f.write(HEAD + "".join(rows))
os.makedirs(os.path.join(root, "periods", "2026"), exist_ok=True)
with open(os.path.join(root, "periods", "2026", "inst_assessment.csv"), "w", encoding="utf-8") as f:
    f.write("period,inst_id,grade\n2026,H2,A\n2026,H6,C\n")
