#!/usr/bin/env python3
"""recompute.py ROOT BUDGETS.csv YEAR LAST_MONTH BUDGET_OUTPUT.csv: the monthly figures of the global
budget (docs/budget.md) recomputed from the month folders (indicators.csv, findings.csv), ROOT/reviews.csv
and the budgets file alone, with the default rules, and compared with claimwatch's budget.csv, to the
cent. Standard library only. Prints one line per difference and exits 1 when there is any."""
import csv, os, sys
from decimal import Decimal, ROUND_HALF_UP

root, budgets_path, year, last, out_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
CONFIRMED = {"confirmed", "rectified", "refunded", "appealed"}


def fen(text):
    return int((Decimal(text) * 100).to_integral_value()) if text else 0


def scale(x, num, den):  # x * num / den to the nearest integer, half away from zero
    q = (Decimal(x) * num / den).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(q)


def yuan(f):
    return "%s%d.%02d" % ("-" if f < 0 else "", abs(f) // 100, abs(f) % 100)


def states():  # the last state of each finding after its decisions (the simple path of review.h)
    state = {}
    path = os.path.join(root, "reviews.csv")
    if os.path.exists(path):
        for r in csv.DictReader(open(path, encoding="utf-8")):
            s = r["status"]
            state[r["finding_id"]] = state.get(r["finding_id"]) if s in ("upheld",) else s
    return state


def month_budgets(annual, profile):
    w = profile if profile else [1] * 12
    total, cum, before, out = sum(w), 0, 0, []
    for m in range(12):
        cum += w[m]
        upto = scale(annual, cum, total)
        out.append(upto - before)
        before = upto
    return out


budgets = {}
for r in csv.DictReader(open(budgets_path, encoding="utf-8")):
    if int(r["year"]) != year:
        continue
    prof = [r.get("m%02d" % (m + 1), "") for m in range(12)]
    prof = [Decimal(p) for p in prof] if all(prof) else None
    budgets[r["inst_id"]] = (fen(r["annual_budget"]), prof)

st = states()
claimed, viol = {}, {}
for m in range(1, last + 1):
    d = os.path.join(root, "%04d-%02d" % (year, m))
    for r in csv.DictReader(open(os.path.join(d, "indicators.csv"), encoding="utf-8")):
        if r["scope"] == "institution":
            claimed[(r["inst_id"], m)] = fen(r["fund_paid"])
    for r in csv.DictReader(open(os.path.join(d, "findings.csv"), encoding="utf-8")):
        if st.get(r["finding_id"]) in CONFIRMED:
            v = fen(r.get("fund_amount") or r["suspect_amount"])
            viol[(r["inst_id"], m)] = viol.get((r["inst_id"], m), 0) + v

want = {}
for inst, (annual, prof) in budgets.items():
    mb = month_budgets(annual, prof)
    cum_used = cum_budget = 0
    for m in range(1, last + 1):
        b = mb[m - 1]
        c = claimed.get((inst, m), 0)
        used = max(0, c - viol.get((inst, m), 0))
        base = min(used, b)
        prepaid = scale(base, 94, 100)
        cum_used += used
        cum_budget += b
        if prof:
            projected, method = scale(cum_used, annual, cum_budget), "profile"
        else:
            projected, method = scale(cum_used, 12, m), "linear"
        over = projected - annual
        alert = 2 if over >= scale(annual, 20, 100) else 1 if over >= scale(annual, 10, 100) else 0
        want[(inst, "%04d-%02d" % (year, m))] = {
            "budget": yuan(b), "fund_paid": yuan(c), "violations": yuan(viol.get((inst, m), 0)),
            "used": yuan(used), "prepaid": yuan(prepaid), "holdback": yuan(base - prepaid),
            "cum_budget": yuan(cum_budget), "cum_used": yuan(cum_used), "projected": yuan(projected),
            "projection_method": method, "alert": str(alert)}

bad, seen = 0, 0
for r in csv.DictReader(open(out_path, encoding="utf-8")):
    key = (r["inst_id"], r["period"])
    if r["kind"] != "month" or key not in want:
        continue
    seen += 1
    for col, v in want.pop(key).items():
        if r[col] != v:
            bad += 1
            print("%s %s %s: claimwatch %s, recomputed %s" % (key[0], key[1], col, r[col], v))
for key in want:
    bad += 1
    print("%s %s: missing from claimwatch's output" % key)
print("%d month rows compared, %d differences" % (seen, bad))
sys.exit(1 if bad or not seen else 0)
