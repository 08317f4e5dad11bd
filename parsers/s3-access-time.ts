/**
 * The access log Time field, `dd/MMM/yyyy:HH:mm:ss ±hhmm` (the bytes inside the brackets), to UTC
 * epoch milliseconds, read digit by digit from the bytes (no Date.parse, no string).
 */

/** `06/Feb/2019:00:00:38 +0000` */
export const TIME_BYTES = 26;

const SLASH = 0x2f;
const COLON = 0x3a;
const SPACE = 0x20;
const PLUS = 0x2b;
const MINUS = 0x2d;

/** Two ASCII digits at `i`, or -1. */
function twoDigits(buf: Uint8Array, i: number): number {
  const a = buf[i] - 48;
  const b = buf[i + 1] - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

/** English month abbreviation (any letter case) → 1..12, or -1. */
function month(buf: Uint8Array, i: number): number {
  const key = ((buf[i] | 0x20) << 16) | ((buf[i + 1] | 0x20) << 8) | (buf[i + 2] | 0x20);
  switch (key) {
    case 0x6a616e: return 1; // jan
    case 0x666562: return 2; // feb
    case 0x6d6172: return 3; // mar
    case 0x617072: return 4; // apr
    case 0x6d6179: return 5; // may
    case 0x6a756e: return 6; // jun
    case 0x6a756c: return 7; // jul
    case 0x617567: return 8; // aug
    case 0x736570: return 9; // sep
    case 0x6f6374: return 10; // oct
    case 0x6e6f76: return 11; // nov
    case 0x646563: return 12; // dec
    default: return -1;
  }
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** Parse the 26 bytes at `s`; NaN when they are not a valid time. */
export function parseAccessLogTime(buf: Uint8Array, s: number): number {
  if (buf[s + 2] !== SLASH || buf[s + 6] !== SLASH || buf[s + 11] !== COLON || buf[s + 14] !== COLON) return NaN;
  if (buf[s + 17] !== COLON || buf[s + 20] !== SPACE) return NaN;
  const day = twoDigits(buf, s);
  const mon = month(buf, s + 3);
  const century = twoDigits(buf, s + 7);
  const yy = twoDigits(buf, s + 9);
  const hour = twoDigits(buf, s + 12);
  const minute = twoDigits(buf, s + 15);
  const second = twoDigits(buf, s + 18);
  const sign = buf[s + 21];
  const offHours = twoDigits(buf, s + 22);
  const offMinutes = twoDigits(buf, s + 24);
  if (mon < 0 || century < 0 || yy < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return NaN;
  if ((sign !== PLUS && sign !== MINUS) || offHours < 0 || offMinutes < 0 || offMinutes > 59) return NaN;
  const year = century * 100 + yy;
  const monthDays = mon === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[mon];
  if (day < 1 || day > monthDays) return NaN;
  const offset = (offHours * 3600 + offMinutes * 60) * (sign === MINUS ? -1 : 1);
  const seconds = daysFromCivil(year, mon, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  return seconds * 1000;
}

/**
 * Parses times with a one-entry cache: consecutive log lines usually share the same second,
 * so a byte compare (from the end, where seconds change) replaces the parse.
 */
export class AccessLogTimeParser {
  private readonly last = new Uint8Array(TIME_BYTES);
  private lastMs = NaN;

  /** The time in [s, e) (brackets excluded); NaN when invalid. */
  parse(buf: Uint8Array, s: number, e: number): number {
    if (e - s !== TIME_BYTES) return NaN;
    const last = this.last;
    let i = TIME_BYTES - 1;
    while (i >= 0 && last[i] === buf[s + i]) i--;
    if (i < 0) return this.lastMs;
    for (let j = 0; j < TIME_BYTES; j++) last[j] = buf[s + j];
    this.lastMs = parseAccessLogTime(buf, s);
    return this.lastMs;
  }
}
