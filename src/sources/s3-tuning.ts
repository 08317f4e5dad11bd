/**
 * `--concurrency` and `--retries` for S3 reads. They travel in the environment because worker
 * threads open objects themselves and inherit the environment of the thread that spawned them.
 */
import { ConfigError } from '../errors.js';

export interface S3Tuning {
  concurrency?: string;
  retries?: string;
}

function positive(value: string, option: string): string {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${option} must be a positive integer, got ${JSON.stringify(value)}`);
  return String(n);
}

export function applyS3Tuning(o: S3Tuning): void {
  if (o.concurrency !== undefined) process.env.TRAILHOUND_S3_CONCURRENCY = positive(o.concurrency, '--concurrency');
  if (o.retries !== undefined) process.env.TRAILHOUND_S3_RETRIES = positive(o.retries, '--retries');
}

export function s3ReadConcurrency(): number {
  return Number(process.env.TRAILHOUND_S3_CONCURRENCY) || 8;
}

/**
 * Objects to read ahead of the parser: with one parse thread (`--workers 1`, or one core) the
 * pipeline asks for one object at a time, so the S3 source starts the next GETs itself to keep
 * `--concurrency` reads in flight. Worker threads open their own objects: no read-ahead then.
 */
export function s3ReadAhead(workers: number): number {
  return workers === 1 ? s3ReadConcurrency() - 1 : 0;
}
