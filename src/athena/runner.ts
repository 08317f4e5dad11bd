/**
 * Runs one SQL statement on Athena (FORMATS.md §3.4): StartQueryExecution, then GetQueryExecution
 * with exponential backoff and jitter until the query ends, reporting the data scanned and the
 * estimated cost on stderr. Throttled calls are retried; an AbortSignal (Ctrl-C) stops the query and
 * waits until Athena confirms it. Results are read through `results.ts`.
 */
import { randomUUID } from 'node:crypto';
import {
  GetQueryExecutionCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
  type QueryExecution,
  type StartQueryExecutionInput,
} from '@aws-sdk/client-athena';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from 'pino';
import { ConfigError, QueryError } from '../errors.js';
import { log } from '../log.js';
import { POLL_BACKOFF, THROTTLE_BACKOFF, backoffDelay, retryThrottled, systemClock, type BackoffPolicy, type Clock } from './backoff.js';
import { estimateCost, formatUsd, type CostEstimate } from './cost.js';
import { AthenaQueryError } from './errors.js';
import { executionParameters, type ParamValue } from './params.js';
import { QueryResults, type ResultOptions } from './results.js';

export const DEFAULT_CATALOG = 'AwsDataCatalog';
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
/** After StopQueryExecution: how long to wait for Athena to report CANCELLED. */
const STOP_WAIT_POLLS = 60;

export interface AthenaRunnerOptions {
  athena: AthenaClient;
  /** Reads large results from the output location; without it results come from GetQueryResults only. */
  s3?: S3Client;
  workGroup?: string;
  /** `s3://bucket/prefix/` for results (a workgroup that enforces its own setting overrides it). */
  outputLocation?: string;
  database?: string;
  catalog?: string;
  /** Reuse a previous identical query's results up to this age (0–10080 minutes). */
  resultReuseMaxAgeMinutes?: number;
  /** Stop a query that has not finished after this long. */
  timeoutMs?: number;
  clock?: Partial<Clock>;
  pollBackoff?: BackoffPolicy;
  throttleBackoff?: BackoffPolicy & { maxAttempts: number };
  logger?: Pick<Logger, 'info' | 'warn' | 'debug'>;
}

export interface QueryOptions {
  /** Values for the `?` placeholders, in order, sent as ExecutionParameters. */
  params?: readonly ParamValue[];
  /** Abort (Ctrl-C): the query is stopped and the call rejects once Athena reports CANCELLED. */
  signal?: AbortSignal;
  database?: string;
  resultReuseMaxAgeMinutes?: number;
  /** A name for the logs (e.g. the template name). */
  label?: string;
}

export interface CompletedQuery {
  id: string;
  state: 'SUCCEEDED';
  /** DDL, DML or UTILITY */
  statementType?: string;
  substatementType?: string;
  /** Where Athena wrote the result object (`s3://…/<id>.csv` for a SELECT). */
  outputLocation?: string;
  dataScannedBytes: number;
  engineExecutionMs?: number;
  totalExecutionMs?: number;
  reusedResult: boolean;
  cost: CostEstimate;
}

export class AthenaRunner {
  readonly athena: AthenaClient;
  readonly s3?: S3Client;
  private readonly clock: Clock;
  private readonly logger: Pick<Logger, 'info' | 'warn' | 'debug'>;

  constructor(private readonly options: AthenaRunnerOptions) {
    this.athena = options.athena;
    this.s3 = options.s3;
    this.clock = { ...systemClock, ...options.clock };
    this.logger = options.logger ?? log();
    const reuse = options.resultReuseMaxAgeMinutes;
    if (reuse !== undefined) checkReuse(reuse);
  }

  /** Runs a statement to completion; rejects with AthenaQueryError unless it SUCCEEDED. */
  async execute(sql: string, opts: QueryOptions = {}): Promise<CompletedQuery> {
    if (opts.signal?.aborted) throw new QueryError('Athena query not started: cancelled');
    const id = await this.start(sql, opts);
    return this.wait(id, opts);
  }

  /** Runs a statement and opens its results (Arrow batches typed from the result's ColumnInfo). */
  async query(sql: string, opts: QueryOptions & { results?: ResultOptions } = {}): Promise<QueryResults> {
    const completed = await this.execute(sql, opts);
    return new QueryResults(this, completed, { ...opts.results, signal: opts.results?.signal ?? opts.signal });
  }

  /** StartQueryExecution; returns the QueryExecutionId. */
  async start(sql: string, opts: QueryOptions = {}): Promise<string> {
    const o = this.options;
    const parameters = executionParameters(sql, opts.params ?? []);
    const database = opts.database ?? o.database;
    const reuse = opts.resultReuseMaxAgeMinutes ?? o.resultReuseMaxAgeMinutes;
    if (opts.resultReuseMaxAgeMinutes !== undefined) checkReuse(opts.resultReuseMaxAgeMinutes);
    const input: StartQueryExecutionInput = {
      QueryString: sql,
      // One token for all throttle retries: a retried call can never start the query twice.
      ClientRequestToken: randomUUID(),
      ...(o.workGroup ? { WorkGroup: o.workGroup } : {}),
      ...(database ? { QueryExecutionContext: { Database: database, Catalog: o.catalog ?? DEFAULT_CATALOG } } : {}),
      ...(o.outputLocation ? { ResultConfiguration: { OutputLocation: o.outputLocation } } : {}),
      ...(parameters ? { ExecutionParameters: parameters } : {}),
      ...(reuse !== undefined && reuse > 0
        ? { ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: reuse } } }
        : {}),
    };
    const out = await this.call('StartQueryExecution', () => this.athena.send(new StartQueryExecutionCommand(input)));
    if (!out.QueryExecutionId) throw new QueryError('StartQueryExecution returned no QueryExecutionId');
    this.logger.debug({ queryExecutionId: out.QueryExecutionId, label: opts.label }, 'athena query started');
    return out.QueryExecutionId;
  }

  /**
   * Polls until the query ends. On abort or timeout it sends StopQueryExecution and keeps polling
   * until Athena reports the query finished, so nothing is left running (and billing) behind us.
   */
  async wait(id: string, opts: Pick<QueryOptions, 'signal' | 'label'> = {}): Promise<CompletedQuery> {
    const started = this.clock.now();
    const policy = this.options.pollBackoff ?? POLL_BACKOFF;
    let cancelledByUs: 'signal' | 'timeout' | undefined;
    let execution = await this.describe(id);
    for (let attempt = 0; !TERMINAL.has(execution.Status?.State ?? ''); attempt++) {
      if (!cancelledByUs) {
        if (opts.signal?.aborted) cancelledByUs = 'signal';
        else if (this.options.timeoutMs !== undefined && this.clock.now() - started >= this.options.timeoutMs) cancelledByUs = 'timeout';
        if (cancelledByUs) {
          await this.stop(id);
          attempt = 0;
        }
      } else if (attempt >= STOP_WAIT_POLLS) {
        throw new QueryError(`Athena query ${id} was asked to stop but is still ${execution.Status?.State}`);
      }
      // Once stopping, the signal has done its job: keep waiting for CANCELLED regardless.
      await this.clock.sleep(backoffDelay(attempt, policy, this.clock.random), cancelledByUs ? undefined : opts.signal);
      execution = await this.describe(id);
    }
    return this.finish(id, execution, cancelledByUs, opts.label);
  }

  async stop(id: string): Promise<void> {
    this.logger.warn({ queryExecutionId: id }, 'stopping athena query');
    await this.call('StopQueryExecution', () => this.athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id })));
  }

  /** Every Athena call goes through here: throttling is retried, other errors become QueryErrors. */
  async call<T>(name: string, send: () => Promise<T>): Promise<T> {
    try {
      return await retryThrottled(send, this.clock, this.options.throttleBackoff ?? THROTTLE_BACKOFF, {
        onRetry: (err, attempt, delayMs) =>
          this.logger.debug({ call: name, error: (err as Error).name, attempt, delayMs }, 'athena throttled, retrying'),
      });
    } catch (err) {
      if (err instanceof QueryError) throw err;
      const e = err as Error;
      throw new QueryError(`Athena ${name} failed: ${e.name}: ${e.message}`);
    }
  }

  private async describe(id: string): Promise<QueryExecution> {
    const out = await this.call('GetQueryExecution', () => this.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id })));
    if (!out.QueryExecution) throw new QueryError(`GetQueryExecution returned nothing for ${id}`);
    return out.QueryExecution;
  }

  private finish(id: string, q: QueryExecution, cancelledByUs: 'signal' | 'timeout' | undefined, label?: string): CompletedQuery {
    const state = q.Status?.State ?? 'UNKNOWN';
    const stats = q.Statistics;
    const dataScannedBytes = stats?.DataScannedInBytes ?? 0;
    const reusedResult = stats?.ResultReuseInformation?.ReusedPreviousResult === true;
    const cost = estimateCost({ dataScannedBytes, state, statementType: q.StatementType, reusedResult });
    this.logger.info(
      {
        queryExecutionId: id,
        label,
        state,
        statementType: q.StatementType,
        dataScannedBytes,
        billedBytes: cost.billedBytes,
        estimatedCostUsd: cost.usd,
        engineExecutionMs: stats?.EngineExecutionTimeInMillis,
        reusedResult,
      },
      `athena query ${state.toLowerCase()}: scanned ${formatBytes(dataScannedBytes)}, estimated cost ${formatUsd(cost.usd)}`,
    );
    if (state !== 'SUCCEEDED' || cancelledByUs) {
      const err = q.Status?.AthenaError;
      throw new AthenaQueryError({
        queryExecutionId: id,
        state,
        stateChangeReason: q.Status?.StateChangeReason ?? err?.ErrorMessage,
        errorCategory: err?.ErrorCategory,
        errorType: err?.ErrorType,
        retryable: err?.Retryable,
        ...(cancelledByUs ? { cancelledByUs } : {}),
      });
    }
    return {
      id,
      state: 'SUCCEEDED',
      statementType: q.StatementType,
      substatementType: q.SubstatementType,
      outputLocation: q.ResultConfiguration?.OutputLocation,
      dataScannedBytes,
      engineExecutionMs: stats?.EngineExecutionTimeInMillis,
      totalExecutionMs: stats?.TotalExecutionTimeInMillis,
      reusedResult,
      cost,
    };
  }
}

function checkReuse(minutes: number): void {
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 10_080) {
    throw new ConfigError(`result reuse age must be 0–10080 minutes, got ${minutes}`);
  }
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
