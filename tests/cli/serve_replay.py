#!/usr/bin/env python3
"""serve_replay.py: replays a month of a data folder claim by claim through `claimwatch serve`
(standard library only), for tests/cli/test_serve_replay.sh and bench/serve.sh.

  serve_replay.py split DATA MONTH BASE CLAIMS.jsonl
      BASE: DATA without the month's claims (visits first seen in the month, the month's claim lines,
      prescriptions and exam results); CLAIMS.jsonl: one request body per line, a visit with its
      lines (results inline) and prescriptions of the month, in time order (by the claim's latest
      time, then visit id).
  serve_replay.py replay PORT CLAIMS.jsonl OUT.json [ENDPOINT]
      POSTs every body to /v1/claims (or ENDPOINT) on one keep-alive connection; writes the findings
      that stand at the end (every hit, minus the withdrawn), by id: detector, sorted line ids, money, the fund's share.
  serve_replay.py batch FINDINGS.csv EVIDENCE.csv DETECTORS OUT.json
      The same from a batch run's month, for the comma-separated detectors.
  serve_replay.py compare A.json B.json
      Exit 0 when equal; else prints the differences.
"""
import csv, http.client, json, os, shutil, sys


def month_of(t):
    return t[:7]


def split(data, month, base, claims_path):
    os.makedirs(base, exist_ok=True)
    for f in os.listdir(data):
        if f.endswith('.csv'):
            shutil.copy(os.path.join(data, f), os.path.join(base, f))

    def read(name):
        with open(os.path.join(data, name), newline='', encoding='utf-8') as fh:
            r = csv.reader(fh)
            head = next(r)
            return head, list(r)

    vh, visits = read('visits.csv')
    lh, lines = read('claim_lines.csv')
    rh, rxs = read('prescriptions.csv')
    eh, results = read('exam_results.csv')
    result_of = {row[0]: row[1] for row in results}
    L = {c: i for i, c in enumerate(lh)}
    R = {c: i for i, c in enumerate(rh)}
    V = {c: i for i, c in enumerate(vh)}
    claims = {}
    old_visits = set()  # visits with rows before the month stay in the base
    for row in lines:
        if month_of(row[L['service_time']]) == month:
            claims.setdefault(row[L['visit_id']], {'lines': [], 'rx': []})['lines'].append(row)
        elif month_of(row[L['service_time']]) < month:
            old_visits.add(row[L['visit_id']])
    for row in rxs:
        if month_of(row[R['rx_time']]) == month:
            claims.setdefault(row[R['visit_id']], {'lines': [], 'rx': []})['rx'].append(row)
        elif month_of(row[R['rx_time']]) < month:
            old_visits.add(row[R['visit_id']])
    vrow = {row[V['visit_id']]: row for row in visits}
    for row in visits:
        if month_of(row[V['admit_time']]) == month and row[V['visit_id']] not in claims:
            claims[row[V['visit_id']]] = {'lines': [], 'rx': []}
    moved = set(claims)
    moved_lines = {row[L['line_id']] for c in claims.values() for row in c['lines']}

    def write(name, head, rows):
        with open(os.path.join(base, name), 'w', newline='', encoding='utf-8') as fh:
            w = csv.writer(fh, lineterminator='\n')
            w.writerow(head)
            w.writerows(rows)

    write('visits.csv', vh, [r for r in visits if r[V['visit_id']] not in moved or r[V['visit_id']] in old_visits])
    write('claim_lines.csv', lh, [r for r in lines if r[L['line_id']] not in moved_lines])
    write('prescriptions.csv', rh, [r for r in rxs if month_of(r[R['rx_time']]) != month])
    write('exam_results.csv', eh, [r for r in results if r[0] not in moved_lines])

    def obj(head, row, skip=()):
        return {c: (row[i] if row[i] != '' else None) for i, c in enumerate(head) if c not in skip}

    bodies = []
    for vid, c in claims.items():
        v = vrow[vid]
        times = [v[V['admit_time']]] + [r[L['service_time']] for r in c['lines']] + [r[R['rx_time']] for r in c['rx']]
        body = {'visit': obj(vh, v), 'lines': [], 'prescriptions': [obj(rh, r, ('visit_id',)) for r in c['rx']]}
        for r in c['lines']:
            o = obj(lh, r, ('visit_id',))
            if r[L['line_id']] in result_of:
                o['result'] = result_of[r[L['line_id']]]
            body['lines'].append(o)
        bodies.append((max(times), vid, body))
    bodies.sort(key=lambda b: (b[0], b[1]))
    with open(claims_path, 'w', encoding='utf-8') as fh:
        for _, _, b in bodies:
            fh.write(json.dumps(b, ensure_ascii=False) + '\n')
    print(f'{len(bodies)} claims, {len(moved_lines)} lines of {month} to replay')


def replay(port, claims_path, out, endpoint='/v1/claims'):
    conn = http.client.HTTPConnection('127.0.0.1', int(port), timeout=60)
    standing = {}
    n = errors = 0
    with open(claims_path, encoding='utf-8') as fh:
        for line in fh:
            conn.request('POST', endpoint, body=line.encode(), headers={'Content-Type': 'application/json'})
            resp = conn.getresponse()
            ans = json.loads(resp.read())
            n += 1
            if resp.status != 200:
                errors += 1
                print(f'claim {n}: {resp.status} {ans}', file=sys.stderr)
                continue
            for h in ans['hits']:
                standing[h['id']] = {'detector': h['detector'], 'lines': sorted(l['line_id'] for l in h['lines']),
                                     'money': h['money'], 'fund': h['fund']}
            for w in ans['withdrawn']:
                standing.pop(w, None)
    with open(out, 'w') as fh:
        json.dump(standing, fh, indent=1, sort_keys=True)
    print(f'{n} claims replayed, {errors} refused, {len(standing)} findings stand')
    return 1 if errors else 0


def batch(findings, evidence, detectors, out):
    keep = set(detectors.split(','))
    lines = {}
    with open(evidence, newline='', encoding='utf-8') as fh:
        for r in csv.DictReader(fh):
            lines.setdefault(r['finding_id'], []).append(r['line_id'])
    res = {}
    with open(findings, newline='', encoding='utf-8') as fh:
        for r in csv.DictReader(fh):
            if r['detector'] in keep:
                res[r['finding_id']] = {'detector': r['detector'], 'lines': sorted(lines.get(r['finding_id'], [])),
                                        'money': r['suspect_amount'], 'fund': r['fund_amount']}
    with open(out, 'w') as fh:
        json.dump(res, fh, indent=1, sort_keys=True)
    print(f'{len(res)} batch findings of {len(keep)} detectors')


def compare(a_path, b_path):
    a, b = json.load(open(a_path)), json.load(open(b_path))
    bad = 0
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            bad += 1
            if bad <= 20:
                print(f'{k}: {a_path}: {a.get(k)}  {b_path}: {b.get(k)}')
    by = {}
    for k in set(a) | set(b):
        if a.get(k) != b.get(k):
            d = (a.get(k) or b.get(k))['detector']
            by[d] = by.get(d, 0) + 1
    print(f'{len(a)} and {len(b)} findings, {bad} differ {by}')
    return 1 if bad else 0


if __name__ == '__main__':
    cmd, args = sys.argv[1], sys.argv[2:]
    sys.exit({'split': split, 'replay': replay, 'batch': batch, 'compare': compare}[cmd](*args) or 0)
