/**
 * `trailhound query "SQL" [SOURCE…]` and `trailhound query --hunt NAME --param k=v [SOURCE…]`:
 * one statement over the view `trailhound_events`, on embedded DuckDB (`--engine local`, the
 * sources parsed and loaded first; `--db FILE` keeps them) or on Athena (`--engine athena`).
 * Values reach the statement only as bound parameters: `--param` for a hunt's named parameters,
 * `--arg` for the `?` of ad-hoc SQL.
 */
import type { Writable } from 'node:stream';
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { S3Client } from '@aws-sdk/client-s3';
import type { RecordBatch, Schema } from 'apache-arrow';
import { ConfigError } from '../errors.js';
import type { RunSummary } from '../ingest/summary.js';
import { log } from '../log.js';
import { EXPORT_FORMATS, exportResults, openSink, type ExportFormat } from '../output/export-results.js';
import { bundledSampleSources } from '../paths.js';
import type { AthenaRunnerOptions } from '../athena/runner.js';
import { athenaQuery, athenaRunner, type AthenaSettings } from '../query/athena-engine.js';
import { bindHunt, getHunt, type Hunt } from '../query/hunts.js';
import { LocalDb, type LoadResult } from '../query/local-db.js';
import { paramText, parseArg, parseKeyValues, type QueryParam } from '../query/params.js';
import { listAll } from '../sources/index.js';
import { ingestOptions, s3Settings, type ReadOptions } from './common.js';
import type { CommandOutcome } from './outcome.js';

export interface QueryOptions extends ReadOptions, Omit<AthenaSettings, 'region' | 'profile'> {
  hunt?: string;
  /** `name=value`, repeatable: a hunt's parameters. */
  param?: string[];
  /** Values for the `?` of ad-hoc SQL, in order (`int:5`, `timestamp:…` for other types). */
  arg?: string[];
  engine?: string;
  /** DuckDB database file that keeps loaded events between queries. */
  db?: string;
  format?: string;
  out?: string;
  report?: string;
  since?: string;
  until?: string;
}

/** What tests substitute. */
export interface QueryDeps {
  athena?: AthenaClient;
  s3?: S3Client;
  /** Athena runner settings (clock, backoff, logger). */
  runner?: Partial<AthenaRunnerOptions>;
  stdout?: Writable;
  signal?: AbortSignal;
  now?: Date;
}

interface Statement {
  sql: string;
  params: QueryParam[];
  hunt?: Hunt;
  /** Parameter values for the report, by name (hunts) or position (ad-hoc). */
  shown: [string, string][];
}

const BY_EXTENSION: Readonly<Record<string, ExportFormat>> = { csv: 'csv', json: 'json', ndjson: 'ndjson', jsonl: 'ndjson', arrow: 'arrow', feather: 'arrow' };

function chooseFormat(o: QueryOptions, stdout: Writable): ExportFormat {
  if (o.format !== undefined) {
    if (!(EXPORT_FORMATS as readonly string[]).includes(o.format)) throw new ConfigError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
    return o.format as ExportFormat;
  }
  if (o.out && o.out !== '-') return BY_EXTENSION[o.out.split('.').pop()!.toLowerCase()] ?? 'ndjson';
  return (stdout as { isTTY?: boolean }).isTTY ? 'table' : 'ndjson';
}

function statement(sqlArg: string | undefined, o: QueryOptions, engine: 'duckdb' | 'athena', now?: Date): Statement {
  if (o.hunt !== undefined) {
    const hunt = getHunt(o.hunt);
    if (o.arg?.length) throw new ConfigError('--arg binds the ? of ad-hoc SQL; a hunt takes --param name=value');
    const bound = bindHunt(hunt, parseKeyValues(o.param ?? []), { engine, since: o.since, until: o.until, now });
    const shown = hunt.params.map((p): [string, string] => [p.name, paramText(bound.values.get(p.name)!)]);
    return { sql: hunt.sql, params: bound.ordered, hunt, shown };
  }
  if (sqlArg === undefined || sqlArg.trim() === '') throw new ConfigError('give a SQL statement, or --hunt NAME (trailhound hunts lists them)');
  if (o.param?.length) throw new ConfigError('--param names a hunt parameter; bind the ? of ad-hoc SQL with --arg VALUE (repeatable, in order)');
  if (o.since !== undefined || o.until !== undefined) throw new ConfigError('--since/--until fill the time range of a hunt; in ad-hoc SQL write the range with ? and --arg');
  const params = (o.arg ?? []).map(parseArg);
  return { sql: sqlArg, params, shown: params.map((p, i): [string, string] => [`?${i + 1}`, paramText(p)]) };
}

/** The first Ctrl-C stops the running Athena query (the runner waits for Athena to confirm). */
function interruptSignal(given?: AbortSignal): { signal: AbortSignal; dispose(): void } {
  if (given) return { signal: given, dispose: () => undefined };
  const controller = new AbortController();
  const onSigint = (): void => {
    process.removeListener('SIGINT', onSigint);
    log().warn('interrupted: stopping the running query (Ctrl-C again to exit now)');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.removeListener('SIGINT', onSigint) };
}

async function collect(batches: AsyncIterable<RecordBatch>): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const b of batches) out.push(b);
  return out;
}

async function* replay(batches: readonly RecordBatch[]): AsyncGenerator<RecordBatch> {
  yield* batches;
}

export async function run(sqlOrSource: string | undefined, rest: string[] = [], o: QueryOptions = {}, deps: QueryDeps = {}): Promise<CommandOutcome> {
  const engine = o.engine ?? 'local';
  if (engine !== 'local' && engine !== 'athena') throw new ConfigError('--engine must be local or athena');
  const stdout = deps.stdout ?? process.stdout;
  const format = chooseFormat(o, stdout);
  if ((!o.out || o.out === '-') && format === 'arrow' && (stdout as { isTTY?: boolean }).isTTY) {
    throw new ConfigError('--format arrow writes binary: give --out FILE or redirect stdout');
  }
  const sources = o.hunt !== undefined ? [sqlOrSource, ...rest].filter((s): s is string => s !== undefined) : rest;
  const stmt = statement(o.hunt !== undefined ? undefined : sqlOrSource, o, engine === 'local' ? 'duckdb' : 'athena', deps.now);
  const started = Date.now();

  let schema: Schema;
  let batches: AsyncIterable<RecordBatch>;
  let load: LoadResult | undefined;
  let db: LocalDb | undefined;
  const interrupt = interruptSignal(deps.signal);
  try {
    if (engine === 'athena') {
      if (sources.length) throw new ConfigError('--engine athena queries the trailhound_events view; SOURCE arguments are for --engine local');
      if (o.db !== undefined) throw new ConfigError('--db is for --engine local');
      const runner = athenaRunner({ ...o, region: o.region, profile: o.profile }, { athena: deps.athena, s3: deps.s3, runner: deps.runner });
      ({ schema, batches } = await athenaQuery(runner, stmt.sql, stmt.params, { signal: interrupt.signal, label: stmt.hunt?.name }));
    } else {
      db = await LocalDb.open(o.db ?? ':memory:');
      const toLoad = sources.length ? sources : o.db === undefined ? bundledSampleSources() : [];
      if (!sources.length && o.db === undefined) log().info({ samples: toLoad[0] }, 'no SOURCE given: querying the bundled samples');
      if (toLoad.length) load = await db.load(listAll(toLoad, s3Settings(o)), ingestOptions(o));
      else if ((await db.eventCount()) === 0) log().warn({ db: o.db }, 'the database holds no events yet: give SOURCE arguments to load some');
      ({ schema, batches } = await db.query(stmt.sql, stmt.params));
    }

    const kept = o.report ? await collect(batches) : undefined;
    const { sink, close } = o.out && o.out !== '-' ? openSink(o.out, format) : { sink: stdout, close: async () => undefined };
    const written = await exportResults(format, schema, kept ? replay(kept) : batches, sink);
    await close();
    if (o.report && kept) {
      const { writeQueryReport } = await import('../report/query-report.js');
      await writeQueryReport(o.report, {
        title: stmt.hunt ? `${stmt.hunt.name}: ${stmt.hunt.title}` : 'Ad-hoc query',
        description: stmt.hunt?.description,
        sql: stmt.sql,
        params: stmt.shown,
        engine,
        schema,
        batches: kept,
        load: load && loadFacts(load, o.db),
      });
    }
    log().info({ engine, hunt: stmt.hunt?.name, rows: written.rows, format, duration_ms: Date.now() - started }, 'query finished');
    return { partial: (load?.summary.issueCount ?? 0) > 0 };
  } finally {
    interrupt.dispose();
    db?.close();
  }
}

function loadFacts(load: LoadResult, dbPath?: string): Record<string, string | number> {
  const s: RunSummary = load.summary;
  return {
    database: dbPath ?? 'in memory',
    objects_loaded: load.loaded,
    objects_already_loaded: load.skipped,
    objects_replaced: load.replaced,
    records_loaded: load.rows,
    parse_issues: s.issueCount,
  };
}
