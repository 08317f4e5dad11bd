/**
 * Numbers for finding summaries: stable across locales (no Intl), short, unit-bearing.
 */
const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** 2431 → "2,431". */
export function formatCount(n: number): string {
  const s = String(Math.round(n));
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Binary units with one decimal below 10: 1395864371 → "1.3 GB", 209715200 → "200 MB". */
export function formatBytes(n: number): string {
  let v = Math.max(0, n);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${Math.round(v)} B`;
  const digits = v < 10 ? 1 : 0;
  return `${v.toFixed(digits).replace(/\.0$/, '')} ${UNITS[u]}`;
}

/** A duration in minutes as "15 min", "1 h", "36 h", "14 d". */
export function formatMinutes(min: number): string {
  if (min < 60) return `${Math.round(min)} min`;
  const h = min / 60;
  if (h < 48) return `${Number.isInteger(h) ? h : h.toFixed(1)} h`;
  const d = h / 24;
  return `${Number.isInteger(d) ? d : d.toFixed(1)} d`;
}
