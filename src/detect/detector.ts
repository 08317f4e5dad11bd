/**
 * The detector contract (STYLE.md 2): a detector is metadata + tunables + versioned state +
 * `observe` over Arrow columns + `finish` → findings. It keeps no state of its own: the runner
 * owns the state object, so runs, tests and backfills can create, restore and save it.
 */
import type { AttackRef, Finding, Severity, Subject } from './finding.js';
import type { AllowList } from './allow-list.js';
import type { EventView } from './view.js';

export type TunableValue = number | string | boolean | string[];
export type Tunables = Record<string, TunableValue>;

export interface StateCodec<S> {
  /** Bumped when the serialised shape changes; an older saved state is discarded with a warning, a newer one is an error. */
  version: number;
  create(): S;
  toJSON(state: S): unknown;
  fromJSON(json: unknown): S;
}

export interface DetectContext<T extends Tunables> {
  readonly tunables: T;
  /** Severity the config gives this detector (its default unless overridden). */
  readonly severity: Severity;
  readonly allow: AllowList;
  /** Builds a finding with its stable id, capping severity for AWS service principals. */
  finding(input: FindingInput): Finding;
  /** Count a bounded structure's eviction in the run summary (STYLE.md 5). */
  evicted(what: string, n?: number): void;
}

export type FindingInput = Omit<Finding, 'id' | 'detector' | 'severity' | 'attack'> & {
  severity?: Severity;
  /** The principal is an AWS service or internal traffic: capped at the service ceiling. */
  servicePrincipal?: boolean;
  attack?: AttackRef[];
};

export interface DetectorSpec<T extends Tunables, S> {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  attack: AttackRef[];
  falsePositives: string[];
  references?: string[];
  tunables: T;
  state: StateCodec<S>;
  observe(state: S, view: EventView, ctx: DetectContext<T>): void;
  finish(state: S, ctx: DetectContext<T>): Finding[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDetector = DetectorSpec<any, any>;

export function defineDetector<T extends Tunables, S>(spec: DetectorSpec<T, S>): DetectorSpec<T, S> {
  return Object.freeze(spec);
}

export type { Subject };
