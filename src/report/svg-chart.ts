/**
 * A finding's series as an inline SVG chart: observed values as a line with a dot per window, the
 * normal band (low–high) shaded, the expected value dashed, the finding's window highlighted.
 * Only numbers and our own labels go into the markup, and every label is escaped anyway.
 */
import type { FindingSeries } from '../detect/finding.js';
import { html } from './escape.js';

const W = 720;
const H = 210;
const M = { left: 64, right: 14, top: 14, bottom: 34 };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const n1 = (x: number): string => (Math.round(x * 10) / 10).toString();

export function formatMetric(metric: string, v: number): string {
  if (metric === 'bytes_out') {
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let x = v;
    let u = 0;
    while (Math.abs(x) >= 1000 && u < units.length - 1) {
      x /= 1000;
      u++;
    }
    return `${u === 0 ? Math.round(x) : x.toFixed(x < 10 ? 1 : 0)} ${units[u]}`;
  }
  return Math.round(v).toLocaleString('en-US');
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  // multiples whose quarters are round numbers too (the grid has four steps)
  for (const m of [1, 1.2, 1.6, 2, 2.4, 3, 4, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** `03-10` at midnight UTC, `06:00` otherwise. */
function tickLabel(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % DAY === 0 ? iso.slice(5, 10) : iso.slice(11, 16);
}

const label = (ms: number, withDate: boolean): string => {
  const iso = new Date(ms).toISOString();
  return withDate ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
};

/** The chart, or an empty string when the series has no points. */
export function seriesChart(series: FindingSeries, window: { start: string; end: string }, title: string): string {
  const pts = series.points.map((p) => ({ ...p, ms: Date.parse(p.t) })).filter((p) => Number.isFinite(p.ms) && Number.isFinite(p.observed));
  if (pts.length === 0) return '';
  const step = series.step_ms > 0 ? series.step_ms : HOUR;
  const t0 = pts[0].ms;
  const t1 = pts[pts.length - 1].ms + step;
  const top = niceMax(Math.max(...pts.map((p) => Math.max(p.observed, p.high ?? 0))) * 1.05);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (ms: number): number => M.left + ((ms - t0) / (t1 - t0)) * pw;
  const y = (v: number): number => M.top + ph - (Math.max(0, v) / top) * ph;
  const mid = (ms: number): number => x(ms + step / 2);
  const metric = series.metric;
  const parts: string[] = [];

  // finding window
  const ws = Math.max(t0, Date.parse(window.start));
  const we = Math.min(t1, Date.parse(window.end));
  if (Number.isFinite(ws) && Number.isFinite(we) && we > ws) {
    parts.push(`<rect class="win" x="${n1(x(ws))}" y="${M.top}" width="${n1(x(we) - x(ws))}" height="${ph}"><title>finding window</title></rect>`);
  }
  // y grid and labels
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    const yy = n1(y(top * f));
    parts.push(`<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${yy}" y2="${yy}"/>`);
    parts.push(`<text class="ylab" x="${M.left - 6}" y="${yy}" dy="0.32em" text-anchor="end">${html(formatMetric(metric, top * f))}</text>`);
  }
  // x ticks: the smallest step that keeps labels apart; a day start is labelled with its date
  const span = t1 - t0;
  const every = [HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY].find((e) => span / e <= 9) ?? 7 * DAY;
  for (let t = Math.ceil(t0 / every) * every; t <= t1; t += every) {
    const xx = n1(x(t));
    parts.push(`<line class="tick" x1="${xx}" x2="${xx}" y1="${M.top + ph}" y2="${M.top + ph + 4}"/>`);
    parts.push(`<text class="xlab" x="${xx}" y="${H - M.bottom + 18}" text-anchor="middle">${html(tickLabel(t))}</text>`);
  }
  // normal band and expected value, over the windows where the detector had a baseline
  const banded = pts.filter((p) => p.low !== null && p.low !== undefined && p.high !== null && p.high !== undefined);
  if (banded.length > 0) {
    const upper = banded.map((p) => `${n1(mid(p.ms))},${n1(y(p.high!))}`);
    const lower = banded.map((p) => `${n1(mid(p.ms))},${n1(y(p.low!))}`).reverse();
    parts.push(`<path class="band" d="M${upper.join('L')}L${lower.join('L')}Z"><title>normal band</title></path>`);
    const expected = banded.filter((p) => p.expected !== null && p.expected !== undefined);
    if (expected.length > 1) parts.push(`<path class="expected" d="M${expected.map((p) => `${n1(mid(p.ms))},${n1(y(p.expected!))}`).join('L')}"/>`);
  }
  // observed
  parts.push(`<path class="observed" d="M${pts.map((p) => `${n1(mid(p.ms))},${n1(y(p.observed))}`).join('L')}"/>`);
  for (const p of pts) {
    const band = p.high !== null && p.high !== undefined ? `, normal ≤ ${formatMetric(metric, p.high)}` : '';
    // red: inside the finding's window and above its band (or no band to compare with)
    const inWindow = p.ms >= ws && p.ms < we && (p.high === null || p.high === undefined || p.observed > p.high);
    parts.push(
      `<circle class="pt${inWindow ? ' hot' : ''}" cx="${n1(mid(p.ms))}" cy="${n1(y(p.observed))}" r="${inWindow ? 3.5 : 2.5}"><title>${html(`${label(p.ms, true)} UTC: ${formatMetric(metric, p.observed)} ${metric.replace('_', ' ')}${band}`)}</title></circle>`,
    );
  }
  parts.push(`<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${M.top + ph}" y2="${M.top + ph}"/>`);
  return `<figure class="chart"><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${html(title)}">${parts.join('')}</svg><figcaption><span class="key k-obs"></span>observed ${html(metric.replace('_', ' '))} per ${html(step >= HOUR ? `${n1(step / HOUR)} h` : `${n1(step / 60_000)} min`)}${banded.length ? '<span class="key k-band"></span>normal band<span class="key k-exp"></span>expected' : ''}<span class="key k-win"></span>finding window</figcaption></figure>`;
}
