/**
 * `analyze` as a library: sources → ingest → detectors → findings, with baselines and
 * checkpoints restored from and committed to a state store. State is committed only after the
 * caller has written the findings (`commit()`), so a crash re-processes from the last commit and
 * stable finding ids keep the re-run idempotent.
 *
 * Two kinds of input: plain objects (local paths), of which those already counted (same size and
 * mtime) are replayed — evaluated but not counted again; and incremental sources (S3), listed
 * from their checkpoints so that processed objects are not read again at all.
 */
import type { RecordBatch } from 'apache-arrow';
import type { TrailhoundConfig } from './config.js';
import type { AnyDetector } from './detect/detector.js';
import type { Finding } from './detect/finding.js';
import { DetectorRunner } from './detect/runner.js';
import { ConfigError, StateError } from './errors.js';
import { ingest, type IngestOptions } from './ingest/ingest.js';
import type { RunSummary } from './ingest/summary.js';
import { log } from './log.js';
import type { Checkpoints, IncrementalRun, IncrementalSource } from './sources/checkpoint.js';
import { emptyState, STATE_FORMAT, STATE_VERSION, type ObjectMark, type StateDoc, type StateStore } from './state/types.js';
import type { LogObject } from './sources/types.js';

export interface AnalyzeInput {
  /** Plain objects (local paths): already-counted ones are replayed. */
  objects?: AsyncIterable<LogObject>;
  /** Sources listed from their checkpoints (S3). */
  incremental?: readonly IncrementalSource[];
  detectors: readonly AnyDetector[];
  config: TrailhoundConfig;
  /** Only these detector ids (default: all enabled in the config). */
  only?: string[];
  state?: StateStore;
  ingest?: IngestOptions;
  /** Tap for every batch after parsing (e.g. to load the same events into DuckDB). */
  onBatch?: (batch: RecordBatch) => void;
  /** Called once reading starts, with the live run summary (for a progress line). */
  onStart?: (summary: RunSummary) => void;
  /** Once aborted, no further object is started; the objects under way finish and the run can be committed. */
  signal?: AbortSignal;
}

export interface FailedObject {
  uri: string;
  error: string;
}

export interface AnalyzeResult {
  findings: Finding[];
  summary: RunSummary;
  runner: DetectorRunner;
  replayedObjects: number;
  /** Objects that could not be read (after retries): not checkpointed, so the next run reads them again. */
  failedObjects: FailedObject[];
  /**
   * Objects that failed after some of their records were counted: this run commits neither
   * baselines nor checkpoints (the next run repeats it), so no record is counted twice.
   */
  tainted: boolean;
  /** The state as loaded (sinks read their `outputs` section). */
  loaded: Readonly<StateDoc>;
  /** Save the loaded state with only `outputs` replaced: a write-ahead record before a sink writes. */
  journal(outputs: NonNullable<StateDoc['outputs']>): Promise<void>;
  /** Persist baselines, processed objects, checkpoints (and sink `outputs`); call after the findings were written. */
  commit(extra?: { outputs?: StateDoc['outputs'] }): Promise<void>;
  /** Release the state lock without saving (on failure). */
  abandon(): Promise<void>;
}

function markOf(o: LogObject): ObjectMark {
  return { size: o.size, modified: o.lastModified?.toISOString() };
}

function sameMark(a: ObjectMark | undefined, b: ObjectMark): boolean {
  return a !== undefined && a.size === b.size && a.modified === b.modified;
}

function restoreStates(doc: StateDoc, detectors: readonly AnyDetector[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of detectors) {
    const saved = doc.detectors[d.id];
    if (!saved) continue;
    if (saved.version > d.state.version) {
      throw new StateError(`baseline of ${d.id} has version ${saved.version}, newer than this trailhound (${d.state.version})`, 'upgrade trailhound or use another --state');
    }
    if (saved.version < d.state.version) {
      log().warn({ detector: d.id, saved: saved.version, current: d.state.version }, 'baseline format changed: this detector relearns its baseline');
      continue;
    }
    try {
      out[d.id] = d.state.fromJSON(saved.data);
    } catch (err) {
      throw new StateError(`baseline of ${d.id} is corrupt: ${(err as Error).message}`, 'move the state aside to relearn baselines');
    }
  }
  return out;
}

export async function analyze(input: AnalyzeInput): Promise<AnalyzeResult> {
  const known = new Set(input.detectors.map((d) => d.id));
  for (const id of input.only ?? []) if (!known.has(id)) throw new ConfigError(`unknown detector ${JSON.stringify(id)}`, [], `known: ${[...known].join(', ')}`);
  const detectors = input.only?.length ? input.detectors.filter((d) => input.only!.includes(d.id)) : input.detectors;

  const store = input.state;
  await store?.lock();
  try {
    const doc = (await store?.load()) ?? emptyState();
    const replayed = new Set<string>();
    const seen = new Map<string, ObjectMark>();
    const failed = new Map<string, string>();
    let tainted = false;
    const runs: IncrementalRun[] = (input.incremental ?? []).map((src) => src.begin(doc.checkpoints ?? {}));
    const runOf = new Map<string, IncrementalRun>();
    const stopped = (): boolean => input.signal?.aborted === true;
    async function* all(): AsyncGenerator<LogObject> {
      if (input.objects) {
        for await (const o of input.objects) {
          if (stopped()) return;
          const mark = markOf(o);
          if (sameMark(doc.objects[o.uri], mark)) replayed.add(o.uri);
          seen.set(o.uri, mark);
          yield o;
        }
      }
      for (const run of runs) {
        for await (const o of run.objects) {
          if (stopped()) return;
          runOf.set(o.uri, run);
          yield o;
        }
      }
    }
    const runner = new DetectorRunner({
      detectors,
      settings: input.config.detectors,
      allow: input.config.allow,
      serviceMaxSeverity: input.config.service_principals.max_severity,
      states: restoreStates(doc, detectors),
      replayedOrigins: replayed,
    });
    const { batches, summary } = ingest(all(), {
      ...input.ingest,
      onIssue: (issue) => {
        if (issue.reason === 'read_error' && !failed.has(issue.uri)) failed.set(issue.uri, issue.message);
        input.ingest?.onIssue?.(issue);
      },
      onObject: (r) => {
        const error = failed.get(r.uri);
        if (error !== undefined && r.records > 0) {
          tainted = true;
          log().warn({ uri: r.uri, records: r.records, error }, 'an object failed after some of its records were read: this run will not commit baselines or checkpoints');
        }
        runOf.get(r.uri)?.settle(r.uri, error === undefined);
        input.ingest?.onObject?.(r);
      },
    });
    input.onStart?.(summary);
    for await (const batch of batches) {
      input.onBatch?.(batch);
      runner.observe(batch);
    }
    const findings = runner.finish();
    const failedObjects = [...failed].map(([uri, error]) => ({ uri, error }));
    for (const f of failedObjects) log().warn(f, 'object not read: it is not checkpointed and the next run tries it again');

    const save = (next: StateDoc): Promise<void> => store!.save({ ...next, format: STATE_FORMAT, version: STATE_VERSION, updated_at: new Date().toISOString() });
    const journal = async (outputs: NonNullable<StateDoc['outputs']>): Promise<void> => {
      if (store) await save({ ...doc, outputs });
    };
    const commit = async (extra: { outputs?: StateDoc['outputs'] } = {}): Promise<void> => {
      if (!store) return;
      try {
        const outputs = extra.outputs ?? doc.outputs;
        if (tainted) {
          await save({ ...doc, ...(outputs ? { outputs } : {}) });
          return;
        }
        const objects = { ...doc.objects };
        for (const [uri, mark] of seen) if (!failed.has(uri) && uri !== '-') objects[uri] = mark;
        let checkpoints: Checkpoints | undefined = doc.checkpoints;
        for (const run of runs) checkpoints = { ...checkpoints, ...run.checkpoints() };
        // Nothing read, nothing learnt: the baselines stay byte for byte as they were.
        const detectorStates = summary.objects > 0 ? { ...doc.detectors, ...runner.saveStates() } : doc.detectors;
        await save({
          format: STATE_FORMAT,
          version: STATE_VERSION,
          updated_at: '',
          objects,
          detectors: detectorStates,
          ...(checkpoints ? { checkpoints } : {}),
          ...(outputs ? { outputs } : {}),
        });
      } finally {
        await store.unlock();
      }
    };
    return {
      findings,
      summary,
      runner,
      replayedObjects: replayed.size,
      failedObjects,
      get tainted() {
        return tainted;
      },
      loaded: doc,
      journal,
      commit,
      abandon: async () => store?.unlock(),
    };
  } catch (err) {
    await store?.unlock();
    throw err;
  }
}
