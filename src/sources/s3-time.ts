/**
 * Time options: durations (`30s`, `15m`, `24h`, `7d`, `2w`) for `--every` and `--lookback`, and
 * `--since/--until` as a duration before now or an ISO 8601 date/time (UTC unless an offset is given).
 */
import { isValid, parseISO, sub } from 'date-fns';
import { ConfigError } from '../errors.js';

const UNITS = { s: 'seconds', m: 'minutes', h: 'hours', d: 'days', w: 'weeks' } as const;
const DURATION = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/;
const MS: Record<keyof typeof UNITS, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86_400e3, w: 7 * 86_400e3 };

export function parseDuration(text: string, option: string): number {
  const m = DURATION.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw new ConfigError(`${option} must be a duration like 30s, 15m, 24h or 7d, got ${JSON.stringify(text)}`);
  return Number(m[1]) * MS[m[2] as keyof typeof UNITS];
}

/** `7d` → now minus seven days (calendar arithmetic, date-fns); an ISO date or date-time → that instant. */
export function parseInstant(text: string, option: string, now: Date = new Date()): number {
  const trimmed = text.trim();
  const d = DURATION.exec(trimmed);
  if (d) return sub(now, { [UNITS[d[2] as keyof typeof UNITS]]: Number(d[1]) }).getTime();
  // Dates without an offset are UTC, like every time in the logs.
  const iso = /^\d{4}-\d{2}-\d{2}(T[\d:.]+)?$/.test(trimmed) ? `${trimmed}${trimmed.includes('T') ? 'Z' : 'T00:00:00Z'}` : trimmed;
  const parsed = parseISO(iso);
  if (!isValid(parsed)) throw new ConfigError(`${option} must be a duration before now (7d, 12h) or an ISO date (2026-03-01, 2026-03-01T12:00Z), got ${JSON.stringify(text)}`);
  return parsed.getTime();
}

export interface TimeWindow {
  /** Inclusive lower bound (epoch ms). */
  since?: number;
  /** Exclusive upper bound (epoch ms). */
  until?: number;
}

export function parseWindow(since: string | undefined, until: string | undefined, now: Date = new Date()): TimeWindow {
  const w: TimeWindow = {
    since: since === undefined ? undefined : parseInstant(since, '--since', now),
    until: until === undefined ? undefined : parseInstant(until, '--until', now),
  };
  if (w.since !== undefined && w.until !== undefined && w.since >= w.until) throw new ConfigError('--since must be before --until');
  return w;
}

/** Whether the span [t, t + spanMs) (a point when 0) overlaps the window; unknown times are kept. */
export function inWindow(w: TimeWindow, t: number | undefined, spanMs = 0): boolean {
  if (t === undefined) return true;
  if (w.since !== undefined && t + Math.max(spanMs, 1) <= w.since) return false;
  if (w.until !== undefined && t >= w.until) return false;
  return true;
}
