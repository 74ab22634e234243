#!/usr/bin/env python3
"""assess_recompute.py ROOT MONTH DATA RULES_DEFAULT [RULES_USER]: recomputes a month's institution
assessment (docs/institutions.md) from the month folder alone -- findings.csv (counts, violation money,
the fund's share, the review state the run saw), indicators.csv (revenue, drugs, visits, costs, targets,
positive rates), ROOT/reviews.csv (refunds), rejects.csv (with DATA/visits.csv to place a rejected claim
line), summary.json (the month) -- and the rules' assessment section, independently of claimwatch's C code,
and compares every institution (and every department's findings and money) with inst_assessment.csv and
dept_assessment.csv to the cent. Prints one line per disagreement; exits 1 when there is any.
Standard library only."""
import csv
import json
import math
import sys
from decimal import Decimal

root, month, data, rules_default = sys.argv[1:5]
user_rules = sys.argv[5] if len(sys.argv) > 5 else None
folder = f"{root}/{month}"


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def fen(s):
    return int((Decimal(s) * 100).to_integral_value()) if s not in ("", None) else None


def merge(a, b):
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(a.get(k), dict):
            merge(a[k], v)
        else:
            a[k] = v


items = rows(f"{data}/items.csv")
essential_given = any(i.get("essential", "") in ("1", "true", "t", "yes", "y", "TRUE", "True") for i in items)
rules = json.load(open(rules_default, encoding="utf-8"))
if user_rules:
    merge(rules, json.load(open(user_rules, encoding="utf-8")))
A = rules["assessment"]
summary = json.load(open(f"{folder}/summary.json", encoding="utf-8"))
assert summary.get("month", month) == month, "summary.json is of another month"

NAMES = ["drug_share", "material_share", "cost_per_visit", "cost_per_stay", "cost_per_visit_growth",
         "cost_per_stay_growth", "visits_per_patient", "self_pay_share", "out_of_scope_share",
         "essential_drug_share", "positive_rate"]
FLOOR = {"essential_drug_share", "positive_rate"}


def target(name, inst, dept, level):
    t = A["indicators"][name]
    for m, k in (("by_department", dept), ("by_institution", inst)):
        if k and k != "*" and k in t.get(m, {}):
            v = t[m][k]
            return None if v == 0 else v
    v = t["by_level"][f"level{level}"]
    return None if v == 0 else v


def num(s):
    return float(s) if s not in ("", None) else None


def growth(now, before):
    if now is None or before is None or before == 0:
        return None
    return (now - before) / before


# --- the figures ------------------------------------------------------------------------------------
ind = {}
for r in rows(f"{folder}/indicators.csv"):
    if r["scope"] == "equipment":
        continue
    key = (r["inst_id"], r["dept_id"])
    ind[key] = r

fig = {k: dict(findings=0, violation=0, fund=0, fund_known=True, confirmed=0, refunded=0, rejected=0, lines=0)
       for k in ind}
refunds = {}
for r in (rows(f"{root}/reviews.csv") if __import__("os").path.exists(f"{root}/reviews.csv") else []):
    if r["status"] == "refunded":
        refunds[r["finding_id"]] = refunds.get(r["finding_id"], 0) + fen(r["amount"])
    if r["status"] == "overturned":
        refunds[r["finding_id"]] = 0
for f in rows(f"{folder}/findings.csv"):
    if f["status"] == "dismissed" or not f["inst_id"]:
        continue
    money = fen(f["suspect_amount"])
    fund = fen(f.get("fund_amount", ""))
    keys = [(f["inst_id"], "")] + ([(f["inst_id"], f["dept_id"])] if f["dept_id"] else [])
    for key in keys:
        if key not in fig:
            continue
        x = fig[key]
        x["findings"] += 1
        x["violation"] += money
        if fund is None:
            x["fund_known"] = False
        else:
            x["fund"] += fund
        if f["status"] in ("confirmed", "rectified", "refunded", "appealed"):
            x["confirmed"] += money
        x["refunded"] += refunds.get(f["finding_id"], 0)

# the month's claim lines and rejected rows, by the institution and department of their visit
visits = {v["visit_id"]: (v["inst_id"], v["dept_id"]) for v in rows(f"{data}/visits.csv")}
depts = {d["dept_id"]: d["inst_id"] for d in rows(f"{data}/departments.csv")}
rejected_ids = set()
for r in rows(f"{folder}/rejects.csv"):
    rec = next(csv.reader([r["record"]]), [])
    base = r["file"].split(".")[0]
    if base in ("visits", "claim_lines") and rec:
        rejected_ids.add(rec[0])  # a rejected row is not in the month, whatever month it belongs to
    if r["month"] != month:
        continue
    owner = None
    if base == "visits" and len(rec) > 3:
        owner = (rec[2], rec[3])
    elif base == "claim_lines" and len(rec) > 1:
        owner = visits.get(rec[1])
    elif base == "prescriptions" and len(rec) > 2:
        owner = visits.get(rec[2])
    if not owner or (owner[0], "") not in fig:
        continue
    fig[(owner[0], "")]["rejected"] += 1
    if depts.get(owner[1]) == owner[0] and (owner[0], owner[1]) in fig:
        fig[(owner[0], owner[1])]["rejected"] += 1
lo, hi = month + "-01", month + "-32"
for line in rows(f"{data}/claim_lines.csv"):
    t = line["service_time"][:10]
    v = line["visit_id"]
    if not (lo <= t < hi) or v not in visits or v in rejected_ids or line["line_id"] in rejected_ids:
        continue
    inst, dept = visits[v]
    for key in ((inst, ""), (inst, dept)):
        if key in fig:
            fig[key]["lines"] += 1


def assess(key):
    r, x = ind[key], fig[key]
    inst, dept, level = key[0], key[1], int(r["level"])
    revenue, drug = fen(r["revenue"]), fen(r["drug_revenue"])
    visits_n, stays = int(r["outpatient_visits"]), int(r["inpatient_stays"])
    vcost, scost = fen(r["outpatient_cost"]), fen(r["inpatient_cost"])
    per_visit = vcost / 100.0 / visits_n if visits_n else None
    per_stay = scost / 100.0 / stays if stays else None
    resulted, positive = int(r["large_exams_resulted"]), int(r["large_exams_positive"])
    value = dict.fromkeys(NAMES)
    value["drug_share"] = drug / revenue if revenue > 0 else None
    value["cost_per_visit"], value["cost_per_stay"] = per_visit, per_stay
    value["cost_per_visit_growth"] = growth(per_visit, num(r["last_cost_per_visit"]))
    value["cost_per_stay_growth"] = growth(per_stay, num(r["last_cost_per_stay"]))
    value["positive_rate"] = positive / resulted if resulted else None
    # data contract 2's figures (indicators.csv since FUND): who paid what, patients, materials, essential drugs
    patients = int(r["patients"]) if r.get("patients") else None
    material, essential = fen(r.get("material_revenue")), fen(r.get("essential_drug_revenue"))
    if not essential_given:  # no item marked essential: the data does not give the column
        essential = None
    self_paid, oos = fen(r.get("self_paid")), fen(r.get("out_of_scope"))
    value["visits_per_patient"] = (visits_n + stays) / patients if patients else None
    value["material_share"] = material / revenue if material is not None and revenue > 0 else None
    value["self_pay_share"] = self_paid / revenue if self_paid is not None and revenue > 0 else None
    value["out_of_scope_share"] = oos / revenue if oos is not None and revenue > 0 else None
    value["essential_drug_share"] = essential / drug if essential is not None and drug > 0 else None
    tg = {n: target(n, inst, dept, level) for n in NAMES if n not in ("drug_share", "positive_rate")}
    tg["drug_share"] = num(r["drug_share_target"])
    tg["positive_rate"] = num(r["positive_rate_floor"])
    ded = 0.0
    over = {}
    for n in NAMES:
        v, t = value[n], tg[n]
        over[n] = v is not None and t is not None and (v < t if n in FLOOR else v > t)
        if over[n]:
            ded += A["indicators"][n]["points"]
    per100 = 100.0 * x["findings"] / (visits_n + stays) if visits_n + stays else None
    share = x["violation"] / revenue if revenue > 0 else None
    rej = x["rejected"] / (x["lines"] + x["rejected"]) if x["lines"] + x["rejected"] else None

    def capped(points, v, mx):
        return 0 if v is None or v <= 0 else min(points * v, mx)

    ded_f = capped(A["findings"]["points_per_100_visits"], per100, A["findings"]["max_points"])
    ded_m = capped(A["money"]["points_per_percent"], None if share is None else 100 * share, A["money"]["max_points"])
    ded_d = capped(A["data_quality"]["points_per_percent"], None if rej is None else 100 * rej,
                   A["data_quality"]["max_points"])
    score = max(0, math.floor((100.0 - (ded + ded_f + ded_m + ded_d)) * 100 + 0.5))
    grade = "D"
    for g in ("A", "B", "C"):
        if score >= math.floor(A["grades"][g] * 100 + 0.5):
            grade = g
            break
    return dict(fund_paid=fen(r.get("fund_paid")), self_paid=self_paid, patients=patients,
                findings=x["findings"], violation=x["violation"], fund=x["fund"] if x["fund_known"] else None,
                confirmed=x["confirmed"], refunded=x["refunded"], rejected=x["rejected"], lines=x["lines"],
                score=score, grade=grade, over=over)


bad = 0


def check(what, got, want):
    global bad
    if got != want:
        print(f"{what}: file {got!r}, recomputed {want!r}")
        bad += 1


checked = 0
for r in rows(f"{folder}/inst_assessment.csv"):
    key = (r["inst_id"], "")
    w = assess(key)
    i = r["inst_id"]
    check(f"{i} findings", int(r["findings"]), w["findings"])
    check(f"{i} violation_amount", fen(r["violation_amount"]), w["violation"])
    check(f"{i} violation_fund", fen(r["violation_fund"]), w["fund"])
    check(f"{i} fund_paid", fen(r["fund_paid"]), w["fund_paid"])
    check(f"{i} self_paid", fen(r["self_paid"]), w["self_paid"])
    check(f"{i} patients", int(r["patients"]) if r["patients"] else None, w["patients"])
    check(f"{i} confirmed_amount", fen(r["confirmed_amount"]), w["confirmed"])
    check(f"{i} refunded_amount", fen(r["refunded_amount"]), w["refunded"])
    check(f"{i} rejected_rows", int(r["rejected_rows"]), w["rejected"])
    check(f"{i} claim_lines", int(r["claim_lines"]), w["lines"])
    check(f"{i} score", fen(r["score"]), w["score"])
    check(f"{i} grade", r["grade"], w["grade"])
    for n in NAMES:
        check(f"{i} {n}_over", r[f"{n}_over"] == "1", w["over"][n])
    checked += 1
check("institutions", checked, sum(1 for k in ind if k[1] == ""))
for r in rows(f"{folder}/dept_assessment.csv"):
    key = (r["inst_id"], r["dept_id"])
    w = assess(key)
    d = r["dept_id"]
    check(f"{d} findings", int(r["findings"]), w["findings"])
    check(f"{d} violation_amount", fen(r["violation_amount"]), w["violation"])
    check(f"{d} score", fen(r["score"]), w["score"])
    check(f"{d} grade", r["grade"], w["grade"])
print(f"{month}: {checked} institutions recomputed, {bad} disagreement(s)")
sys.exit(1 if bad else 0)
