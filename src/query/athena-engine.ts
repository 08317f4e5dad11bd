/**
 * The Athena engine of `trailhound query`: the same statement as locally, run through the Athena
 * runner against the `trailhound_events` view of `trailhound athena setup`. Parameters go to
 * StartQueryExecution as ExecutionParameters (each value a checked SQL literal made by
 * athena/params.ts), never into the query text.
 */
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { S3Client } from '@aws-sdk/client-s3';
import type { RecordBatch, Schema } from 'apache-arrow';
import { athenaClient, resultsS3Client, type AwsSettings } from '../athena/clients.js';
import { timestampLiteral, type ParamValue } from '../athena/params.js';
import { AthenaRunner, type AthenaRunnerOptions } from '../athena/runner.js';
import { Problems, checkRegion, checkS3Folder } from '../athena/validate.js';
import { ConfigError } from '../errors.js';
import type { QueryParam } from './params.js';

export interface AthenaSettings extends AwsSettings {
  database?: string;
  workgroup?: string;
  /** s3://bucket/prefix/ for results, unless the workgroup enforces its own. */
  output?: string;
}

export interface AthenaDeps {
  athena?: AthenaClient;
  s3?: S3Client;
  /** Runner settings a test substitutes (clock, backoff). */
  runner?: Partial<AthenaRunnerOptions>;
}

const IDENTIFIER = /^[A-Za-z0-9_]{1,255}$/;
const WORKGROUP = /^[A-Za-z0-9._-]{1,128}$/;

export function athenaParam(p: QueryParam): ParamValue {
  switch (p.type) {
    case 'timestamp':
      return timestampLiteral(p.value);
    default:
      return p.value;
  }
}

export function athenaRunner(o: AthenaSettings, deps: AthenaDeps = {}): AthenaRunner {
  const p = new Problems();
  if (!o.database) p.add('--database', 'required with --engine athena (the database holding the trailhound_events view)');
  else if (!IDENTIFIER.test(o.database)) p.add('--database', `${JSON.stringify(o.database)} is not a database name`);
  if (o.workgroup !== undefined && !WORKGROUP.test(o.workgroup)) p.add('--workgroup', `${JSON.stringify(o.workgroup)} is not a workgroup name`);
  const output = o.output === undefined ? undefined : checkS3Folder(p, '--output', o.output, { addSlash: true });
  if (o.region !== undefined) checkRegion(p, '--region', o.region);
  if (!p.ok) throw new ConfigError('invalid athena options', p.list);
  return new AthenaRunner({
    athena: deps.athena ?? athenaClient(o),
    s3: deps.s3 ?? resultsS3Client(o),
    database: o.database,
    ...(o.workgroup ? { workGroup: o.workgroup } : {}),
    ...(output ? { outputLocation: output.uri } : {}),
    ...deps.runner,
  });
}

/** Runs one statement; the results stream as Arrow batches (large ones from the S3 result object). */
export async function athenaQuery(
  runner: AthenaRunner,
  sql: string,
  params: readonly QueryParam[],
  opts: { signal?: AbortSignal; label?: string } = {},
): Promise<{ schema: Schema; batches: AsyncGenerator<RecordBatch> }> {
  const results = await runner.query(sql, { params: params.map(athenaParam), signal: opts.signal, label: opts.label, results: { mode: 'auto' } });
  // The first batch brings the schema along; only an empty result asks for it separately.
  const it = results.batches();
  const first = await it.next();
  const schema = first.done ? await results.schema() : first.value.schema;
  async function* all(): AsyncGenerator<RecordBatch> {
    if (!first.done) yield first.value;
    yield* it;
  }
  return { schema, batches: all() };
}
