/**
 * `trailhound backfill --since 90d [--until …] [--engine local|athena] [SOURCE…]`: months of history
 * aggregated in SQL — on Athena over the trailhound_events view, or on embedded DuckDB over local or
 * S3 sources — and fed to the same detectors as `analyze`. Seeds the baselines in the state store
 * (committed after the findings are written) and reports the period's findings.
 */
import { writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { S3Client } from '@aws-sdk/client-s3';
import { backfill } from '../backfill/backfill.js';
import { athenaEngine, localEngine, type SqlEngine } from '../backfill/engines.js';
import { objectsCountedWhole } from '../backfill/local-objects.js';
import { loadConfig } from '../config.js';
import { severityRank, SEVERITIES, type Severity } from '../detect/finding.js';
import { ConfigError } from '../errors.js';
import { log } from '../log.js';
import { formatFindings, type FindingFormat } from '../output/findings.js';
import { bundledSampleSources } from '../paths.js';
import { athenaRunner, type AthenaSettings } from '../query/athena-engine.js';
import { LocalDb, type LoadResult } from '../query/local-db.js';
import { parseInstant } from '../query/params.js';
import { planSources } from '../sources/s3-plan.js';
import { applyS3Tuning } from '../sources/s3-tuning.js';
import { openStateStore } from '../state/open.js';
import type { ObjectMark } from '../state/types.js';
import { DETECTORS } from '../../detectors/index.js';
import { ingestOptions, s3Settings, type ReadOptions } from './common.js';
import type { CommandOutcome } from './outcome.js';

const DAY_MS = 86_400_000;

export interface BackfillOptions extends ReadOptions, Omit<AthenaSettings, 'region' | 'profile'> {
  since?: string;
  until?: string;
  engine?: string;
  /** Local engine: a DuckDB file of `trailhound query --db` (events already loaded). */
  db?: string;
  format?: FindingFormat;
  out?: string;
  config?: string;
  /** A directory or `s3://bucket/prefix/`, or false for `--no-state`. */
  state?: string | false;
  detectors?: string;
  failOn?: string;
  concurrency?: string;
  retries?: string;
}

/** What tests substitute. */
export interface BackfillDeps {
  athena?: AthenaClient;
  s3?: S3Client;
  stdout?: Writable;
  now?: Date;
  signal?: AbortSignal;
}

function interruptSignal(given?: AbortSignal): { signal: AbortSignal; dispose(): void } {
  if (given) return { signal: given, dispose: () => undefined };
  const controller = new AbortController();
  const onSigint = (): void => {
    process.removeListener('SIGINT', onSigint);
    log().warn('interrupted: stopping the running query; nothing is saved (Ctrl-C again to exit now)');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.removeListener('SIGINT', onSigint) };
}

export async function run(sources: string[], o: BackfillOptions, deps: BackfillDeps = {}): Promise<CommandOutcome> {
  const config = await loadConfig(o.config, DETECTORS);
  const engineName = o.engine ?? 'local';
  if (engineName !== 'local' && engineName !== 'athena') throw new ConfigError('--engine must be local or athena');
  const failOn = o.failOn as Severity | undefined;
  if (failOn !== undefined && !SEVERITIES.includes(failOn)) throw new ConfigError(`--fail-on must be one of ${SEVERITIES.join(', ')}`);
  if (o.since === undefined) throw new ConfigError('--since is required: backfill learns a period (e.g. --since 90d)');
  if (o.out?.startsWith('s3://')) throw new ConfigError('backfill writes findings to a file or stdout; --out s3://… is for analyze');
  const stdout = deps.stdout ?? process.stdout;
  const format: FindingFormat = o.format ?? (o.out ? 'ndjson' : (stdout as { isTTY?: boolean }).isTTY ? 'table' : 'ndjson');
  const now = deps.now ?? new Date();
  const since = parseInstant(o.since, '--since', now);
  const until = o.until === undefined ? now : parseInstant(o.until, '--until', now);
  if (since.getTime() >= until.getTime()) throw new ConfigError(`--since (${since.toISOString()}) must be before --until (${until.toISOString()})`);
  applyS3Tuning(o);
  const s3 = s3Settings(o);

  const interrupt = interruptSignal(deps.signal);
  let db: LocalDb | undefined;
  let load: LoadResult | undefined;
  let counted: Record<string, ObjectMark> | undefined;
  try {
    let engine: SqlEngine;
    if (engineName === 'athena') {
      if (sources.length) throw new ConfigError('--engine athena reads the trailhound_events view (trailhound athena setup); SOURCE arguments are for --engine local');
      if (o.db !== undefined) throw new ConfigError('--db is for --engine local');
      engine = athenaEngine(athenaRunner({ ...o, region: o.region, profile: o.profile }, { athena: deps.athena, s3: deps.s3 }), interrupt.signal);
    } else {
      db = await LocalDb.open(o.db ?? ':memory:');
      const toLoad = sources.length ? sources : o.db === undefined ? bundledSampleSources() : [];
      if (!sources.length && o.db === undefined) log().info({ samples: toLoad[0] }, 'no SOURCE given: backfilling from the bundled samples');
      if (toLoad.length) {
        // Objects are pruned by the times in their names, a day wider than the range (delivery lags); the SQL filters exactly.
        const plan = planSources(toLoad, s3, { window: { since: since.getTime() - DAY_MS, until: until.getTime() + DAY_MS }, incremental: false });
        load = await db.load(plan.objects, ingestOptions(o));
      }
      engine = localEngine(db);
      counted = await objectsCountedWhole(db, since, until);
    }

    const state = o.state === false ? undefined : await openStateStore(o.state ?? '.trailhound', s3);
    const result = await backfill({
      engine,
      detectors: DETECTORS,
      config,
      only: o.detectors ? o.detectors.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
      state,
      since,
      until,
      signal: interrupt.signal,
      counted,
    });
    try {
      const text = formatFindings(result.findings, format);
      if (o.out) await writeFile(o.out, text);
      else stdout.write(text);
    } catch (err) {
      await result.abandon();
      throw err;
    }
    await result.commit();
    const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, result.findings.filter((f) => f.severity === s).length]).filter(([, n]) => n));
    log().info(
      {
        backfill: {
          engine: engineName,
          since: since.toISOString(),
          until: until.toISOString(),
          ...(load ? { objects_loaded: load.loaded, records_loaded: load.rows, parse_issues: load.summary.issueCount } : {}),
          ...(counted ? { objects_recorded: Object.keys(counted).length } : {}),
          queries: result.queries,
          findings: result.findings.length,
          findings_by_severity: bySeverity,
          evictions: Object.fromEntries(result.runner.evictions),
          baselines: state ? (result.queries.some((q) => q.rows > 0) ? `saved to ${state.description}` : 'unchanged (no events in the range)') : 'not saved (--no-state)',
        },
      },
      'backfill summary',
    );
    return {
      partial: (load?.summary.issueCount ?? 0) > 0,
      failOn: failOn !== undefined && result.findings.some((f) => severityRank(f.severity) >= severityRank(failOn)),
    };
  } finally {
    interrupt.dispose();
    db?.close();
  }
}
