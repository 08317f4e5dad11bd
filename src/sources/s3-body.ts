/**
 * A GetObject body that survives a connection cut mid-stream: the bytes already passed on are
 * never repeated; the rest is requested again with `Range: bytes=<offset>-` and `If-Match` on
 * the first response's ETag (so a replaced object is an error, not a splice of two versions).
 * Bytes flow through as they arrive; nothing is buffered beyond the socket's own chunks.
 */
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { log } from '../log.js';
import { backoffMs, describeError, isRetryable, retryCounters, withRetries, type RetryPolicy } from './s3-retry.js';

export interface BodyPart {
  body: Readable;
  /** Bytes this response will carry, when the server said so. */
  length?: number;
  etag?: string;
}

export type Refetch = (offset: number, etag: string | undefined) => Promise<BodyPart>;

class ShortBody extends Error {
  readonly code = 'ERR_STREAM_PREMATURE_CLOSE';
}

export function resumableBody(first: BodyPart, refetch: Refetch, what: string, policy: RetryPolicy, onEnd?: () => void): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    let part = first;
    let offset = 0;
    let failures = 0;
    try {
      for (;;) {
        let got = 0;
        try {
          for await (const chunk of part.body as AsyncIterable<Buffer>) {
            got += chunk.length;
            offset += chunk.length;
            yield chunk;
          }
          if (part.length !== undefined && got < part.length) throw new ShortBody(`body ended after ${got} of ${part.length} bytes`);
          return;
        } catch (err) {
          part.body.destroy();
          if (got > 0) failures = 0;
          if (!isRetryable(err) || ++failures >= policy.attempts) throw err;
          retryCounters.retries++;
          const delay = backoffMs(policy, failures - 1);
          log().debug({ what, offset, delay_ms: delay, err: describeError(err) }, 'S3 body cut; resuming with a Range request');
          await sleep(delay);
          part = await withRetries(`${what} from byte ${offset}`, () => refetch(offset, first.etag), policy);
        }
      }
    } finally {
      part.body.destroy();
    }
  }
  const stream = Readable.from(chunks(), { objectMode: false, highWaterMark: 1 << 20 });
  // 'close' follows both the end and a destroy, even of a stream never read.
  if (onEnd) stream.once('close', onEnd);
  return stream;
}
