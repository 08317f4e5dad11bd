/**
 * Robust, seasonality-aware baselines over a key's past windows (median / MAD).
 *
 * History for window `w` is the windows [start, w) with start = max(first window of the key,
 * w − horizon); windows without data count as zero. Profiles:
 * - `flat` (less than a day of history): every past window is a sample;
 * - `daily` (a day or more): one sample per past day, the largest of the same time of day and its
 *   two neighbouring windows (a job that starts a few minutes late still lines up);
 * - `weekly` (two weeks or more): the same per past week at the same time of week; the band used
 *   is the wider of the daily and weekly ones, so a Sunday-only job is normal on Sundays.
 */
export type Profile = 'flat' | 'daily' | 'weekly';

export interface RobustBaseline {
  median: number;
  mad: number;
  /** Spread used for z-scores: max(1.4826 × MAD, the caller's noise floor). */
  sigma: number;
  /** Upper edge of the normal band: median + bandSigmas × sigma. */
  upper: number;
  /** Samples the statistics were computed from. */
  samples: number;
  /** Past windows of history considered (the span the key existed, capped at the horizon). */
  windows: number;
  profile: Profile;
}

export interface BaselineOptions {
  /** Windows of history (e.g. 14 days of hours = 336). */
  horizon: number;
  /** Windows per day; 0 when the window does not divide a day (flat profile only). */
  windowsPerDay: number;
  bandSigmas: number;
  /** Smallest spread for a given median (Poisson-like noise for counts). */
  sigmaFloor(median: number): number;
}

export function median(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function robustStats(xs: number[], bandSigmas: number, sigmaFloor: (m: number) => number): Pick<RobustBaseline, 'median' | 'mad' | 'sigma' | 'upper'> {
  const sorted = [...xs].sort((a, b) => a - b);
  const m = median(sorted);
  const mad = median(sorted.map((x) => Math.abs(x - m)).sort((a, b) => a - b));
  const sigma = Math.max(1.4826 * mad, sigmaFloor(m));
  return { median: m, mad, sigma, upper: m + bandSigmas * sigma };
}

/** One sample per period back: the max of the window `period × k` back and its neighbours. */
function periodic(value: (w: number) => number, start: number, w: number, period: number): number[] {
  const out: number[] = [];
  for (let c = w - period; c >= start; c -= period) {
    let x = value(c);
    if (c - 1 >= start) x = Math.max(x, value(c - 1));
    if (c + 1 < w) x = Math.max(x, value(c + 1));
    out.push(x);
  }
  return out;
}

/** The baseline for window `w` of a key first seen at window `first`; null without history. */
export function seasonalBaseline(value: (w: number) => number, first: number, w: number, o: BaselineOptions): RobustBaseline | null {
  const start = Math.max(first, w - o.horizon);
  const windows = w - start;
  if (!(windows > 0)) return null;
  const day = o.windowsPerDay;
  if (day > 0 && windows >= day) {
    const daily = periodic(value, start, w, day);
    let best: RobustBaseline = { ...robustStats(daily, o.bandSigmas, o.sigmaFloor), samples: daily.length, windows, profile: 'daily' };
    if (windows >= 14 * day) {
      const weekly = periodic(value, start, w, 7 * day);
      const stats = robustStats(weekly, o.bandSigmas, o.sigmaFloor);
      if (stats.upper > best.upper) best = { ...stats, samples: weekly.length, windows, profile: 'weekly' };
    }
    return best;
  }
  const flat: number[] = [];
  for (let c = start; c < w; c++) flat.push(value(c));
  return { ...robustStats(flat, o.bandSigmas, o.sigmaFloor), samples: flat.length, windows, profile: 'flat' };
}
