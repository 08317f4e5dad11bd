/**
 * What every `bench/measure-*.ts` child shares: reading its arguments and the manifest, and
 * reporting one result line (`RESULT {json}`) that the orchestrator parses. Peak RSS is the
 * child's own `maxRSS`, so each measurement is charged only for itself.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunSummary } from '../src/ingest/summary.js';
import type { LogObject } from '../src/sources/types.js';
import { LocalSource } from '../src/sources/local.js';
import type { Manifest } from './generate.js';

export const RESULT_PREFIX = 'RESULT ';

export interface MeasureResult {
  /** Uncompressed bytes processed. */
  bytes: number;
  records: number;
  seconds: number;
  /** process.resourceUsage().maxRSS, in KiB. */
  maxRssKiB: number;
  /** Anything worth showing next to the figures (parse issues, rows returned, findings …). */
  notes?: Record<string, number | string>;
  skipped?: string;
}

export interface ChildArgs {
  dataDir: string;
  manifest: Manifest;
  /** Positional arguments after the data directory. */
  rest: string[];
}

export function childArgs(): ChildArgs {
  const [dataDir, ...rest] = process.argv.slice(2);
  if (!dataDir) throw new Error('usage: measure-*.ts DATA_DIR …');
  const manifest = JSON.parse(readFileSync(path.join(dataDir, 'manifest.json'), 'utf8')) as Manifest;
  return { dataDir, manifest, rest };
}

export function intArg(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${String(value)}`);
  return n;
}

export function report(r: Omit<MeasureResult, 'maxRssKiB'>): void {
  const out: MeasureResult = { ...r, maxRssKiB: process.resourceUsage().maxRSS };
  process.stdout.write(RESULT_PREFIX + JSON.stringify(out) + '\n');
}

/** Runs `fn`, timed with a monotonic clock. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const v = await fn();
  return [v, Number(process.hrtime.bigint() - t0) / 1e9];
}

export function cloudTrailDir(a: ChildArgs): string {
  return path.join(a.dataDir, a.manifest.cloudtrail.dir);
}

export function accessLogDir(a: ChildArgs): string {
  return path.join(a.dataDir, a.manifest.s3access.dir);
}

/** Several local sources listed one after another. */
export async function* listAll(dirs: readonly string[]): AsyncGenerator<LogObject> {
  for (const d of dirs) yield* new LocalSource(d).list();
}

/** Parse-issue counts for the notes: a run with issues did not parse the data it was given. */
export function issueNotes(summary: RunSummary): Record<string, number | string> {
  const notes: Record<string, number | string> = { issues: summary.issueCount };
  if (summary.issueCount > 0) notes.issueReasons = [...summary.issuesByReason].map(([k, v]) => `${k}×${v}`).join(', ');
  return notes;
}
