/**
 * Results of a finished Athena query as Arrow batches typed from the result's ColumnInfo.
 *
 * Small results come from GetQueryResults, page by page (at most 1000 rows a call). For a SELECT the
 * first row of the first page is the header (column names), on no later page; DDL and UTILITY
 * results have none. A NULL cell has no VarCharValue. Large results are streamed from the CSV object
 * Athena wrote to the output location instead, which is far faster than paging through the API.
 */
import { GetQueryResultsCommand, type ColumnInfo, type GetQueryResultsOutput, type Row } from '@aws-sdk/client-athena';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Table, type RecordBatch, type Schema } from 'apache-arrow';
import type { Readable } from 'node:stream';
import { ConfigError, QueryError } from '../errors.js';
import { ResultBatchBuilder, resultSchema } from './column-types.js';
import { decodeUtf8, parseCsv, type CsvRecord } from './csv.js';
import type { AthenaRunner, CompletedQuery } from './runner.js';

export interface ResultOptions {
  /**
   * `auto` (default): GetQueryResults, switching to the S3 object when a SELECT's result does not
   * fit in the first page. `api`: always GetQueryResults. `s3`: always the S3 object (SELECT only).
   */
  mode?: 'auto' | 'api' | 's3';
  /** Rows per Arrow batch. */
  batchRows?: number;
  /** GetQueryResults MaxResults (1–1000). */
  pageSize?: number;
  signal?: AbortSignal;
}

const DEFAULT_BATCH_ROWS = 65_536;
const MAX_PAGE_SIZE = 1000;

function rowValues(row: Row): (string | null)[] {
  return (row.Data ?? []).map((d) => d.VarCharValue ?? null);
}

function columnLabel(c: ColumnInfo): string {
  return c.Label ?? c.Name ?? '';
}

/** The header row repeats the column names; checked so a data row is never dropped by mistake. */
function isHeader(values: readonly (string | null)[], columns: readonly ColumnInfo[]): boolean {
  return values.length === columns.length && values.every((v, i) => v === columnLabel(columns[i]) || v === columns[i].Name);
}

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) throw new QueryError(`not an s3:// object URI: ${uri}`);
  return { bucket: m[1], key: m[2] };
}

export class QueryResults {
  private columnInfo?: ColumnInfo[];
  private consumed = false;

  constructor(
    private readonly runner: AthenaRunner,
    readonly query: CompletedQuery,
    private readonly options: ResultOptions = {},
  ) {
    const size = options.pageSize ?? MAX_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw new ConfigError(`pageSize must be 1–${MAX_PAGE_SIZE}, got ${size}`);
  }

  /** Column metadata (known once reading has started, or after `columns()` fetched it). */
  async columns(): Promise<ColumnInfo[]> {
    if (!this.columnInfo) this.columnInfo = columnsOf(await this.page(undefined, 1));
    return this.columnInfo;
  }

  async schema(): Promise<Schema> {
    return resultSchema(await this.columns());
  }

  /** All rows as one Arrow Table (for small results; stream `batches()` otherwise). */
  async table(): Promise<Table> {
    const batches: RecordBatch[] = [];
    for await (const b of this.batches()) batches.push(b);
    return batches.length > 0 ? new Table(batches) : new Table(await this.schema());
  }

  /** The rows as Arrow batches. Results can be read once. */
  async *batches(): AsyncGenerator<RecordBatch> {
    if (this.consumed) throw new QueryError(`the results of Athena query ${this.query.id} were already read`);
    this.consumed = true;
    const mode = this.options.mode ?? 'auto';
    const selectLike = this.query.statementType === 'DML';
    const first = await this.page(undefined, mode === 's3' ? 1 : (this.options.pageSize ?? MAX_PAGE_SIZE));
    const columns = columnsOf(first);
    this.columnInfo = columns;
    const builder = new ResultBatchBuilder(columns);
    const batchRows = this.options.batchRows ?? DEFAULT_BATCH_ROWS;

    const streamable = selectLike && (this.query.outputLocation ?? '').endsWith('.csv');
    if (mode === 's3' || (mode === 'auto' && first.NextToken !== undefined && streamable && this.runner.s3)) {
      if (!streamable) throw new ConfigError(`results of Athena query ${this.query.id} have no CSV object to stream (statement type ${this.query.statementType})`);
      yield* this.fromS3(builder, columns, batchRows);
      return;
    }

    let rows = first.ResultSet?.Rows ?? [];
    if (selectLike && rows.length > 0 && isHeader(rowValues(rows[0]), columns)) rows = rows.slice(1);
    let token = first.NextToken;
    for (;;) {
      for (const row of rows) {
        builder.append(rowValues(row));
        if (builder.length >= batchRows) yield builder.flush();
      }
      if (token === undefined) break;
      const next = await this.page(token, this.options.pageSize ?? MAX_PAGE_SIZE);
      rows = next.ResultSet?.Rows ?? [];
      token = next.NextToken;
    }
    if (builder.length > 0) yield builder.flush();
  }

  private async page(token: string | undefined, size: number): Promise<GetQueryResultsOutput> {
    this.checkAborted();
    return this.runner.call('GetQueryResults', () =>
      this.runner.athena.send(
        new GetQueryResultsCommand({ QueryExecutionId: this.query.id, MaxResults: size, ...(token ? { NextToken: token } : {}) }),
      ),
    );
  }

  private async *fromS3(builder: ResultBatchBuilder, columns: readonly ColumnInfo[], batchRows: number): AsyncGenerator<RecordBatch> {
    const s3 = this.runner.s3;
    if (!s3) throw new ConfigError('streaming Athena results from S3 needs an S3 client');
    const { bucket, key } = parseS3Uri(this.query.outputLocation ?? '');
    let body: Readable;
    try {
      const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: this.options.signal });
      body = res.Body as Readable;
    } catch (err) {
      throw new QueryError(`cannot read the Athena result object ${this.query.outputLocation}: ${(err as Error).message}`);
    }
    let first = true;
    try {
      for await (const record of parseCsv(decodeUtf8(body))) {
        if (first) {
          first = false;
          // The CSV object of a SELECT starts with the column names.
          if (isHeader(record, columns)) continue;
        }
        builder.append(record as CsvRecord);
        if (builder.length >= batchRows) {
          this.checkAborted();
          yield builder.flush();
        }
      }
    } finally {
      body.destroy();
    }
    if (builder.length > 0) yield builder.flush();
  }

  private checkAborted(): void {
    if (this.options.signal?.aborted) throw new QueryError(`reading the results of Athena query ${this.query.id} was cancelled`);
  }
}

function columnsOf(page: GetQueryResultsOutput): ColumnInfo[] {
  return page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
}
