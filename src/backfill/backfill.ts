/**
 * `backfill` as a library: history too large to stream through one machine is aggregated in SQL
 * (DuckDB or Athena), and the aggregates go through the same detectors as `analyze` — each row of
 * a backfill result stands for `event_count` requests (DetectorRunner.observeAggregated), so the
 * scoring code is the one the streaming path runs. The detectors start from empty baselines, learn
 * the period, report its findings, and their states replace the baselines in the state store when
 * the caller commits (after writing the findings, as analyze does).
 */
import type { TrailhoundConfig } from '../config.js';
import type { AnyDetector, Tunables } from '../detect/detector.js';
import type { Finding } from '../detect/finding.js';
import { DetectorRunner } from '../detect/runner.js';
import { ConfigError, QueryError } from '../errors.js';
import { log } from '../log.js';
import { emptyState, STATE_FORMAT, STATE_VERSION, type ObjectMark, type StateStore } from '../state/types.js';
import { toAggregateBatch } from './aggregate-batch.js';
import type { SqlEngine } from './engines.js';
import { bindBackfillQuery, queriesFor } from './queries.js';

export interface BackfillInput {
  engine: SqlEngine;
  detectors: readonly AnyDetector[];
  config: TrailhoundConfig;
  /** Only these detector ids (default: all enabled in the config). */
  only?: string[];
  state?: StateStore;
  /** The event-time range [since, until). */
  since: Date;
  until: Date;
  /** Once aborted, no further query is started. */
  signal?: AbortSignal;
  /** Log objects this backfill counted whole (local engine): recorded like analyze records what it read. */
  counted?: Record<string, ObjectMark>;
}

export interface QueryRun {
  detector: string;
  query: string;
  /** Aggregate rows returned. */
  rows: number;
  /** Requests those rows stand for. */
  requests: number;
  duration_ms: number;
}

export interface BackfillResult {
  findings: Finding[];
  runner: DetectorRunner;
  queries: QueryRun[];
  /** Detectors whose earlier baselines in the state this backfill replaces. */
  replaced: string[];
  /** Save the detectors' states as the baselines; call after the findings were written. */
  commit(): Promise<void>;
  /** Release the state lock without saving. */
  abandon(): Promise<void>;
}

function selectDetectors(all: readonly AnyDetector[], only: readonly string[] | undefined): readonly AnyDetector[] {
  const known = new Set(all.map((d) => d.id));
  for (const id of only ?? []) if (!known.has(id)) throw new ConfigError(`unknown detector ${JSON.stringify(id)}`, [], `known: ${[...known].join(', ')}`);
  return only?.length ? all.filter((d) => only.includes(d.id)) : all;
}

export async function backfill(input: BackfillInput): Promise<BackfillResult> {
  if (!(input.since.getTime() < input.until.getTime())) throw new ConfigError(`--since (${input.since.toISOString()}) must be before --until (${input.until.toISOString()})`);
  const detectors = selectDetectors(input.detectors, input.only);
  const tunablesOf = (d: AnyDetector): Tunables => ({ ...d.tunables, ...(input.config.detectors[d.id]?.tunables ?? {}) });
  const runner = new DetectorRunner({
    detectors,
    settings: input.config.detectors,
    allow: input.config.allow,
    serviceMaxSeverity: input.config.service_principals.max_severity,
  });
  const active = detectors.filter((d) => runner.detectorIds.includes(d.id));
  for (const d of active) if (queriesFor(d.id).length === 0) throw new ConfigError(`detector ${d.id} has no backfill query`, [], 'add one to queries/backfill/ and src/backfill/queries.ts');
  // Bind every query before any runs: a configuration a query cannot serve fails before Athena bills.
  const plan = active.flatMap((d) =>
    queriesFor(d.id).map((q) => ({ q, ...bindBackfillQuery(q, tunablesOf(d), { since: input.since, until: input.until, engine: input.engine.kind }) })),
  );

  const store = input.state;
  await store?.lock();
  try {
    const doc = (await store?.load()) ?? emptyState();
    const queries: QueryRun[] = [];
    for (const { q, sql, params } of plan) {
      if (input.signal?.aborted) throw new QueryError('backfill interrupted before all its queries ran: nothing was saved');
      const started = Date.now();
      const run: QueryRun = { detector: q.detector, query: q.name, rows: 0, requests: 0, duration_ms: 0 };
      for await (const result of await input.engine.run(sql, params, `backfill ${q.name}`)) {
        const agg = toAggregateBatch(result, `backfill query ${q.name}`);
        runner.observeAggregated(agg.batch, agg.weights, { lastTimes: agg.lastTimes, only: q.detector });
        run.rows += agg.batch.numRows;
        run.requests += agg.requests;
      }
      run.duration_ms = Date.now() - started;
      queries.push(run);
      log().info(run, 'backfill query done');
    }
    const findings = runner.finish();
    const learnt = queries.some((r) => r.rows > 0);
    const replaced = learnt ? active.map((d) => d.id).filter((id) => doc.detectors[id] !== undefined) : [];
    const commit = async (): Promise<void> => {
      if (!store) return;
      try {
        // Nothing in the range, nothing learnt: the baselines stay as they were.
        if (!learnt) return;
        if (replaced.length) log().warn({ detectors: replaced }, 'backfill replaces the earlier baselines of these detectors');
        await store.save({
          ...doc,
          format: STATE_FORMAT,
          version: STATE_VERSION,
          updated_at: new Date().toISOString(),
          objects: { ...doc.objects, ...input.counted },
          detectors: { ...doc.detectors, ...runner.saveStates() },
        });
      } finally {
        await store.unlock();
      }
    };
    return { findings, runner, queries, replaced, commit, abandon: async () => store?.unlock() };
  } catch (err) {
    await store?.unlock();
    throw err;
  }
}
