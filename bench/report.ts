/**
 * Formats the bench results: one table row per measurement (best of its runs, peak RSS the
 * highest of its runs) and the ratios the targets of issues 2 and 3 are stated in.
 */
import type { MeasureResult } from './common.js';

export interface Measurement {
  /** a … f as in the brief; f is split into f-parse and f-analyze. */
  id: string;
  label: string;
  kind: 'baseline' | 'reference' | 'duckdb' | 'trailhound';
  /** Threads (DuckDB) or workers (trailhound). */
  threads: number;
  script: string;
  args: string[];
}

export interface Measured {
  m: Measurement;
  runs: MeasureResult[];
  /** Runs planned. */
  rounds: number;
  /** Why later rounds were not run (the first run was too slow for the time budget). */
  repeatSkipped?: string;
  /** Child processes that failed (the code under test can be mid-edit in a shared checkout). */
  errors: string[];
}

/** Peak RSS target, in MB (10^6 bytes) like every figure here. */
const RSS_TARGET_MB = 256;
const CT_VS_DUCKDB_TARGET = 1.3;
const SAL_PER_CORE_TARGET = 250;
const ANALYZE_OVERHEAD_TARGET = 0.2;

const mbps = (r: MeasureResult): number => r.bytes / 1e6 / r.seconds;
const mb = (kib: number): number => (kib * 1024) / 1e6;

/** A run that read everything it was given: no parse issues, the expected number of records. */
function valid(r: MeasureResult): boolean {
  return !r.skipped && !(typeof r.notes?.issues === 'number' && r.notes.issues > 0) && r.notes?.expected === undefined;
}

/** The fastest valid run (the fastest run at all when none is valid: the notes say so). */
function best(x: Measured | undefined): MeasureResult | undefined {
  const ran = x?.runs.filter((r) => !r.skipped) ?? [];
  const ok = ran.filter(valid);
  const pool = ok.length > 0 ? ok : ran;
  return pool.length === 0 ? undefined : pool.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

/** Best valid run only: ratios are never computed from a run that skipped data. */
function bestValid(x: Measured | undefined): MeasureResult | undefined {
  const b = best(x);
  return b && valid(b) ? b : undefined;
}

function peakRss(x: Measured): number | undefined {
  const ok = x.runs.filter((r) => !r.skipped);
  return ok.length === 0 ? undefined : Math.max(...ok.map((r) => r.maxRssKiB));
}

/** Seconds of worker-pool start-up measured by the child (trailhound with workers > 1). */
function poolStart(r: MeasureResult): number | undefined {
  const v = r.notes?.poolStartS;
  return typeof v === 'number' ? v : undefined;
}

/** MB/s with the pool start-up taken out, when the probe is plausible (well under the run itself). */
function withoutPoolStart(r: MeasureResult): number | undefined {
  const ps = poolStart(r);
  return ps === undefined || ps > 0.8 * r.seconds ? undefined : r.bytes / 1e6 / (r.seconds - ps);
}

function notesOf(x: Measured): string {
  if (x.runs.length === 0 && x.errors.length > 0) return `FAILED: ${x.errors[0]}`;
  const skipped = x.runs.find((r) => r.skipped);
  if (skipped && x.runs.every((r) => r.skipped)) return `skipped: ${skipped.skipped}`;
  const b = best(x)!;
  const n = b.notes ?? {};
  const out: string[] = [];
  if (!valid(b)) out.push('NO VALID RUN');
  if (x.errors.length > 0) out.push(`${x.errors.length} run(s) FAILED: ${x.errors[0].slice(0, 160)}`);
  for (const r of x.runs.filter((r) => !r.skipped && !valid(r))) {
    const rn = r.notes ?? {};
    out.push(`a run had ${rn.issues ?? 0} parse issues (${rn.issueReasons ?? 'none'}), ${r.records} of ${rn.expected ?? r.records} records`);
  }
  if (x.runs.length < x.rounds) out.push(`${x.runs.length} run only${x.repeatSkipped ? ` (${x.repeatSkipped})` : ''}`);
  const ps = poolStart(b);
  if (ps !== undefined && x.m.threads > 1) {
    const w = withoutPoolStart(b);
    out.push(`pool start ${ps.toFixed(2)} s; ${w === undefined ? 'too noisy to subtract' : `${w.toFixed(0)} MB/s without it`}`);
  }
  if (n.baseline !== undefined) out.push(`${n.baseline} (${b.seconds.toFixed(2)} s to load)`);
  if (typeof n.missing === 'number') out.push(`${n.rows} rows of ${n.lines} lines (${n.missing} lost; ${n.hostileLines} hostile); sum(bytes_sent) ${((Number(n.bytesSentSum) / Number(n.expectedBytesSent) - 1) * 100).toFixed(1)} % off`);
  if (typeof n.columns === 'number') out.push(`${n.columns} columns`);
  if (n.findings !== undefined) out.push(`${n.findings} findings, ${n.duplicates} duplicates dropped`);
  if (n.timeSplit !== undefined) out.push(`time: ${n.timeSplit}`);
  if (x.m.kind === 'trailhound') {
    const rss = peakRss(x)!;
    out.push(`RSS ${mb(rss) <= RSS_TARGET_MB ? 'ok' : 'OVER'} (≤ ${RSS_TARGET_MB})`);
  }
  return out.join('; ');
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

function table(rows: string[][], rightAligned: boolean[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i], rightAligned[i]))).join('  ')).join('\n');
}

function verdict(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}

export function formatReport(header: string, results: Measured[], cores: number): string {
  const rows: string[][] = [['id', 'measurement', 'thr', 'MB', 'records', 'MB/s per run', 'best MB/s', 'rec/s', 'peak RSS MB', 'notes']];
  for (const x of results) {
    const b = best(x);
    const runs = x.runs
      .filter((r) => !r.skipped)
      .map((r) => mbps(r).toFixed(1) + (valid(r) ? '' : '!'))
      .join(' / ');
    rows.push([
      x.m.id,
      x.m.label,
      String(x.m.threads),
      b && b.bytes > 0 ? (b.bytes / 1e6).toFixed(1) : '-',
      b && b.bytes > 0 ? String(b.records) : '-',
      (b && b.bytes > 0 && runs) || '-',
      b && b.bytes > 0 ? mbps(b).toFixed(1) : '-',
      b && b.bytes > 0 ? Math.round(b.records / b.seconds).toLocaleString('en-US') : '-',
      peakRss(x) !== undefined ? mb(peakRss(x)!).toFixed(0) : '-',
      notesOf(x),
    ]);
  }
  const find = (id: string, threads: number): MeasureResult | undefined => bestValid(results.find((x) => x.m.id === id && x.m.threads === threads));
  const ratioRows: string[][] = [['ratio', 'value', 'target', '']];
  const ratio = (a: MeasureResult | undefined, b: MeasureResult | undefined): number | undefined => (a && b ? mbps(a) / mbps(b) : undefined);
  const fmtX = (v: number | undefined): string => (v === undefined ? 'n/a' : `${v.toFixed(2)}×`);

  const ref = find('a', 1);
  ratioRows.push(['trailhound CT 1 worker / gunzip+JSON.parse', fmtX(ratio(find('c', 1), ref)), '(notes: ~1.6–1.9×)', '']);
  for (const t of [1, 2]) {
    const c = find('c', t);
    const d = find('b', t);
    const v = ratio(c, d);
    let extra = '';
    const w = c && t > 1 ? withoutPoolStart(c) : undefined;
    if (d && w !== undefined) extra = `without pool start: ${(w / mbps(d)).toFixed(2)}×`;
    ratioRows.push([`trailhound CT vs DuckDB read_json, ${t} thread${t > 1 ? 's' : ''}`, fmtX(v), `≥ ${CT_VS_DUCKDB_TARGET}×`, v === undefined ? '' : [verdict(v >= CT_VS_DUCKDB_TARGET), extra].filter(Boolean).join('; ')]);
  }
  for (const w of [...new Set([1, cores])]) {
    const e = find('e', w);
    const per = e ? mbps(e) / w : undefined;
    let extra = '';
    const wo = e && w > 1 ? withoutPoolStart(e) : undefined;
    if (wo !== undefined) extra = `without pool start: ${(wo / w).toFixed(0)}`;
    ratioRows.push([`trailhound SAL MB/s per core, ${w} worker${w > 1 ? 's' : ''}`, per === undefined ? 'n/a' : per.toFixed(0), `≥ ${SAL_PER_CORE_TARGET}`, per === undefined ? '' : [verdict(per >= SAL_PER_CORE_TARGET), extra].filter(Boolean).join('; ')]);
  }
  for (const t of [1, 2]) ratioRows.push([`trailhound SAL vs DuckDB read_csv, ${t} thread${t > 1 ? 's' : ''}`, fmtX(ratio(find('e', t), find('d', t))), '(info)', '']);
  const th = results.filter((x) => x.m.kind === 'trailhound' && peakRss(x) !== undefined);
  if (th.length > 0) {
    const worst = th.reduce((a, b) => (peakRss(b)! > peakRss(a)! ? b : a));
    const v = mb(peakRss(worst)!);
    ratioRows.push(['peak RSS, trailhound (worst measurement)', `${v.toFixed(0)} MB`, `≤ ${RSS_TARGET_MB} MB`, `${verdict(v <= RSS_TARGET_MB)} (${worst.m.id} ×${worst.m.threads})`]);
  }
  const fp = find('f-parse', 1);
  const fa = find('f-analyze', 1);
  const fx = results.find((x) => x.m.id === 'f-analyze');
  if (fp && fa) {
    const overhead = fa.seconds / fp.seconds - 1;
    ratioRows.push(['analyze overhead vs parse only (1 worker)', `${overhead >= 0 ? '+' : ''}${(overhead * 100).toFixed(0)} %`, `≤ ${ANALYZE_OVERHEAD_TARGET * 100} %`, `${verdict(overhead <= ANALYZE_OVERHEAD_TARGET)} (${fp.seconds.toFixed(2)} s → ${fa.seconds.toFixed(2)} s)`]);
  } else if (fx) {
    ratioRows.push(['analyze overhead vs parse only (1 worker)', 'n/a', `≤ ${ANALYZE_OVERHEAD_TARGET * 100} %`, notesOf(fx)]);
  }
  return [
    header,
    '',
    table(rows, [false, false, true, true, true, true, true, true, true, false]),
    '',
    'MB = 10^6 bytes (uncompressed input; RSS too). Each measurement is its own child process; "best" is the fastest run',
    '(rounds are interleaved), peak RSS is process.resourceUsage().maxRSS of the child, the highest of the runs.',
    'DuckDB timings exclude instance creation; trailhound timings include the worker pool start-up.',
    'A run marked ! did not read all its data (parse issues or missing records): it is never "best" while a valid run exists.',
    '',
    table(ratioRows, [false, true, false, false]),
  ].join('\n');
}
