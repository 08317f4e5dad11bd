/**
 * Runs a set of detectors over batches: de-duplicates, builds one shared view per batch,
 * calls every detector's observe, then finish. Owns the detectors' state objects.
 */
import type { RecordBatch } from 'apache-arrow';
import { C } from '../schema.js';
import { dictColumn, timeColumn } from '../arrow/read.js';
import { AllowList } from './allow-list.js';
import type { AnyDetector, DetectContext, FindingInput, Tunables } from './detector.js';
import { Deduplicator } from './dedup.js';
import { compareFindings, findingId, minSeverity, type Finding, type Severity } from './finding.js';
import { EventView } from './view.js';

export interface DetectorSettings {
  enabled?: boolean;
  severity?: Severity;
  tunables?: Tunables;
  allow?: ConstructorParameters<typeof AllowList>[0];
}

export interface RunnerOptions {
  detectors: readonly AnyDetector[];
  settings?: Record<string, DetectorSettings>;
  /** Allow-list applied to every detector. */
  allow?: ConstructorParameters<typeof AllowList>[0];
  /** Highest severity a finding about an AWS service principal may have (default low). */
  serviceMaxSeverity?: Severity;
  /** Saved state per detector id (already decoded by the state store). */
  states?: Record<string, unknown>;
  /** Origins (origin_uri values) already counted in the baselines by an earlier run. */
  replayedOrigins?: ReadonlySet<string>;
  dedupMaxKeys?: number;
}

interface Active {
  detector: AnyDetector;
  state: unknown;
  ctx: DetectContext<Tunables>;
}

export class DetectorRunner {
  private readonly active: Active[];
  private readonly dedup: Deduplicator;
  readonly evictions = new Map<string, number>();
  observedRows = 0;

  constructor(private readonly opts: RunnerOptions) {
    this.dedup = new Deduplicator(opts.dedupMaxKeys);
    const serviceMax = opts.serviceMaxSeverity ?? 'low';
    this.active = opts.detectors
      .filter((d) => opts.settings?.[d.id]?.enabled !== false)
      .map((detector) => {
        const s = opts.settings?.[detector.id] ?? {};
        const tunables = { ...detector.tunables, ...(s.tunables ?? {}) };
        const severity = s.severity ?? detector.severity;
        const allow = AllowList.merge(opts.allow, s.allow);
        const saved = opts.states?.[detector.id];
        const state = saved === undefined ? detector.state.create() : saved;
        const ctx: DetectContext<Tunables> = {
          tunables,
          severity,
          allow,
          finding: (input: FindingInput) => this.makeFinding(detector, severity, serviceMax, input),
          evicted: (what: string, n = 1) => {
            const key = `${detector.id}:${what}`;
            this.evictions.set(key, (this.evictions.get(key) ?? 0) + n);
          },
        };
        return { detector, state, ctx };
      });
  }

  get detectorIds(): string[] {
    return this.active.map((a) => a.detector.id);
  }

  get duplicates(): number {
    return this.dedup.duplicates;
  }

  observe(batch: RecordBatch): void {
    const times = timeColumn(batch, C.time);
    const rows = this.dedup.select(batch, times);
    this.observedRows += rows.length;
    const view = new EventView(batch, rows, this.replayMask(batch), undefined, times);
    for (const a of this.active) a.detector.observe(a.state, view, a.ctx);
  }

  /**
   * Observe an aggregate batch (backfill): rows of the event schema where row `i` stands for
   * `weights[i]` requests, `time` is the group's earliest and `lastTimes[i]` its latest event time.
   * No de-duplication (the SQL counted distinct requests) and no replay. `only` limits it to one
   * detector: each backfill query computes the groups one detector needs.
   */
  observeAggregated(batch: RecordBatch, weights: Float64Array, opts: { lastTimes?: Float64Array; only?: string } = {}): void {
    if (weights.length !== batch.numRows || (opts.lastTimes && opts.lastTimes.length !== batch.numRows)) {
      throw new Error(`aggregate batch of ${batch.numRows} rows with ${weights.length} weights`);
    }
    const rows = new Int32Array(batch.numRows);
    for (let i = 0; i < rows.length; i++) rows[i] = i;
    const view = new EventView(batch, rows, undefined, { weights, lastTimes: opts.lastTimes });
    for (const a of this.active) {
      if (opts.only !== undefined && a.detector.id !== opts.only) continue;
      a.detector.observe(a.state, view, a.ctx);
    }
  }

  private replayMask(batch: RecordBatch): Uint8Array | undefined {
    const origins = this.opts.replayedOrigins;
    if (!origins || origins.size === 0) return undefined;
    const col = dictColumn(batch, C.origin_uri);
    const replayedValue = col.values.map((v) => origins.has(v));
    if (!replayedValue.some(Boolean)) return undefined;
    const mask = new Uint8Array(batch.numRows);
    for (let i = 0; i < mask.length; i++) if (col.valid(i) && replayedValue[col.indices[i]]) mask[i] = 1;
    return mask;
  }

  finish(): Finding[] {
    const findings: Finding[] = [];
    for (const a of this.active) {
      for (const f of a.detector.finish(a.state, a.ctx)) {
        if (a.ctx.allow.subject(f.subject)) continue;
        findings.push(f);
      }
    }
    return findings.sort(compareFindings);
  }

  /** Serialisable state per detector id, with its codec version. */
  saveStates(): Record<string, { version: number; data: unknown }> {
    return Object.fromEntries(this.active.map((a) => [a.detector.id, { version: a.detector.state.version, data: a.detector.state.toJSON(a.state) }]));
  }

  private makeFinding(detector: AnyDetector, severity: Severity, serviceMax: Severity, input: FindingInput): Finding {
    const { servicePrincipal, severity: own, attack, ...rest } = input;
    let sev = own ?? severity;
    if (servicePrincipal) sev = minSeverity(sev, serviceMax);
    return {
      id: findingId(detector.id, rest.kind, rest.subject, rest.window.start, rest.window.end),
      detector: detector.id,
      severity: sev,
      ...rest,
      attack: attack ?? detector.attack,
    };
  }
}
