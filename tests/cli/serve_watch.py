#!/usr/bin/env python3
"""serve_watch.py: the independent side of tests/cli/test_serve_watch.sh (standard library only): what
GET /v1/watch must say of a department and a physician, recomputed from the data folder's CSV files and
a batch run's findings, and the claims the test posts.

  serve_watch.py pick DATA MONTH FINDINGS.csv DETECTORS OUT.json
      The department with the most findings of the detectors (then the most lines), its physician with
      the most lines, a patient, a plain item (no frequency, age, sex, level or setting rule, not in a
      bundle) and the latest service time of the month.
  serve_watch.py claim PICK.json VISIT LINE1 LINE2 [MINUTE]
      A request body: a new outpatient visit of the pick's patient in its department by its physician at
      the month's latest day, with two lines of the plain item at the same minute (a duplicate billing).
  serve_watch.py expect DATA MONTH FINDINGS.csv EVIDENCE.csv DETECTORS PICK.json OUT.json
      For the pick's department and physician, today's and the month's counters: lines (net of nothing:
      refunds count), revenue, drug revenue, visits billed, hits by detector, money and the fund's share.
      A line counts for its visit's department and its physician (the line's, else the visit's); a
      finding for findings.csv's dept_id and physician_id, on the day of its latest evidence line.
  serve_watch.py compare WATCH.json EXPECT.json [today]
      Exit 0 when the watch's month (and today's, with "today") counters of both units are the expected.
  serve_watch.py same A.json B.json
      Exit 0 when two /v1/watch answers have the same units and counters (alerts aside).
"""
import csv, json, sys
from collections import Counter, defaultdict


def read(data, name):
    with open(f'{data}/{name}', newline='', encoding='utf-8') as fh:
        return list(csv.DictReader(fh))


def fen(s):
    s = s.strip()
    neg = s.startswith('-')
    s = s.lstrip('-')
    y, _, f = s.partition('.')
    v = int(y or 0) * 100 + int((f + '00')[:2])
    return -v if neg else v


def yuan(v):
    return ('-' if v < 0 else '') + f'{abs(v) // 100}.{abs(v) % 100:02d}'


def batch_findings(path, month, dets):
    return [r for r in read(path.rsplit('/', 1)[0], path.rsplit('/', 1)[1])
            if r['detector'] in dets and r['month'] == month]


def pick(data, month, findings, dets, out):
    dets = dets.split(',')
    visits = {v['visit_id']: v for v in read(data, 'visits.csv')}
    lines = [l for l in read(data, 'claim_lines.csv') if l['service_time'][:7] == month]
    f = batch_findings(findings, month, dets)
    nf = Counter(r['dept_id'] for r in f if r['dept_id'])
    nl = Counter(visits[l['visit_id']]['dept_id'] for l in lines)
    dept = max(nl, key=lambda d: (nf[d], nl[d], d))
    phys_of = {p['physician_id']: p for p in read(data, 'physicians.csv')}
    pl = Counter(l['physician_id'] or visits[l['visit_id']]['physician_id'] for l in lines)
    phys = max((p for p in pl if phys_of[p]['dept_id'] == dept), key=lambda p: (pl[p], p))
    seen = {v['patient_id'] for v in visits.values()}
    patients = [p for p in read(data, 'patients.csv')]
    patient = next((p for p in patients if p['patient_id'] not in seen), patients[0])
    in_bundle = {b['component_code'] for b in read(data, 'bundles.csv')} | {b['bundle_code'] for b in read(data, 'bundles.csv')}
    plain = [i for i in read(data, 'items.csv')
             if i['category'] in ('lab', 'exam', 'treatment', 'nursing') and not i['max_daily_qty'] and not i['retest_hours']
             and not i['sex_only'] and not i['age_min'] and not i['age_max'] and not i['min_level'] and not i['setting']
             and i['large_equipment'] == '0' and i['antibiotic'] == '0' and i['item_code'] not in in_bundle
             and i['std_price']]
    item = sorted(plain, key=lambda i: i['item_code'])[0]
    latest = max(l['service_time'] for l in lines)
    json.dump({'dept': dept, 'inst': phys_of[phys]['inst_id'], 'physician': phys,
               'patient': patient['patient_id'], 'item': item['item_code'], 'price': item['std_price'],
               'latest': latest}, open(out, 'w'), ensure_ascii=False)


def claim(pick_path, visit, l1, l2, minute=None):
    p = json.load(open(pick_path))
    t = p['latest'][:11] + (minute or p['latest'][11:])
    line = lambda i: {'line_id': i, 'item_code': p['item'], 'service_time': t, 'qty': '1',
                      'unit_price': p['price'], 'amount': p['price']}
    body = {'visit': {'visit_id': visit, 'patient_id': p['patient'], 'inst_id': p['inst'], 'dept_id': p['dept'],
                      'physician_id': p['physician'], 'kind': 'outpatient', 'admit_time': t,
                      'discharge_time': None, 'dx_code': 'I10', 'dx_name': '高血压'},
            'lines': [line(l1), line(l2)], 'lang': 'en'}
    print(json.dumps(body, ensure_ascii=False))


def expect(data, month, findings, evidence, dets, pick_path, out):
    dets = dets.split(',')
    p = json.load(open(pick_path))
    visits = {v['visit_id']: v for v in read(data, 'visits.csv')}
    cat = {i['item_code']: i['category'] for i in read(data, 'items.csv')}
    lines = [l for l in read(data, 'claim_lines.csv') if l['service_time'][:7] == month]
    today = max(l['service_time'][:10] for l in lines)
    res = {}
    for kind, key in (('departments', p['dept']), ('physicians', p['physician'])):
        res[kind] = {'id': key}
        for period in ('today', 'month'):
            c = {'lines': 0, 'revenue': 0, 'drug': 0, 'visits': set(), 'hits': 0, 'by_detector': Counter(),
                 'money': 0, 'fund': 0}
            res[kind][period] = c
    when = defaultdict(str)
    for e in read(evidence.rsplit('/', 1)[0], evidence.rsplit('/', 1)[1]):
        when[e['finding_id']] = max(when[e['finding_id']], e['service_time'])
    for l in lines:
        v = visits[l['visit_id']]
        unit = {'departments': v['dept_id'], 'physicians': l['physician_id'] or v['physician_id']}
        for kind, r in res.items():
            if unit[kind] != r['id']:
                continue
            for period in ('today', 'month'):
                if period == 'today' and l['service_time'][:10] != today:
                    continue
                c = r[period]
                c['lines'] += 1
                c['revenue'] += fen(l['amount'])
                c['drug'] += fen(l['amount']) if cat[l['item_code']] == 'drug' else 0
                c['visits'].add(l['visit_id'])
    for f in batch_findings(findings, month, dets):
        unit = {'departments': f['dept_id'], 'physicians': f['physician_id']}
        for kind, r in res.items():
            if unit[kind] != r['id']:
                continue
            for period in ('today', 'month'):
                if period == 'today' and when[f['finding_id']][:10] != today:
                    continue
                c = r[period]
                c['hits'] += 1
                c['by_detector'][f['detector']] += 1
                c['money'] += fen(f['suspect_amount'])
                c['fund'] += fen(f['fund_amount'])
    for r in res.values():
        for period in ('today', 'month'):
            c = r[period]
            c['visits'] = len(c['visits'])
            c['by_detector'] = dict(c['by_detector'])
            for k in ('revenue', 'drug', 'money', 'fund'):
                c[k] = yuan(c[k])
    res['today'] = today
    json.dump(res, open(out, 'w'), ensure_ascii=False, indent=1)


FIELDS = ('lines', 'revenue', 'drug', 'visits', 'hits', 'by_detector', 'money', 'fund')


def unit_of(w, kind, uid):
    return next((u for u in w[kind] if u['id'] == uid), None)


def compare(watch, exp, periods):
    w, e = json.load(open(watch)), json.load(open(exp))
    bad = 0
    if 'today' in periods and w['today'] != e['today']:
        print(f"today: watch {w['today']}, expected {e['today']}")
        bad += 1
    for kind in ('departments', 'physicians'):
        u = unit_of(w, kind, e[kind]['id'])
        if u is None:
            print(f"{kind} {e[kind]['id']}: not in the watch")
            bad += 1
            continue
        for period in periods:
            for k in FIELDS:
                got, want = u[period][k], e[kind][period][k]
                if got != want:
                    print(f"{kind} {e[kind]['id']} {period}.{k}: watch {got!r}, expected {want!r}")
                    bad += 1
    return bad == 0


def same(a, b):
    x, y = json.load(open(a)), json.load(open(b))
    for w in (x, y):
        w.pop('alerts'), w.pop('alerts_total')
        for kind in ('departments', 'physicians'):
            for u in w[kind]:
                for period in ('today', 'month'):  # checks store nothing: not kept over a restart
                    for k in ('checks', 'check_hits', 'check_money'):
                        u[period].pop(k)
        w.pop('checks')
    if x != y:
        print(json.dumps(x, ensure_ascii=False)[:2000])
        print(json.dumps(y, ensure_ascii=False)[:2000])
    return x == y


if __name__ == '__main__':
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'pick':
        pick(*args)
    elif cmd == 'claim':
        claim(*args)
    elif cmd == 'expect':
        expect(*args)
    elif cmd == 'compare':
        sys.exit(0 if compare(args[0], args[1], ('month', 'today') if args[2:] == ['today'] else ('month',)) else 1)
    elif cmd == 'same':
        sys.exit(0 if same(*args) else 1)
    else:
        sys.exit(f'unknown command {cmd}')
