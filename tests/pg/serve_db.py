#!/usr/bin/env python3
"""serve_db.py: posts claims to `claimwatch serve` and keeps the answers, for tests/pg/test_serve_db.sh
(standard library only; the claims come from tests/cli/serve_replay.py split).

  serve_db.py post PORT ENDPOINT CLAIMS.jsonl FIRST LAST ANSWERS.jsonl [ACKED]
      POSTs claims FIRST..LAST (1-based) to ENDPOINT on one keep-alive connection; each answer's
      status and body, one line each, to ANSWERS.jsonl; with ACKED, the line ids of every claim
      answered 200 are appended to that file as they come (one a line), so that a kill shows what
      was acknowledged. Exit 1 when an answer was not 200 (or the connection failed: a kill).
  serve_db.py standing ANSWERS.jsonl OUT.json
      The findings that stand at the end of the answers (every hit, minus the withdrawn), as
      serve_replay.py writes them, for serve_replay.py compare.
  serve_db.py lines CLAIMS.jsonl FIRST LAST
      The line ids of claims FIRST..LAST, one a line.
"""
import http.client, json, sys


def claims(path, first, last):
    with open(path, encoding='utf-8') as fh:
        for n, line in enumerate(fh, 1):
            if int(first) <= n <= int(last):
                yield line


def post(port, endpoint, path, first, last, out, acked=None):
    conn = http.client.HTTPConnection('127.0.0.1', int(port), timeout=60)
    bad = 0
    with open(out, 'w', encoding='utf-8') as fh:
        for body in claims(path, first, last):
            try:
                conn.request('POST', endpoint, body=body.encode(), headers={'Content-Type': 'application/json'})
                resp = conn.getresponse()
                text = resp.read().decode()
            except (OSError, http.client.HTTPException) as e:
                print(f'connection failed: {e}', file=sys.stderr)
                return 1
            fh.write(f'{resp.status} {text}\n')
            fh.flush()
            if resp.status != 200:
                bad += 1
                print(f'{resp.status} {text[:300]}', file=sys.stderr)
            elif acked:
                with open(acked, 'a') as a:
                    a.write(''.join(l['line_id'] + '\n' for l in json.loads(body)['lines']))
    return 1 if bad else 0


def standing(answers, out):
    st = {}
    with open(answers, encoding='utf-8') as fh:
        for line in fh:
            status, text = line.split(' ', 1)
            if status != '200':
                continue
            ans = json.loads(text)
            for h in ans['hits']:
                st[h['id']] = {'detector': h['detector'], 'lines': sorted(l['line_id'] for l in h['lines']),
                               'money': h['money'], 'fund': h['fund']}
            for w in ans['withdrawn']:
                st.pop(w, None)
    with open(out, 'w') as fh:
        json.dump(st, fh, indent=1, sort_keys=True)


def lines(path, first, last):
    for body in claims(path, first, last):
        for l in json.loads(body)['lines']:
            print(l['line_id'])


if __name__ == '__main__':
    cmd, args = sys.argv[1], sys.argv[2:]
    sys.exit({'post': post, 'standing': standing, 'lines': lines}[cmd](*args) or 0)
