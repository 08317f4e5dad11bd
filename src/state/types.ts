/**
 * What the state store keeps between runs: detector baselines and the log objects already
 * counted in them, with a schema version.
 */
export const STATE_FORMAT = 'trailhound-state';
export const STATE_VERSION = 1;

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
