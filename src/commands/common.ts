/**
 * Options and plumbing shared by the commands that read logs.
 */
import { Option, type Command } from 'commander';
import { ConfigError } from '../errors.js';
import { ingest, type IngestOptions, type IngestRun } from '../ingest/ingest.js';
import { DEFAULT_LIMITS } from '../ingest/limits.js';
import { formatIssue } from '../issues.js';
import { log } from '../log.js';
import { listAll } from '../sources/index.js';
import type { S3ClientSettings } from '../sources/types.js';

export interface ReadOptions {
  workers?: string;
  batchSize?: string;
  strict?: boolean;
  maxDecompressedBytes?: string;
  maxCompressionRatio?: string;
  region?: string;
  profile?: string;
  endpoint?: string;
}

export function addReadOptions(cmd: Command): Command {
  return cmd
    .option('--workers <n>', 'parse worker threads (default: number of cores)')
    .option('--batch-size <rows>', 'rows per Arrow batch', '65536')
    .option('--strict', 'treat any parse issue as fatal (exit 1)')
    .addOption(new Option('--max-decompressed-bytes <n>', 'cap on decompressed bytes per object').default(String(DEFAULT_LIMITS.maxDecompressedBytes)))
    .addOption(new Option('--max-compression-ratio <n>', 'cap on decompressed/compressed size per object').default(String(DEFAULT_LIMITS.maxCompressionRatio)))
    .option('--region <region>', 'AWS region for s3:// sources (default: AWS_REGION)')
    .option('--profile <name>', 'AWS shared-config profile (default: AWS_PROFILE)')
    .option('--endpoint <url>', 'S3-compatible endpoint (path-style), e.g. http://localhost:9000');
}

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

export function s3Settings(o: ReadOptions): S3ClientSettings {
  return { region: o.region, profile: o.profile, endpoint: o.endpoint };
}

const LOGGED_ISSUES = 20;

/** Ingest options from the command line; issues are logged (the first few in full) and counted. */
export function ingestOptions(o: ReadOptions): IngestOptions {
  let logged = 0;
  return {
    workers: positiveInt(o.workers, '--workers'),
    batchRows: positiveInt(o.batchSize, '--batch-size'),
    strict: o.strict,
    limits: {
      maxDecompressedBytes: positiveInt(o.maxDecompressedBytes, '--max-decompressed-bytes') ?? DEFAULT_LIMITS.maxDecompressedBytes,
      maxCompressionRatio: positiveInt(o.maxCompressionRatio, '--max-compression-ratio') ?? DEFAULT_LIMITS.maxCompressionRatio,
    },
    onIssue: (issue) => {
      if (logged++ < LOGGED_ISSUES) log().warn({ issue }, formatIssue(issue));
      else if (logged === LOGGED_ISSUES + 1) log().warn('more parse issues: see the summary for counts by reason');
    },
  };
}

export function startIngest(sources: readonly string[], o: ReadOptions): IngestRun {
  return ingest(listAll(sources, s3Settings(o)), ingestOptions(o));
}
