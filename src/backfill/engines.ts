/**
 * Where backfill SQL runs: embedded DuckDB over events loaded from local or S3 sources
 * (`--engine local`, src/query/local-db.ts) or Athena over the trailhound_events view
 * (`--engine athena`, src/query/athena-engine.ts). Both bind the `?` parameters (DuckDB prepared
 * statements, Athena ExecutionParameters) and stream Arrow batches.
 */
import type { RecordBatch } from 'apache-arrow';
import type { AthenaRunner } from '../athena/runner.js';
import { athenaQuery } from '../query/athena-engine.js';
import type { Engine } from '../query/hunts.js';
import type { LocalDb } from '../query/local-db.js';
import type { QueryParam } from '../query/params.js';

export interface SqlEngine {
  /** The dialect the query binding assumes (hunts' engine names). */
  readonly kind: Engine;
  run(sql: string, params: readonly QueryParam[], label: string): Promise<AsyncIterable<RecordBatch>>;
}

export function localEngine(db: LocalDb): SqlEngine {
  return {
    kind: 'duckdb',
    run: async (sql, params) => (await db.query(sql, params)).batches,
  };
}

export function athenaEngine(runner: AthenaRunner, signal?: AbortSignal): SqlEngine {
  return {
    kind: 'athena',
    run: async (sql, params, label) => (await athenaQuery(runner, sql, params, { signal, label })).batches,
  };
}
