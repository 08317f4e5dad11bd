/**
 * The shell of a self-contained report page: a strict Content-Security-Policy (nothing may be
 * fetched; the one script runs because its SHA-256 is in the policy, so an injected script or event
 * handler would not run even if escaping failed), inline CSS, and the script that makes tables
 * sortable and filterable from their JSON data without a server.
 */
import { createHash } from 'node:crypto';
import { html, scriptJson } from './escape.js';

export type ColumnKind = 'text' | 'number' | 'time' | 'severity';

export interface TableData {
  columns: { name: string; kind: ColumnKind }[];
  /** Cells as text or numbers (null for none), in column order. */
  rows: (string | number | null)[][];
  /** Per row, an in-page anchor (our own ids) the first cell links to. */
  anchors?: (string | null)[];
}

/**
 * Runs in the page. Builds table bodies with textContent only (log data is never parsed as HTML);
 * sorts on a header click (again to reverse), filters on the text box (every word must appear in
 * the row, case-insensitive) and on the optional select (an exact value of one column).
 */
const TABLE_SCRIPT = `(function () {
  'use strict';
  var SEV = { critical: 5, high: 4, medium: 3, low: 2, info: 1 };
  var ANCHOR = /^[A-Za-z0-9_-]+$/;
  function key(v, kind) {
    if (v === null || v === undefined || v === '') return null;
    if (kind === 'number') return Number(v);
    if (kind === 'severity') return SEV[v] || 0;
    return String(v);
  }
  function cmp(a, b) {
    if (a === b) return 0;
    if (a === null) return 1;
    if (b === null) return -1;
    return a < b ? -1 : 1;
  }
  Array.prototype.forEach.call(document.querySelectorAll('[data-table]'), function (box) {
    var source = document.getElementById(box.getAttribute('data-table'));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var cols = data.columns;
    var order = data.rows.map(function (_, i) { return i; });
    var haystack = data.rows.map(function (r) { return r.map(function (c) { return c === null ? '' : String(c); }).join('\\u0001').toLowerCase(); });
    var sortCol = -1, sortDir = 1;
    var table = document.createElement('table');
    table.className = 'data';
    var thead = table.createTHead();
    var hr = thead.insertRow();
    var tbody = table.createTBody();
    var filter = box.querySelector('input[data-filter]');
    var select = box.querySelector('select[data-column]');
    var count = box.querySelector('[data-count]');
    cols.forEach(function (c, i) {
      var th = document.createElement('th');
      th.textContent = c.name;
      th.setAttribute('scope', 'col');
      th.setAttribute('tabindex', '0');
      th.setAttribute('aria-sort', 'none');
      if (c.kind === 'number') th.className = 'num';
      function sort() {
        sortDir = sortCol === i ? -sortDir : (c.kind === 'number' || c.kind === 'severity' ? -1 : 1);
        sortCol = i;
        Array.prototype.forEach.call(hr.cells, function (h, j) { h.setAttribute('aria-sort', j === i ? (sortDir > 0 ? 'ascending' : 'descending') : 'none'); });
        order.sort(function (a, b) { return sortDir * cmp(key(data.rows[a][i], c.kind), key(data.rows[b][i], c.kind)) || a - b; });
        render();
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
      hr.appendChild(th);
    });
    if (select) {
      var col = Number(select.getAttribute('data-column'));
      var seen = {};
      data.rows.forEach(function (r) { if (r[col] !== null) seen[r[col]] = true; });
      Object.keys(seen).sort(function (a, b) { return (SEV[b] || 0) - (SEV[a] || 0) || (a < b ? -1 : 1); }).forEach(function (v) {
        var o = document.createElement('option');
        o.value = v;
        o.textContent = v;
        select.appendChild(o);
      });
    }
    function render() {
      var words = filter ? filter.value.toLowerCase().split(/\\s+/).filter(Boolean) : [];
      var only = select ? select.value : '';
      var col = select ? Number(select.getAttribute('data-column')) : -1;
      var frag = document.createDocumentFragment();
      var shown = 0;
      order.forEach(function (i) {
        var row = data.rows[i];
        if (only && String(row[col]) !== only) return;
        for (var w = 0; w < words.length; w++) if (haystack[i].indexOf(words[w]) < 0) return;
        var tr = document.createElement('tr');
        row.forEach(function (v, j) {
          var td = document.createElement('td');
          var text = v === null ? '' : String(v);
          var anchor = j === 0 && data.anchors ? data.anchors[i] : null;
          var content = td;
          if (anchor && ANCHOR.test(anchor)) {
            content = document.createElement('a');
            content.href = '#' + anchor;
            td.appendChild(content);
          }
          if (cols[j].kind === 'severity') {
            var chip = document.createElement('span');
            chip.className = 'chip sev-' + text.replace(/[^a-z]/g, '');
            chip.textContent = text;
            content.appendChild(chip);
          } else content.textContent = text;
          if (cols[j].kind === 'number') td.className = 'num';
          if (cols[j].kind === 'time') td.className = 'time';
          tr.appendChild(td);
        });
        frag.appendChild(tr);
        shown++;
      });
      tbody.textContent = '';
      tbody.appendChild(frag);
      if (count) count.textContent = shown + ' of ' + data.rows.length + ' rows';
    }
    if (filter) filter.addEventListener('input', render);
    if (select) select.addEventListener('change', render);
    box.appendChild(table);
    render();
  });
})();`;

const SCRIPT_HASH = createHash('sha256').update(TABLE_SCRIPT).digest('base64');

/** The policy in the page's meta tag. */
export const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'`;

const CSS = `
:root { --fg: #1d2430; --muted: #5b6575; --line: #d9dee7; --bg: #f6f7f9; --card: #fff;
  --critical: #8b0a1e; --high: #c62828; --medium: #d97706; --low: #2563eb; --info: #6b7280; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header.top { background: #17202e; color: #fff; padding: 18px 32px; }
header.top h1 { margin: 0; font-size: 22px; font-weight: 600; }
header.top p { margin: 4px 0 0; color: #c4ccd8; }
main { max-width: 1180px; margin: 0 auto; padding: 20px 32px 48px; }
h2 { font-size: 18px; margin: 28px 0 10px; }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; }
.stat { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.stat b { display: block; font-size: 20px; font-variant-numeric: tabular-nums; }
.stat span { color: var(--muted); font-size: 12px; }
.chips { margin: 10px 0 0; }
.chip { display: inline-block; border-radius: 999px; padding: 2px 10px; margin: 0 6px 6px 0; color: #fff; font-size: 12px; font-weight: 600; }
.sev-critical { background: var(--critical); } .sev-high { background: var(--high); } .sev-medium { background: var(--medium); }
.sev-low { background: var(--low); } .sev-info { background: var(--info); }
details.finding { background: var(--card); border: 1px solid var(--line); border-left: 5px solid var(--info); border-radius: 8px; margin: 0 0 12px; padding: 10px 16px; }
details.finding.b-critical { border-left-color: var(--critical); } details.finding.b-high { border-left-color: var(--high); }
details.finding.b-medium { border-left-color: var(--medium); } details.finding.b-low { border-left-color: var(--low); }
details.finding > summary { cursor: pointer; list-style: none; }
details.finding > summary::-webkit-details-marker { display: none; }
.ftitle { font-weight: 600; font-size: 15px; }
.fmeta { color: var(--muted); font-size: 12px; margin-left: 6px; }
.fsummary { margin: 6px 0 2px; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0; font-size: 13px; }
dl.kv dt { color: var(--muted); } dl.kv dd { margin: 0; overflow-wrap: anywhere; }
.cols { display: flex; flex-wrap: wrap; gap: 10px 36px; }
table.small, table.data { border-collapse: collapse; font-size: 12px; width: 100%; }
table.small th, table.small td, table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
table.small th, table.data th { color: var(--muted); font-weight: 600; background: #fafbfc; }
table.data th { cursor: pointer; user-select: none; white-space: nowrap; position: sticky; top: 0; }
table.data th[aria-sort="ascending"]::after { content: " ▲"; } table.data th[aria-sort="descending"]::after { content: " ▼"; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.time, td.nowrap { white-space: nowrap; }
table.data td .chip { margin: 0; }
.evidence { margin-top: 8px; }
h3 { font-size: 13px; margin: 12px 0 4px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
.tablebox { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px; max-height: 720px; overflow: auto; }
.controls { display: flex; gap: 10px; align-items: center; margin-bottom: 8px; }
.controls input { flex: 1; max-width: 420px; padding: 6px 10px; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
.controls select { padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
[data-count] { color: var(--muted); font-size: 12px; }
figure.chart { margin: 10px 0 4px; }
figure.chart svg { max-width: 100%; height: auto; background: #fcfcfd; border: 1px solid var(--line); border-radius: 6px; }
figcaption { font-size: 12px; color: var(--muted); }
.key { display: inline-block; width: 14px; height: 8px; margin: 0 5px 0 12px; border-radius: 2px; vertical-align: middle; }
.key:first-child { margin-left: 0; }
.k-obs { background: #1d4ed8; } .k-band { background: #bbf7d0; } .k-exp { background: #15803d; } .k-win { background: #fde68a; }
svg .grid { stroke: #eceff3; } svg .axis { stroke: #9aa3b2; } svg .tick { stroke: #9aa3b2; }
svg text { font: 11px system-ui, sans-serif; fill: #5b6575; }
svg .band { fill: #bbf7d0; opacity: 0.75; } svg .expected { fill: none; stroke: #15803d; stroke-dasharray: 4 3; stroke-width: 1.2; }
svg .observed { fill: none; stroke: #1d4ed8; stroke-width: 1.6; } svg .pt { fill: #1d4ed8; } svg .pt.hot { fill: #c62828; }
svg .win { fill: #fde68a; opacity: 0.6; }
pre.sql { background: #17202e; color: #e6edf6; padding: 12px 14px; border-radius: 8px; overflow: auto; font-size: 12px; }
.muted { color: var(--muted); }
footer { color: var(--muted); font-size: 12px; margin-top: 36px; }
`;

/** A complete page: the body is already-escaped markup made by the report modules. */
export function page(title: string, subtitle: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${html(CSP)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${html(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="top"><h1>${html(title)}</h1><p>${html(subtitle)}</p></header>
<main>
${body}
<footer>Generated by trailhound. This file is self-contained: it loads nothing from the network, and every value taken from the logs is shown as text.</footer>
</main>
<script>${TABLE_SCRIPT}</script>
</body>
</html>
`;
}

/** A sortable, filterable table: the data block, the controls, and the box the script fills. */
export function interactiveTable(id: string, data: TableData, opts: { placeholder?: string; selectColumn?: number; selectLabel?: string } = {}): string {
  const select =
    opts.selectColumn !== undefined
      ? `<select data-column="${opts.selectColumn}" aria-label="${html(opts.selectLabel ?? 'only')}"><option value="">${html(opts.selectLabel ?? 'all')}</option></select>`
      : '';
  return `<script type="application/json" id="${html(id)}">${scriptJson(data)}</script>
<div class="tablebox" data-table="${html(id)}"><div class="controls"><input type="search" data-filter placeholder="${html(opts.placeholder ?? 'filter rows')}" aria-label="filter rows">${select}<span data-count></span></div>
<noscript><p class="muted">The table needs JavaScript; everything in it is also listed above.</p></noscript></div>`;
}
