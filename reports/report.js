/* report.js: what the report does in the browser: sorts and filters the tables and downloads them as CSV
 * for Excel. Plain JavaScript, no library and no network: the page's Content Security Policy allows this
 * script only (by its hash) and no fetch at all. Text is only ever read and written as textContent. */
(function () {
  'use strict';
  var doc = document;
  var collator = new Intl.Collator(doc.documentElement.lang || undefined, { numeric: true });

  function text(cell) { return cell ? cell.textContent.trim() : ''; }
  function num(s) {
    var v = parseFloat(s.replace(/[,\s%\u00a5]/g, ''));
    return isNaN(v) ? null : v;
  }
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  function bodyRows(table) {
    var rows = [];
    each(table.tBodies, function (b) { each(b.rows, function (r) { rows.push(r); }); });
    return rows;
  }

  /* Sorting: a click on a header with data-t ("n" numbers, "s" text); empty cells always last. */
  function sortBy(table, th) {
    var col = th.cellIndex, numeric = th.getAttribute('data-t') === 'n';
    var now = th.getAttribute('aria-sort');
    var dir = now ? (now === 'ascending' ? -1 : 1) : (th.getAttribute('data-d') === 'desc' ? -1 : 1);
    var body = table.tBodies[0];
    var keyed = Array.prototype.map.call(body.rows, function (r, i) {
      var t = text(r.cells[col]);
      return { r: r, i: i, k: numeric ? num(t) : t, e: t === '' };
    });
    keyed.sort(function (a, b) {
      if (a.e || b.e || a.k === null || b.k === null) {
        var ae = a.e || a.k === null, be = b.e || b.k === null;
        if (ae !== be) return ae ? 1 : -1;
        return a.i - b.i;
      }
      var c = numeric ? (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) : collator.compare(a.k, b.k);
      return c ? c * dir : a.i - b.i;
    });
    var frag = doc.createDocumentFragment();
    keyed.forEach(function (x) { frag.appendChild(x.r); });
    body.appendChild(frag);
    each(th.parentNode.cells, function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
  }

  /* Filtering: the bar's search box matches any cell; each select matches one column exactly. */
  function applyFilter(bar) {
    var table = doc.getElementById(bar.getAttribute('data-for'));
    if (!table) return;
    var input = bar.querySelector('input[type=search]');
    var q = input ? input.value.trim().toLowerCase() : '';
    var sels = bar.querySelectorAll('select');
    var rows = bodyRows(table), shown = 0;
    rows.forEach(function (r) {
      var ok = !q || r.textContent.toLowerCase().indexOf(q) >= 0;
      each(sels, function (s) {
        if (ok && s.value) ok = text(r.cells[+s.getAttribute('data-col')]) === s.value;
      });
      r.hidden = !ok;
      if (ok) shown++;
    });
    var count = bar.querySelector('.count');
    if (count) count.textContent = shown + ' / ' + rows.length;
  }

  /* CSV for Excel: byte-order mark, CRLF, numbers without separators, formulas neutralised. */
  function csvField(s, numeric) {
    if (numeric && num(s) !== null) s = s.replace(/[,\s]/g, '');
    else if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function download(table, name) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    var numeric = Array.prototype.map.call(heads, function (h) { return h.getAttribute('data-t') === 'n'; });
    var lines = [Array.prototype.map.call(heads, function (h) { return csvField(text(h), false); }).join(',')];
    bodyRows(table).forEach(function (r) {
      if (r.hidden) return;
      lines.push(Array.prototype.map.call(r.cells, function (c, i) { return csvField(text(c), numeric[i]); }).join(','));
    });
    var blob = new Blob(['\ufeff' + lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' });
    var a = doc.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name || 'table.csv';
    doc.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  each(doc.querySelectorAll('table.data thead th[data-t]'), function (th) {
    th.tabIndex = 0;
    var table = th.closest('table');
    th.addEventListener('click', function () { sortBy(table, th); });
    th.addEventListener('keydown', function (e) { if (e.key === 'Enter') sortBy(table, th); });
  });
  each(doc.querySelectorAll('.filters'), function (bar) {
    var timer = 0;
    each(bar.querySelectorAll('input[type=search]'), function (i) {
      i.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(function () { applyFilter(bar); }, 120); });
    });
    each(bar.querySelectorAll('select'), function (s) { s.addEventListener('change', function () { applyFilter(bar); }); });
    each(bar.querySelectorAll('button[data-csv]'), function (b) {
      b.addEventListener('click', function () { download(doc.getElementById(bar.getAttribute('data-for')), b.getAttribute('data-csv')); });
    });
    applyFilter(bar);
  });
  doc.documentElement.setAttribute('data-ready', '1');
})();
