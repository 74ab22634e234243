#!/usr/bin/env python3
"""report_crawl.py MONTH_DIR: checks the report folder MONTH_DIR/report/ against the month's CSV files,
independently of the C code (standard library only). Prints one line per failure and exits 1 when any.

- Links: every href and src of every page (a, link, script, the SVG's a) is a relative path to a file
  that exists inside the report folder; a #fragment names an id of its page.
- Shared assets: report.css and report.js exist; every page links report.css exactly once; no page
  carries a <style> element, a style attribute, an inline <script> or any line of report.css.
- Paged tables hold every row exactly once: the ranking of each dimension (ranking[-DIM][-pN].html)
  lists each physician of ranking.csv for that dimension once; the evidence of the physician pages
  (p/N.html, p/N-2.html ...) shows each line of evidence.csv of every finding shown exactly as often
  as evidence.csv has it, and every finding of a physician of ranking.csv with evidence is shown."""
import collections
import csv
import html.parser
import os
import re
import sys
import urllib.parse


class Page(html.parser.HTMLParser):
    """Links, ids, stylesheets, inline style and script, ranking rows and evidence rows of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.ids, self.sheets, self.inline = [], set(), [], []
        self.rank_rows, self.evidence = [], []
        self.in_rank = self.in_small = self.in_body = False
        self.finding = None
        self.ev_table = False
        self.cell = -1
        self.cell_text = ''

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if 'id' in a:
            self.ids.add(a['id'])
        if 'style' in a:
            self.inline.append('style attribute on <%s>' % tag)
        for key in ('href', 'src', 'xlink:href'):
            if a.get(key) is not None and tag in ('a', 'link', 'script', 'img', 'image', 'use'):
                self.links.append(a[key])
        if tag == 'link' and a.get('rel') == 'stylesheet':
            self.sheets.append(a.get('href'))
        if tag == 'style':
            self.inline.append('<style> element')
        if tag == 'script' and not a.get('src'):
            self.inline.append('inline <script>')
        if tag == 'table':
            self.in_rank = a.get('id') == 'rank'
            self.in_body = False
            self.ev_table = 'ev' in (a.get('class') or '').split()
        if tag == 'tbody':
            self.in_body = True
        if tag == 'tr':
            self.end_cell()
            self.cell = -1
            if self.in_rank and self.in_body:
                self.rank_rows.append(None)
        if tag in ('td', 'th'):
            self.end_cell()
            self.cell += 1
            self.cell_text = '' if tag == 'td' else None
        if tag == 'small' and self.in_rank and self.rank_rows:
            self.in_small = True
        if tag == 'details' and 'finding' in (a.get('class') or '').split():
            self.finding = a.get('id')

    def end_cell(self):
        # the first cell of an evidence row is the line id (the end tags are optional: a cell ends at the next)
        if self.ev_table and self.cell == 0 and self.cell_text is not None and self.finding:
            self.evidence.append((self.finding, self.cell_text.strip()))
        self.cell_text = None

    def handle_endtag(self, tag):
        if tag in ('td', 'tr'):
            self.end_cell()
        if tag == 'table':
            self.end_cell()
            self.in_rank = self.ev_table = False
        if tag == 'small':
            self.in_small = False

    def handle_data(self, data):
        if self.in_small and self.rank_rows and self.rank_rows[-1] is None:
            self.rank_rows[-1] = data.strip()
        if self.cell_text is not None:
            self.cell_text += data


def read_csv(path):
    with open(path, newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f))


def main():
    month = sys.argv[1]
    report = os.path.join(month, 'report')
    bad = []
    pages = {}
    for folder, _, files in os.walk(report):
        for name in files:
            if name.endswith('.html'):
                path = os.path.join(folder, name)
                with open(path, encoding='utf-8') as f:
                    text = f.read()
                p = Page()
                p.feed(text)
                p.close()
                p.end_cell()
                pages[os.path.relpath(path, report)] = (p, text)
    if not pages:
        print('no page in %s' % report)
        return 1

    # shared assets
    css_path = os.path.join(report, 'report.css')
    for asset in ('report.css', 'report.js'):
        if not os.path.isfile(os.path.join(report, asset)):
            bad.append('%s is missing' % asset)
    css_lines = []
    if os.path.isfile(css_path):
        with open(css_path, encoding='utf-8') as f:
            css_lines = [l for l in f.read().split('\n') if len(l) > 20]
    for rel, (p, text) in sorted(pages.items()):
        sheets = [os.path.normpath(os.path.join(os.path.dirname(rel), h or '')) for h in p.sheets]
        if sheets != ['report.css']:
            bad.append('%s: links %s as stylesheets, not report.css once' % (rel, p.sheets))
        for what in p.inline:
            bad.append('%s: %s' % (rel, what))
        for line in css_lines:
            if line in text:
                bad.append('%s: repeats the shared CSS (%s...)' % (rel, line[:40]))
                break

    # links
    for rel, (p, _) in sorted(pages.items()):
        for href in p.links:
            u = urllib.parse.urlsplit(href)
            if u.scheme or u.netloc or href.startswith('//'):
                bad.append('%s: a link outside the folder: %s' % (rel, href))
                continue
            target = os.path.normpath(os.path.join(os.path.dirname(rel), urllib.parse.unquote(u.path))) \
                if u.path else rel
            if target.startswith('..') or os.path.isabs(target):
                bad.append('%s: a link out of the report folder: %s' % (rel, href))
            elif not os.path.isfile(os.path.join(report, target)):
                bad.append('%s: a link to a missing file: %s' % (rel, href))
            elif u.fragment and target in pages and u.fragment not in pages[target][0].ids:
                bad.append('%s: a link to a missing anchor: %s' % (rel, href))

    # the ranking: each dimension's pages list each of its physicians once
    ranking = read_csv(os.path.join(month, 'ranking.csv'))
    want = collections.defaultdict(collections.Counter)
    for row in ranking:
        want[row['dimension']][row['physician_id']] += 1
    shown = collections.defaultdict(collections.Counter)
    for rel, (p, _) in pages.items():
        m = re.fullmatch(r'ranking(?:-(.+))?\.html', re.sub(r'-p\d+\.html$', '.html', rel))
        if m:
            dim = m.group(1) or 'composite'
            shown[dim].update(r for r in p.rank_rows)
    for dim in sorted(set(want) | set(shown)):
        if shown[dim] != want[dim]:
            extra, missing = shown[dim] - want[dim], want[dim] - shown[dim]
            bad.append('ranking of %s: %d rows shown, %d in ranking.csv; twice or extra %s, missing %s' % (
                dim, sum(shown[dim].values()), sum(want[dim].values()), list(extra)[:5], list(missing)[:5]))

    # the evidence: every line of every finding shown exactly as often as evidence.csv has it
    ev_want = collections.defaultdict(collections.Counter)
    for row in read_csv(os.path.join(month, 'evidence.csv')):
        ev_want[row['finding_id']][row['line_id']] += 1
    ev_shown = collections.defaultdict(collections.Counter)
    for rel, (p, _) in pages.items():
        if rel.startswith('p' + os.sep):
            for finding, line in p.evidence:
                ev_shown[finding][line] += 1
    ranked = {row['physician_id'] for row in ranking}
    expected = {row['finding_id'] for row in read_csv(os.path.join(month, 'findings.csv'))
                if row['physician_id'] in ranked and row['finding_id'] in ev_want}
    for fid in sorted(set(ev_shown) | expected):
        if ev_shown[fid] != ev_want[fid]:
            bad.append('finding %s: evidence lines shown %d times, %d in evidence.csv' % (
                fid, sum(ev_shown[fid].values()), sum(ev_want[fid].values())))
    for line in bad[:40]:
        print(line)
    if len(bad) > 40:
        print('... %d more' % (len(bad) - 40))
    print('%d pages, %d ranking rows, %d evidence rows checked' % (
        len(pages), sum(sum(c.values()) for c in shown.values()), sum(sum(c.values()) for c in ev_shown.values())),
        file=sys.stderr)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
