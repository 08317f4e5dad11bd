/**
 * The local engine: embedded DuckDB holding parsed events as the view `trailhound_events`, in
 * memory or in a file (`--db case.duckdb`) that keeps them for the next query.
 *
 * - `th_events` has the event schema's columns; the view `trailhound_events` adds the partition
 *   columns of the Athena view (`partition_date` 'yyyy/MM/dd' from the event time, and for
 *   CloudTrail `partition_account` / `partition_region` from the AWSLogs/ key), so one query text —
 *   partition predicate included — runs on both engines.
 * - `th_sources` records every loaded log object (uri, size, modification time): loading the same
 *   object again is skipped; a changed one (or one that had read or parse issues) has its rows
 *   replaced. A load is one transaction, so an interrupted load leaves the database as it was.
 * - Trino function names the hunts use that DuckDB spells differently are temporary macros.
 */
import { DuckDBInstance, TIMESTAMP, VARCHAR, BIGINT, BOOLEAN, DOUBLE, DuckDBTimestampValue, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { RecordBatch, Schema } from 'apache-arrow';
import { QueryError, StateError } from '../errors.js';
import { ingest, type IngestOptions } from '../ingest/ingest.js';
import type { RunSummary } from '../ingest/summary.js';
import { log } from '../log.js';
import { COLUMNS } from '../schema.js';
import type { LogObject } from '../sources/types.js';
import { arrowSchemaOf, duckdbBatches } from './duckdb-results.js';
import { DUCKDB_TYPES, EventAppender } from './event-appender.js';
import type { QueryParam } from './params.js';

export const VIEW = 'trailhound_events';
export const EVENTS_TABLE = 'th_events';
export const SOURCES_TABLE = 'th_sources';
const META_TABLE = 'th_meta';
const FORMAT = 'trailhound-duckdb';
const VERSION = 1;

/** CloudTrail keys: AWSLogs/[o-org/]<account>/CloudTrail/<region>/YYYY/MM/DD/… */
const ACCOUNT_RE = '/AWSLogs/(?:o-[a-z0-9]+/)?([0-9]{12})/CloudTrail/';
const REGION_RE = '/CloudTrail/([a-z0-9-]+)/[0-9]{4}/';

const SCHEMA_SQL = [
  `CREATE TABLE IF NOT EXISTS ${META_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS ${EVENTS_TABLE} (${COLUMNS.map((c) => `"${c.name}" ${DUCKDB_TYPES[c.kind].toString()}`).join(', ')})`,
  `CREATE TABLE IF NOT EXISTS ${SOURCES_TABLE} (uri VARCHAR PRIMARY KEY, size BIGINT, modified TIMESTAMP, records BIGINT, complete BOOLEAN, loaded_at TIMESTAMP)`,
  `CREATE OR REPLACE VIEW ${VIEW} AS SELECT *,
    strftime("time", '%Y/%m/%d') AS partition_date,
    CASE WHEN log_kind = 'cloudtrail' THEN nullif(regexp_extract(origin_uri, '${ACCOUNT_RE}', 1), '') END AS partition_account,
    CASE WHEN log_kind = 'cloudtrail' THEN nullif(regexp_extract(origin_uri, '${REGION_RE}', 1), '') END AS partition_region
  FROM ${EVENTS_TABLE}`,
];

/** Trino (Athena) spellings DuckDB lacks, per connection (never stored in a --db file). */
const MACROS_SQL = [`CREATE OR REPLACE TEMP MACRO regexp_like(s, p) AS regexp_matches(s, p)`];

export interface LoadResult {
  /** Objects parsed and loaded in this call. */
  loaded: number;
  /** Objects already in the database with the same size and modification time. */
  skipped: number;
  /** Objects whose earlier rows were replaced (changed, or incomplete last time). */
  replaced: number;
  rows: number;
  summary: RunSummary;
}

export interface QueryOutput {
  schema: Schema;
  batches: AsyncGenerator<RecordBatch>;
}

interface Mark {
  size: number | null;
  modified: number | null;
  complete: boolean;
}

export function duckdbParam(p: QueryParam): { value: DuckDBValue; type: DuckDBType } {
  switch (p.type) {
    case 'string':
      return { value: p.value, type: VARCHAR };
    case 'timestamp':
      return { value: new DuckDBTimestampValue(BigInt(p.value.getTime()) * 1000n), type: TIMESTAMP };
    case 'integer':
      return { value: p.value, type: BIGINT };
    case 'double':
      return { value: p.value, type: DOUBLE };
    case 'boolean':
      return { value: p.value, type: BOOLEAN };
  }
}

export class LocalDb {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    readonly path: string,
  ) {}

  /** Opens (or creates) the database; `:memory:` (default) lives as long as the process. */
  static async open(path = ':memory:'): Promise<LocalDb> {
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path);
    } catch (err) {
      throw new QueryError(`cannot open the DuckDB database ${path}: ${(err as Error).message}`, 'another trailhound process may have it open');
    }
    const db = new LocalDb(instance, await instance.connect(), path);
    try {
      await db.ensureSchema();
    } catch (err) {
      db.close();
      throw err;
    }
    return db;
  }

  private async ensureSchema(): Promise<void> {
    const existing = await this.conn.runAndReadAll(
      `SELECT count(*) FROM information_schema.tables WHERE table_name = '${META_TABLE}' AND table_schema = 'main'`,
    );
    if (Number(existing.getRows()[0][0]) > 0) {
      const rows = (await this.conn.runAndReadAll(`SELECT key, value FROM ${META_TABLE}`)).getRows();
      const meta = new Map(rows.map((r) => [String(r[0]), String(r[1])]));
      if (meta.get('format') !== FORMAT) throw new StateError(`${this.path} is not a trailhound database`);
      if (Number(meta.get('version')) > VERSION) {
        throw new StateError(`${this.path} was written by a newer trailhound (version ${meta.get('version')})`, 'upgrade trailhound or use another --db');
      }
    }
    for (const sql of SCHEMA_SQL) await this.conn.run(sql);
    const columns = (await this.conn.runAndReadAll(`SELECT column_name FROM information_schema.columns WHERE table_name = '${EVENTS_TABLE}' ORDER BY ordinal_position`)).getRows();
    if (columns.map((r) => String(r[0])).join() !== COLUMNS.map((c) => c.name).join()) {
      throw new StateError(`${this.path}: ${EVENTS_TABLE} does not have this trailhound's event columns`, 'load the logs into a new --db');
    }
    await this.conn.run(`INSERT OR REPLACE INTO ${META_TABLE} VALUES ('format', '${FORMAT}'), ('version', '${VERSION}')`);
    for (const sql of MACROS_SQL) await this.conn.run(sql);
  }

  /** An appender on the events table (for a caller that has batches already, e.g. analyze's tap). */
  appender(): Promise<EventAppender> {
    return EventAppender.open(this.conn, EVENTS_TABLE);
  }

  async eventCount(): Promise<number> {
    return Number((await this.conn.runAndReadAll(`SELECT count(*) FROM ${EVENTS_TABLE}`)).getRows()[0][0]);
  }

  private async marks(): Promise<Map<string, Mark>> {
    const reader = await this.conn.runAndReadAll(`SELECT uri, size, epoch_ms(modified), complete FROM ${SOURCES_TABLE}`);
    const out = new Map<string, Mark>();
    for (const [uri, size, modified, complete] of reader.getRows()) {
      out.set(String(uri), { size: size === null ? null : Number(size), modified: modified === null ? null : Number(modified), complete: complete === true });
    }
    return out;
  }

  /**
   * Parses log objects and loads their events, skipping objects already loaded with the same size
   * and modification time. Objects read from stdin are always loaded and never recorded.
   */
  async load(objects: AsyncIterable<LogObject>, opts: IngestOptions = {}): Promise<LoadResult> {
    const marks = await this.marks();
    const toLoad: LogObject[] = [];
    const replace: string[] = [];
    let skipped = 0;
    for await (const o of objects) {
      const m = marks.get(o.uri);
      if (m && m.complete && m.size === (o.size ?? null) && m.modified === (o.lastModified?.getTime() ?? null)) {
        skipped++;
        continue;
      }
      if (m) replace.push(o.uri);
      toLoad.push(o);
    }
    const results = new Map<string, { records: number; complete: boolean }>();
    const { batches, summary } = ingest(
      (async function* () {
        yield* toLoad;
      })(),
      {
        ...opts,
        onObject: (r) => {
          results.set(r.uri, { records: r.records, complete: r.issues === 0 });
          opts.onObject?.(r);
        },
      },
    );
    await this.conn.run('BEGIN TRANSACTION');
    let appender: EventAppender | undefined;
    try {
      if (replace.length > 0) await this.forget(replace);
      appender = await this.appender();
      for await (const batch of batches) appender.append(batch);
      appender.close();
      appender = undefined;
      await this.record(toLoad, results);
      await this.conn.run('COMMIT');
    } catch (err) {
      try {
        appender?.close();
      } catch {
        // the appender's own failure is the error being reported below
      }
      await this.conn.run('ROLLBACK');
      throw err;
    }
    const rows = [...results.values()].reduce((n, r) => n + r.records, 0);
    log().info({ db: this.path, loaded: toLoad.length, skipped, replaced: replace.length, records: rows }, 'events loaded into DuckDB');
    return { loaded: toLoad.length, skipped, replaced: replace.length, rows, summary };
  }

  /** Removes the rows and records of these objects (inside the caller's transaction). */
  private async forget(uris: readonly string[]): Promise<void> {
    await this.conn.run('CREATE OR REPLACE TEMP TABLE th_forget (uri VARCHAR)');
    const app = await this.conn.createAppender('th_forget', null, 'temp');
    for (const uri of uris) {
      app.appendVarchar(uri);
      app.endRow();
    }
    app.closeSync();
    await this.conn.run(`DELETE FROM ${EVENTS_TABLE} WHERE origin_uri IN (SELECT uri FROM temp.th_forget)`);
    await this.conn.run(`DELETE FROM ${SOURCES_TABLE} WHERE uri IN (SELECT uri FROM temp.th_forget)`);
    await this.conn.run('DROP TABLE temp.th_forget');
  }

  private async record(objects: readonly LogObject[], results: ReadonlyMap<string, { records: number; complete: boolean }>): Promise<void> {
    const app = await this.conn.createAppender(SOURCES_TABLE);
    const now = new DuckDBTimestampValue(BigInt(Date.now()) * 1000n);
    for (const o of objects) {
      const r = results.get(o.uri);
      // stdin has no identity to skip by; an object the reader never finished is retried next time
      if (o.uri === '-' || !r) continue;
      app.appendVarchar(o.uri);
      if (o.size === undefined) app.appendNull();
      else app.appendBigInt(BigInt(o.size));
      if (o.lastModified === undefined) app.appendNull();
      else app.appendTimestamp(new DuckDBTimestampValue(BigInt(o.lastModified.getTime()) * 1000n));
      app.appendBigInt(BigInt(r.records));
      app.appendBoolean(r.complete);
      app.appendTimestamp(now);
      app.endRow();
    }
    app.closeSync();
  }

  /** Runs one statement with its `?` parameters bound; the rows stream as Arrow batches. */
  async query(sql: string, params: readonly QueryParam[] = []): Promise<QueryOutput> {
    let result;
    try {
      const prepared = await this.conn.prepare(sql);
      if (prepared.parameterCount !== params.length) {
        throw new QueryError(`the query has ${prepared.parameterCount} parameter placeholder(s) but ${params.length} value(s) were given`);
      }
      const bound = params.map(duckdbParam);
      prepared.bind(
        bound.map((b) => b.value),
        bound.map((b) => b.type),
      );
      result = await prepared.stream();
    } catch (err) {
      if (err instanceof QueryError) throw err;
      throw new QueryError(`DuckDB: ${(err as Error).message}`);
    }
    const schema = arrowSchemaOf(result.columnNames(), result.columnTypes());
    return { schema, batches: duckdbBatches(result, schema) };
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
