/**
 * One retry policy for every S3 call (listing, reading, resuming a body, state and findings
 * writes): exponential backoff with full jitter on 5xx, throttling (SlowDown, 429) and network
 * failures (resets, refused connections while a server restarts, timeouts). The SDK's own
 * retries are switched off so attempts are counted in one place and a body cut mid-stream
 * follows the same policy as a failed request.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { log } from '../log.js';

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  baseMs: number;
  capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ attempts: 8, baseMs: 100, capMs: 5_000 });

/** The default policy, with `--retries` applied (passed to worker threads through the environment). */
export function retryPolicy(): RetryPolicy {
  const attempts = Number(process.env.TRAILHOUND_S3_RETRIES);
  return Number.isInteger(attempts) && attempts >= 1 ? { ...DEFAULT_RETRY, attempts } : DEFAULT_RETRY;
}

const THROTTLING = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'ServiceUnavailable',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
  $retryable?: unknown;
  cause?: unknown;
}

export function httpStatusOf(err: unknown): number | undefined {
  const e = err as AwsLikeError | undefined;
  return e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode;
}

/** Whether another attempt may succeed. */
export function isRetryable(err: unknown, depth = 0): boolean {
  if (err === null || typeof err !== 'object' || depth > 3) return false;
  const e = err as AwsLikeError;
  if (e.name === 'AbortError') return false;
  const status = httpStatusOf(err);
  if (status !== undefined) {
    if (status === 429 || (status >= 500 && status !== 501)) return true;
    if (status >= 400 && !(e.name && THROTTLING.has(e.name))) return false;
  }
  if (e.name && THROTTLING.has(e.name)) return true;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  if (e.name === 'TimeoutError' || e.$retryable) return true;
  // A response cut short reaches the SDK's parser as an incomplete document or a bare "aborted".
  if (/socket hang up|^aborted$|premature close|ECONNRESET|ECONNREFUSED|EPIPE|Deserialization error|unexpected end|Unexpected close tag|Unclosed root tag/i.test(e.message ?? '')) return true;
  return isRetryable(e.cause, depth + 1);
}

/** Full jitter: a random delay in [0, min(cap, base · 2^attempt)). */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.capMs, policy.baseMs * 2 ** attempt));
}

/** Counts of retries in this thread, for the run summary. */
export const retryCounters = { retries: 0, gaveUp: 0 };

export async function withRetries<T>(what: string, fn: (attempt: number) => Promise<T>, policy: RetryPolicy = retryPolicy()): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isRetryable(err)) throw err;
      if (attempt + 1 >= policy.attempts) {
        retryCounters.gaveUp++;
        throw err;
      }
      retryCounters.retries++;
      const delay = backoffMs(policy, attempt);
      log().debug({ what, attempt: attempt + 1, delay_ms: delay, err: describeError(err) }, 'S3 request failed; retrying');
      await sleep(delay);
    }
  }
}

export function describeError(err: unknown): string {
  const e = err as AwsLikeError;
  const status = httpStatusOf(err);
  const name = e?.name && e.name !== 'Error' ? e.name : e?.code;
  return [name, status !== undefined ? `HTTP ${status}` : undefined, e?.message].filter(Boolean).join(': ');
}
