/**
 * The HTML report of an analyze run (`analyze … --report report.html`): run summary, findings by
 * severity with their summary sentence, subject, observed vs baseline numbers, a chart of the series
 * behind volume and transport findings, attributions and evidence samples (log object and
 * line/record), then one table of every finding that sorts and filters in the browser.
 */
import { writeFile } from 'node:fs/promises';
import { SEVERITIES, compareFindings, type EvidenceSample, type Finding, type Severity } from '../detect/finding.js';
import type { RunSummary } from '../ingest/summary.js';
import { anchorId, html } from './escape.js';
import { interactiveTable, page, type TableData } from './page.js';
import { seriesChart } from './svg-chart.js';

export interface ReportInput {
  findings: readonly Finding[];
  /** The run summary (or its JSON form). */
  summary?: RunSummary | Record<string, unknown>;
  /** SOURCE arguments, shown as given. */
  sources?: readonly string[];
  /** More run facts for the summary (duplicates, replayed objects …): name → value. */
  facts?: Record<string, unknown>;
  generatedAt?: Date;
  title?: string;
}

const BY_SEVERITY: readonly Severity[] = [...SEVERITIES].reverse();
const OPEN: ReadonlySet<Severity> = new Set(['critical', 'high', 'medium']);
const MAX_SAMPLES = 5;

const fmtNumber = (v: unknown): string => (typeof v === 'number' ? v.toLocaleString('en-US') : String(v));
/** `2026-03-10 14:03:27Z` (seconds and fractions only when not zero). */
const shortTime = (iso: string | null | undefined): string => (iso ? iso.replace('T', ' ').replace(/(:00)?\.000Z$/, 'Z') : '');

function summaryJson(s: ReportInput['summary']): Record<string, unknown> {
  if (!s) return {};
  const maybe = s as { toJSON?: () => Record<string, unknown> };
  return typeof maybe.toJSON === 'function' ? maybe.toJSON() : (s as Record<string, unknown>);
}

function stat(label: string, value: unknown): string {
  return `<div class="stat"><b>${html(fmtNumber(value))}</b><span>${html(label)}</span></div>`;
}

function pairs(obj: unknown): string {
  if (!obj || typeof obj !== 'object') return '';
  return Object.entries(obj as Record<string, unknown>)
    .map(([k, v]) => `${k} ${fmtNumber(v)}`)
    .join(', ');
}

function runSummary(input: ReportInput, findings: readonly Finding[]): string {
  const s = summaryJson(input.summary);
  const stats: string[] = [stat('findings', findings.length)];
  if (s.objects !== undefined) stats.push(stat('log objects', s.objects));
  if (s.records !== undefined) stats.push(stat('records', s.records));
  if (s.issues !== undefined) stats.push(stat('parse issues', s.issues));
  if (typeof s.duration_ms === 'number') stats.push(stat('seconds', Math.round(s.duration_ms / 100) / 10));
  if (s.records_per_second !== undefined) stats.push(stat('records / s', s.records_per_second));
  const details: [string, string][] = [];
  if (input.sources?.length) details.push(['sources', input.sources.join(', ')]);
  const byKind = pairs(s.records_by_kind);
  if (byKind) details.push(['records by kind', byKind]);
  const issues = pairs(s.issues_by_reason);
  if (issues) details.push(['parse issues by reason', issues]);
  for (const [k, v] of Object.entries(input.facts ?? {})) {
    if (v === undefined || v === null) continue;
    details.push([k.replaceAll('_', ' '), typeof v === 'object' ? JSON.stringify(v) : fmtNumber(v)]);
  }
  const chips = BY_SEVERITY.map((sev) => [sev, findings.filter((f) => f.severity === sev).length] as const)
    .filter(([, n]) => n > 0)
    .map(([sev, n]) => `<a class="chip sev-${sev}" href="#sev-${sev}">${html(`${n} ${sev}`)}</a>`)
    .join('');
  return `<section><h2>Run summary</h2><div class="stats">${stats.join('')}</div>
${chips ? `<div class="chips">${chips}</div>` : ''}
${details.length ? `<dl class="kv">${details.map(([k, v]) => `<dt>${html(k)}</dt><dd>${html(v)}</dd>`).join('')}</dl>` : ''}</section>`;
}

function kv(entries: [string, unknown][]): string {
  const shown = entries.filter(([, v]) => v !== undefined && v !== null && v !== '');
  if (!shown.length) return '';
  return `<dl class="kv">${shown.map(([k, v]) => `<dt>${html(k)}</dt><dd>${html(fmtNumber(v))}</dd>`).join('')}</dl>`;
}

function numbers(title: string, rec: Record<string, unknown> | null | undefined): string {
  if (!rec) return '';
  const body = kv(Object.entries(rec));
  return body ? `<div><h3>${html(title)}</h3>${body}</div>` : '';
}

function origin(s: EvidenceSample): string {
  if (!s.origin_uri) return '';
  if (s.origin_index === null || s.origin_index === undefined) return s.origin_uri;
  return `${s.origin_uri} ${s.log_kind === 's3access' ? 'line' : 'record'} ${s.origin_index}`;
}

function evidence(f: Finding): string {
  const samples = (f.evidence?.samples ?? []).slice(0, MAX_SAMPLES);
  if (!samples.length) return '';
  const cols: [string, (s: EvidenceSample) => unknown][] = [
    ['time', (s) => shortTime(s.time)],
    ['origin (file and line/record)', origin],
    ['principal', (s) => s.principal],
    ['action', (s) => s.action],
    ['bucket / key', (s) => [s.bucket, s.object_key].filter(Boolean).join(' / ')],
    ['source IP', (s) => s.source_ip],
    ['user agent', (s) => s.user_agent],
    ['result', (s) => [s.error_code, s.http_status].filter((x) => x !== null && x !== undefined).join(' ')],
    ['TLS', (s) => s.tls_version],
  ];
  const used = cols.filter(([, get]) => samples.some((s) => { const v = get(s); return v !== null && v !== undefined && v !== ''; }));
  const nowrap = new Set(['time', 'action', 'source IP', 'result', 'TLS']);
  const head = used.map(([name]) => `<th>${html(name)}</th>`).join('');
  const rows = samples
    .map((s) => `<tr>${used.map(([name, get]) => `<td${nowrap.has(name) ? ' class="nowrap"' : ''}>${html(get(s) ?? '')}</td>`).join('')}</tr>`)
    .join('');
  return `<div class="evidence"><h3>Evidence (${html(fmtNumber(f.evidence.count))} events; ${samples.length} sample${samples.length === 1 ? '' : 's'})</h3><table class="small"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

function attributions(f: Finding): string {
  const entries = Object.entries(f.attributions ?? {}).filter(([, list]) => list.length);
  if (!entries.length) return '';
  return `<div><h3>Top contributors</h3><dl class="kv">${entries
    .map(([k, list]) => `<dt>${html(k.replaceAll('_', ' '))}</dt><dd>${html(list.map((a) => `${a.value} (${fmtNumber(a.count)})`).join(', '))}</dd>`)
    .join('')}</dl></div>`;
}

function subjectText(f: Finding): string {
  return Object.entries(f.subject)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${v}`)
    .join(' · ');
}

function findingCard(f: Finding): string {
  const window = f.window.start === f.window.end ? shortTime(f.window.start) : `${shortTime(f.window.start)} … ${shortTime(f.window.end)}`;
  const chart = f.series ? seriesChart(f.series, f.window, `${f.title}: ${f.series.metric} per window`) : '';
  const attack = f.attack?.map((a) => `${a.technique_id}${a.technique_name ? ` ${a.technique_name}` : ''}`).join(', ');
  return `<details class="finding b-${html(f.severity)}" id="${html(anchorId('f', f.id))}"${OPEN.has(f.severity) ? ' open' : ''}>
<summary><span class="chip sev-${html(f.severity)}">${html(f.severity)}</span><span class="ftitle">${html(f.title)}</span><span class="fmeta">${html(`${f.detector}/${f.kind} · ${window}`)}</span>
<div class="fsummary">${html(f.summary)}</div></summary>
${kv([['subject', subjectText(f)], ['window', window], ['first / last seen', `${shortTime(f.first_seen)} / ${shortTime(f.last_seen)}`], ['score', f.score], ['MITRE ATT&CK', attack], ['finding id', f.id]])}
${chart}
<div class="cols">${numbers('Observed', f.observed)}${numbers('Baseline', f.baseline)}${attributions(f)}</div>
${evidence(f)}
</details>`;
}

function findingsTable(findings: readonly Finding[]): string {
  const data: TableData = {
    columns: [
      { name: 'severity', kind: 'severity' },
      { name: 'detector', kind: 'text' },
      { name: 'kind', kind: 'text' },
      { name: 'principal', kind: 'text' },
      { name: 'bucket', kind: 'text' },
      { name: 'source IP', kind: 'text' },
      { name: 'window start', kind: 'time' },
      { name: 'score', kind: 'number' },
      { name: 'events', kind: 'number' },
      { name: 'summary', kind: 'text' },
    ],
    rows: findings.map((f) => [
      f.severity,
      f.detector,
      f.kind,
      f.subject.principal ?? null,
      f.subject.bucket ?? null,
      f.subject.source_ip ?? null,
      shortTime(f.window.start),
      f.score,
      f.evidence?.count ?? null,
      f.summary,
    ]),
    anchors: findings.map((f) => anchorId('f', f.id)),
  };
  return interactiveTable('findings-data', data, { placeholder: 'filter findings: principal, bucket, detector, words of the summary…', selectColumn: 0, selectLabel: 'all severities' });
}

export function renderReport(input: ReportInput): string {
  const findings = [...input.findings].sort(compareFindings);
  const generated = (input.generatedAt ?? new Date()).toISOString();
  const sections = BY_SEVERITY.map((sev) => {
    const list = findings.filter((f) => f.severity === sev);
    if (!list.length) return '';
    return `<section id="sev-${sev}"><h2>${html(`${sev[0].toUpperCase()}${sev.slice(1)} (${list.length})`)}</h2>\n${list.map(findingCard).join('\n')}</section>`;
  }).join('\n');
  const body = `${runSummary(input, findings)}
<section><h2>Findings by severity</h2>${findings.length ? '' : '<p>No findings.</p>'}</section>
${sections}
<section><h2>All findings</h2>${findingsTable(findings)}</section>`;
  return page(input.title ?? 'trailhound report', `${findings.length} finding(s) · generated ${generated}`, body);
}

/** Writes the self-contained report of an analyze run. */
export async function writeReport(path: string, input: ReportInput): Promise<void> {
  await writeFile(path, renderReport(input));
}
