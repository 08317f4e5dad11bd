/**
 * Time arithmetic, the formats both log kinds print, and the organisation's working rhythm.
 * Everything is UTC epoch milliseconds; nothing here reads the wall clock.
 */
import type { Random } from './random.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** CloudTrail eventTime: `2026-03-09T14:05:33Z` (second precision). */
export function isoSeconds(t: number): string {
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Access-log time field without brackets: `09/Mar/2026:14:05:33 +0000`. */
export function accessLogTime(t: number): string {
  const d = new Date(t);
  return (
    `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
  );
}

/** `YYYY/MM/DD` folder of a CloudTrail delivery. */
export function dayFolder(t: number): string {
  const d = new Date(t);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
}

/** `YYYYMMDDTHHmmZ` in CloudTrail file names. */
export function cloudTrailStamp(t: number): string {
  const d = new Date(t);
  return (
    `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}Z`
  );
}

/** `YYYY-MM-DD-hh-mm-ss` in access-log object names. */
export function accessLogStamp(t: number): string {
  const d = new Date(t);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-` +
    `${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}`
  );
}

/** `2026-03-09` (used in object keys the simulated workloads write). */
export function isoDate(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

export function hourOfDay(t: number): number {
  return new Date(t).getUTCHours();
}

export function isWeekend(t: number): boolean {
  const dow = new Date(t).getUTCDay();
  return dow === 0 || dow === 6;
}

/**
 * Relative activity of people at their desks: weekday office hours peak (UTC, the company
 * works from London), a shoulder in the evening, almost nothing at night or at weekends.
 */
export function officeWeight(t: number): number {
  const h = hourOfDay(t);
  const weekday = h >= 9 && h < 17 ? 1 : h === 8 || h === 17 ? 0.6 : h >= 18 && h < 21 ? 0.15 : 0.02;
  return isWeekend(t) ? weekday * 0.05 : weekday;
}

/**
 * Relative activity of a customer-facing service: never idle, busiest in the afternoon,
 * quieter at weekends.
 */
export function alwaysOnWeight(t: number): number {
  const h = hourOfDay(t);
  const daylight = Math.max(0, Math.cos(((h - 14) / 12) * Math.PI));
  const w = 0.25 + 0.75 * daylight;
  return isWeekend(t) ? w * 0.6 : w;
}

/** `count` sorted instants spread uniformly over [from, from + span). */
export function spread(rng: Random, from: number, span: number, count: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(from + Math.floor(rng.next() * span));
  return times.sort((a, b) => a - b);
}

/** Hour starts in [start, end). */
export function hoursBetween(start: number, end: number): number[] {
  const hours: number[] = [];
  for (let t = start; t < end; t += HOUR) hours.push(t);
  return hours;
}

/** Day starts in [start, end). */
export function daysBetween(start: number, end: number): number[] {
  const days: number[] = [];
  for (let t = start; t < end; t += DAY) days.push(t);
  return days;
}
