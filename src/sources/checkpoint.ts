/**
 * Checkpoints per listing stream (DESIGN.md "State", FORMATS.md §4): the greatest key processed,
 * the keys processed inside the look-back horizon (listed again because log objects arrive late
 * and out of order, then skipped), and the keys that failed (retried by the next run wherever
 * they are). Pure functions; the state store persists the result only after the run's findings
 * were written.
 */
import type { LogObject } from './types.js';
import { compareKeys, keyTime, looksEventTime, maxKey, startKeyAt, type LayoutName, type StreamSpec } from './s3-layouts.js';
import type { TimeWindow } from './s3-time.js';

export interface StreamCheckpoint {
  layout: LayoutName;
  /** Greatest key processed (full key). */
  last?: string;
  /** Keys processed at or after the next listing's start, relative to the stream root. */
  seen: string[];
  /** Keys that could not be read, relative to the stream root: the next run reads them first. */
  retry?: string[];
}

export type Checkpoints = Record<string, StreamCheckpoint>;

export const DEFAULT_LOOKBACK_MS = 24 * 3600_000;

/** A source whose objects are tracked by checkpoints instead of being listed in full every run. */
export interface IncrementalSource {
  readonly description: string;
  begin(checkpoints: Readonly<Checkpoints>): IncrementalRun;
}

export interface IncrementalRun {
  objects: AsyncIterable<LogObject>;
  /** The outcome of an object this run yielded: read in full, or failed (kept for a retry). */
  settle(uri: string, ok: boolean): void;
  /** This source's streams after the run; streams not listed this run are not included. */
  checkpoints(): Checkpoints;
}

export interface ListingStart {
  startAfter?: string;
  /** Partitioned access logs named by event day: list from the start of day folders. */
  eventMode: boolean;
}

function eventModeOf(stream: StreamSpec, last: string | undefined): boolean {
  return stream.layout === 'access-partitioned' && (last === undefined || looksEventTime(stream, last));
}

function startFor(stream: StreamSpec, last: string | undefined, lookbackMs: number): string | undefined {
  const t = last === undefined ? undefined : keyTime(stream, last);
  return t === undefined ? undefined : startKeyAt(stream, t - lookbackMs, eventModeOf(stream, last));
}

/** Where this run lists the stream from: the checkpoint minus the look-back, or `--since`, whichever is later. */
export function listingStart(stream: StreamSpec, cp: StreamCheckpoint | undefined, lookbackMs: number, window: TimeWindow = {}): ListingStart {
  const eventMode = eventModeOf(stream, cp?.last);
  const fromCheckpoint = startFor(stream, cp?.last, lookbackMs);
  const fromSince = window.since === undefined ? undefined : startKeyAt(stream, window.since, eventMode);
  return { startAfter: maxKey(fromCheckpoint, fromSince), eventMode };
}

/** The checkpoint after a run that read `processed` and failed on `failed` (full keys). */
export function advance(stream: StreamSpec, cp: StreamCheckpoint | undefined, processed: readonly string[], failed: readonly string[], lookbackMs: number): StreamCheckpoint {
  const root = stream.root;
  const rel = (k: string): string => k.slice(root.length);
  let last = cp?.last;
  for (const k of processed) last = maxKey(last, k);
  const next = startFor(stream, last, lookbackMs);
  const seen = new Set(cp?.seen ?? []);
  for (const k of processed) seen.add(rel(k));
  // Keys at or before the next listing's start are never listed again: forget them.
  const kept = [...seen].filter((k) => next === undefined || compareKeys(root + k, next) > 0).sort(compareKeys);
  const done = new Set(processed.map(rel));
  const retry = new Set([...(cp?.retry ?? []).filter((k) => !done.has(k)), ...failed.map(rel)]);
  const out: StreamCheckpoint = { layout: stream.layout, seen: kept };
  if (last !== undefined) out.last = last;
  if (retry.size) out.retry = [...retry].sort(compareKeys);
  return out;
}
