/**
 * `analyze` as a library: sources → ingest → detectors → findings, with baselines restored from
 * and committed to a state store. State is committed only after the caller has written the
 * findings (`commit()`), so a crash re-processes and stable finding ids keep the re-run idempotent.
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
import { emptyState, STATE_FORMAT, STATE_VERSION, type ObjectMark, type StateDoc, type StateStore } from './state/types.js';
import type { LogObject } from './sources/types.js';

export interface AnalyzeInput {
  objects: AsyncIterable<LogObject>;
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
}

export interface AnalyzeResult {
  findings: Finding[];
  summary: RunSummary;
  runner: DetectorRunner;
  replayedObjects: number;
  /** Persist baselines and processed objects; call after the findings were written. */
  commit(): Promise<void>;
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
    const failed = new Set<string>();
    async function* marked(): AsyncGenerator<LogObject> {
      for await (const o of input.objects) {
        const mark = markOf(o);
        if (sameMark(doc.objects[o.uri], mark)) replayed.add(o.uri);
        seen.set(o.uri, mark);
        yield o;
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
    const { batches, summary } = ingest(marked(), {
      ...input.ingest,
      onIssue: (issue) => {
        if (issue.reason === 'read_error') failed.add(issue.uri);
        input.ingest?.onIssue?.(issue);
      },
    });
    input.onStart?.(summary);
    for await (const batch of batches) {
      input.onBatch?.(batch);
      runner.observe(batch);
    }
    const findings = runner.finish();
    const commit = async (): Promise<void> => {
      if (!store) return;
      try {
        const objects = { ...doc.objects };
        for (const [uri, mark] of seen) if (!failed.has(uri) && uri !== '-') objects[uri] = mark;
        const states = runner.saveStates();
        await store.save({
          format: STATE_FORMAT,
          version: STATE_VERSION,
          updated_at: new Date().toISOString(),
          objects,
          detectors: { ...doc.detectors, ...states },
        });
      } finally {
        await store.unlock();
      }
    };
    return { findings, summary, runner, replayedObjects: replayed.size, commit, abandon: async () => store?.unlock() };
  } catch (err) {
    await store?.unlock();
    throw err;
  }
}
