/**
 * What the state store keeps between runs: detector baselines, the local log objects already
 * counted in them, checkpoints of the S3 listing streams, and what each append-only findings
 * sink already holds — with a schema version. Version 2 added `checkpoints` and `outputs`
 * (a version-1 state loads as is; an older trailhound refuses a version-2 state rather than
 * dropping checkpoints it does not know and counting S3 objects again).
 */
import type { Checkpoints } from '../sources/checkpoint.js';

export const STATE_FORMAT = 'trailhound-state';
export const STATE_VERSION = 2;

export interface ObjectMark {
  /** Size and modification stamp: a changed object is read again. */
  size?: number;
  modified?: string;
}

export interface StateDoc {
  format: typeof STATE_FORMAT;
  version: number;
  updated_at: string;
  objects: Record<string, ObjectMark>;
  detectors: Record<string, { version: number; data: unknown }>;
  /** Per S3 listing stream (`s3://bucket/root`). */
  checkpoints?: Checkpoints;
  /** Per append-only findings sink (`s3://bucket/prefix/`). */
  outputs?: Record<string, OutputState>;
}

export interface OutputState {
  /** Finding id → [content hash, window end]: written already, skipped unless its content changed. */
  emitted: Record<string, [string, string]>;
  /** Write-ahead record of a findings object being written; resolved by the next run if it crashed. */
  pending?: { key: string; ids: Record<string, [string, string]> };
}

export interface StateStore {
  readonly description: string;
  /** Take the lock against overlapping runs; throws StateError when another live run holds it. */
  lock(): Promise<void>;
  load(): Promise<StateDoc | null>;
  save(doc: StateDoc): Promise<void>;
  unlock(): Promise<void>;
}

export function emptyState(): StateDoc {
  return { format: STATE_FORMAT, version: STATE_VERSION, updated_at: new Date(0).toISOString(), objects: {}, detectors: {} };
}
