/**
 * CloudTrail eventTime → epoch milliseconds, from bytes (no Date.parse on the hot path).
 *
 * Accepts `YYYY-MM-DD[T| ]HH:MM:SS[.fraction][Z|±HH[:MM]|±HHMM]`; no zone means UTC (CloudTrail Lake
 * and hand-written samples print `2025-02-19 20:13:49`). Fractions are truncated to milliseconds;
 * a leap second (`:60`) rolls into the next minute. Anything else is NaN.
 */

const DIGIT_0 = 0x30;

function digits(b: Uint8Array, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const d = b[i + k] - DIGIT_0;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

export function parseEventTime(b: Uint8Array, start: number, end: number): number {
  if (end - start < 19) return NaN;
  const s = start;
  if (b[s + 4] !== 0x2d || b[s + 7] !== 0x2d || b[s + 13] !== 0x3a || b[s + 16] !== 0x3a) return NaN;
  const sep = b[s + 10];
  if (sep !== 0x54 && sep !== 0x20 && sep !== 0x74) return NaN;
  const year = digits(b, s, 4);
  const month = digits(b, s + 5, 2);
  const day = digits(b, s + 8, 2);
  const hour = digits(b, s + 11, 2);
  const minute = digits(b, s + 14, 2);
  const second = digits(b, s + 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
    return NaN;
  }
  if (day > daysInMonth(year, month)) return NaN;
  let i = s + 19;
  let ms = 0;
  if (i < end && b[i] === 0x2e) {
    i++;
    const fs = i;
    while (i < end && b[i] >= DIGIT_0 && b[i] <= DIGIT_0 + 9) {
      if (i - fs < 3) ms = ms * 10 + (b[i] - DIGIT_0);
      i++;
    }
    const n = i - fs;
    if (n === 0) return NaN;
    if (n === 1) ms *= 100;
    else if (n === 2) ms *= 10;
  }
  let offsetMinutes = 0;
  if (i < end) {
    const z = b[i];
    if (z === 0x5a || z === 0x7a) {
      i++;
    } else if (z === 0x2b || z === 0x2d) {
      const oh = digits(b, i + 1, 2);
      if (i + 3 > end || oh < 0 || oh > 23) return NaN;
      i += 3;
      let om = 0;
      if (i < end) {
        if (b[i] === 0x3a) i++;
        if (i + 2 > end) return NaN;
        om = digits(b, i, 2);
        if (om < 0 || om > 59) return NaN;
        i += 2;
      }
      offsetMinutes = (oh * 60 + om) * (z === 0x2d ? -1 : 1);
    } else {
      return NaN;
    }
  }
  if (i !== end) return NaN;
  const days = daysFromCivil(year, month, day);
  return ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + second * 1000 + ms;
}
