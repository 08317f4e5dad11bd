/**
 * Waiting on Athena: exponential backoff with jitter for polling (0.5 s → 5 s) and for retrying
 * throttled calls. Time is injected (`Clock`) so tests run instantly and deterministically.
 */

export interface Clock {
  /** Resolves after `ms`, or early (without rejecting) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
  /** [0, 1) */
  random(): number;
}

export const systemClock: Clock = {
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
  now: () => Date.now(),
  random: () => Math.random(),
};

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Each delay is scaled by a random factor in [1 - jitter, 1 + jitter], then kept within [initialMs, maxMs]. */
  jitter: number;
}

/** GetQueryExecution polling: short queries answer fast, long ones are not hammered. */
export const POLL_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 5_000, factor: 2, jitter: 0.2 };

/**
 * ThrottlingException (API rate) and TooManyRequestsException (too many queued or running queries):
 * wider jitter so parallel callers spread out, and a longer ceiling for the concurrency limit.
 */
export const THROTTLE_BACKOFF: BackoffPolicy & { maxAttempts: number } = {
  initialMs: 500,
  maxMs: 20_000,
  factor: 2,
  jitter: 0.5,
  maxAttempts: 10,
};

export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt));
  const jittered = base * (1 - policy.jitter + 2 * policy.jitter * random());
  return Math.round(Math.min(policy.maxMs, Math.max(policy.initialMs, jittered)));
}

const THROTTLE_NAMES = new Set(['ThrottlingException', 'TooManyRequestsException', 'Throttling', 'RequestLimitExceeded']);

export function isThrottle(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; $metadata?: { httpStatusCode?: number } };
  return (typeof e.name === 'string' && THROTTLE_NAMES.has(e.name)) || e.$metadata?.httpStatusCode === 429;
}

/**
 * Runs `call`, retrying while it is throttled. Gives up (rethrowing the throttle error) after
 * `maxAttempts` calls, or as soon as `signal` aborts.
 */
export async function retryThrottled<T>(
  call: () => Promise<T>,
  clock: Clock,
  policy: BackoffPolicy & { maxAttempts: number } = THROTTLE_BACKOFF,
  opts: { signal?: AbortSignal; onRetry?: (err: unknown, attempt: number, delayMs: number) => void } = {},
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!isThrottle(err) || attempt + 1 >= policy.maxAttempts || opts.signal?.aborted) throw err;
      const delay = backoffDelay(attempt, policy, clock.random);
      opts.onRetry?.(err, attempt + 1, delay);
      await clock.sleep(delay, opts.signal);
      if (opts.signal?.aborted) throw err;
    }
  }
}
