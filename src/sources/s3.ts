/**
 * S3 sources: `s3://bucket/prefix`. The prefix is split into listing streams by key layout
 * (s3-discover.ts); each stream is listed with ListObjectsV2 from a `StartAfter` derived from
 * `--since` and, for incremental runs, from its checkpoint (checkpoint.ts). Objects are opened
 * as streams that resume after a cut connection (s3-body.ts); every call is retried with
 * backoff and jitter (s3-retry.ts). Uses the AWS SDK default credential chain; `--region`,
 * `--profile`, `--endpoint` override it.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { SourceError } from '../errors.js';
import { log } from '../log.js';
import { advance, DEFAULT_LOOKBACK_MS, listingStart, type Checkpoints, type IncrementalRun, type IncrementalSource, type ListingStart, type StreamCheckpoint } from './checkpoint.js';
import { resumableBody, type BodyPart } from './s3-body.js';
import { discoverStreams, type DiscoveredStream } from './s3-discover.js';
import { isLogKey, keyTime, looksEventTime, streamId } from './s3-layouts.js';
import { listKeys, statKey, type ListCounters, type ListedKey } from './s3-list.js';
import { describeError, retryPolicy, withRetries, type RetryPolicy } from './s3-retry.js';
import { inWindow, type TimeWindow } from './s3-time.js';
import { s3ReadConcurrency } from './s3-tuning.js';
import type { LogObject, ObjectRef, S3ClientSettings, Source } from './types.js';

const clients = new Map<string, S3Client>();
const DAY = 86_400_000;

export function s3Client(settings: S3ClientSettings): S3Client {
  const key = JSON.stringify([settings.region, settings.profile, settings.endpoint]);
  let client = clients.get(key);
  if (!client) {
    client = new S3Client({
      region: settings.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      ...(settings.profile ? { profile: settings.profile } : {}),
      ...(settings.endpoint
        ? { endpoint: settings.endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
        : { followRegionRedirects: true }),
      // Retries are ours (s3-retry.ts): one policy for requests and for bodies cut mid-stream.
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 10_000, socketTimeout: 120_000 },
    });
    clients.set(key, client);
  }
  return client;
}

export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m || !m[1]) throw new SourceError(`not an s3:// URI: ${uri}`, 'write s3://bucket/prefix');
  return { bucket: m[1], prefix: m[2] };
}

export interface S3SourceOptions {
  window?: TimeWindow;
  /** How far before a checkpoint the next listing starts (late and out-of-order delivery). Default 24 h. */
  lookbackMs?: number;
  retry?: RetryPolicy;
  /** Every log key listed inside the window, before checkpoint filtering (stats: delivery gaps). */
  onListed?: (stream: DiscoveredStream, key: string, time: number | undefined) => void;
  /** ListObjectsV2 requests made (tests and logs). */
  counters?: ListCounters;
  /** Objects to start reading ahead of the parser: only when objects are parsed in this thread. */
  readAhead?: number;
}

export class S3Source implements Source, IncrementalSource {
  private readonly bucket: string;
  private readonly prefix: string;
  private discovered: Promise<DiscoveredStream[]> | undefined;

  constructor(
    readonly description: string,
    private readonly settings: S3ClientSettings,
    private readonly opts: S3SourceOptions = {},
  ) {
    ({ bucket: this.bucket, prefix: this.prefix } = parseS3Uri(description));
  }

  private get client(): S3Client {
    return s3Client(this.settings);
  }

  private get lookbackMs(): number {
    return this.opts.lookbackMs ?? DEFAULT_LOOKBACK_MS;
  }

  /** The listing streams under the prefix (discovered once per source object). */
  streams(): Promise<DiscoveredStream[]> {
    this.discovered ??= discoverStreams(this.client, this.bucket, this.prefix, this.opts.retry, this.opts.counters).then((streams) => {
      log().debug({ source: this.description, streams: streams.map((s) => ({ id: streamId({ bucket: s.bucket, root: s.within }), layout: s.layout })) }, 'S3 streams');
      return streams;
    });
    return this.discovered;
  }

  /** Every log object inside the window (no checkpoints). */
  list(): AsyncGenerator<LogObject> {
    const self = this;
    return readAhead(
      (async function* (): AsyncGenerator<LogObject> {
        for (const stream of await self.streams()) {
          yield* self.listStream(stream, listingStart(stream, undefined, self.lookbackMs, self.opts.window), () => false);
        }
      })(),
      this.opts.readAhead ?? 0,
    );
  }

  begin(checkpoints: Readonly<Checkpoints>): IncrementalRun {
    const byUri = new Map<string, { id: string; key: string }>();
    const outcomes = new Map<string, { stream: DiscoveredStream; processed: string[]; failed: string[]; vanished: Set<string> }>();
    const self = this;
    const listed = (async function* (): AsyncGenerator<LogObject> {
      for (const stream of await self.streams()) {
        const id = streamId({ bucket: stream.bucket, root: stream.within });
        let cp: StreamCheckpoint | undefined = checkpoints[id];
        if (cp && cp.layout !== stream.layout) {
          log().warn({ stream: id, was: cp.layout, now: stream.layout }, 'the key layout of a stream changed: its checkpoint is ignored');
          cp = undefined;
        }
        const outcome = { stream, processed: [] as string[], failed: [] as string[], vanished: new Set<string>() };
        outcomes.set(id, outcome);
        const pending = new Set(cp?.retry ?? []);
        for (const rel of pending) {
          const obj = await self.retryObject(stream, stream.root + rel);
          if (!obj) {
            outcome.vanished.add(rel);
            continue;
          }
          byUri.set(obj.uri, { id, key: obj.ref.kind === 's3' ? obj.ref.key : rel });
          yield obj;
        }
        const seen = new Set(cp?.seen ?? []);
        const start = listingStart(stream, cp, self.lookbackMs, self.opts.window);
        for await (const obj of self.listStream(stream, start, (rel) => seen.has(rel) || pending.has(rel))) {
          byUri.set(obj.uri, { id, key: (obj.ref as Extract<ObjectRef, { kind: 's3' }>).key });
          yield obj;
        }
      }
    })();
    return {
      objects: readAhead(listed, this.opts.readAhead ?? 0),
      settle(uri: string, ok: boolean): void {
        const where = byUri.get(uri);
        if (!where) return;
        const o = outcomes.get(where.id)!;
        (ok ? o.processed : o.failed).push(where.key);
      },
      checkpoints: (): Checkpoints => {
        const out: Checkpoints = {};
        for (const [id, o] of outcomes) {
          const cp = checkpoints[id]?.layout === o.stream.layout ? checkpoints[id] : undefined;
          const next = advance(o.stream, cp, o.processed, o.failed, this.lookbackMs);
          if (next.retry && o.vanished.size) {
            next.retry = next.retry.filter((k) => !o.vanished.has(k));
            if (next.retry.length === 0) delete next.retry;
          }
          out[id] = next;
        }
        return out;
      },
    };
  }

  private async *listStream(stream: DiscoveredStream, start: ListingStart, skip: (rel: string) => boolean): AsyncGenerator<LogObject> {
    const window = this.opts.window ?? {};
    const until = window.until;
    let ignored = 0;
    for await (const o of listKeys(this.client, { bucket: this.bucket, prefix: stream.within, startAfter: start.startAfter }, this.opts.retry, this.opts.counters)) {
      if (!isLogKey(stream, o.key)) {
        ignored++;
        continue;
      }
      const t = keyTime(stream, o.key);
      // Keys of a stream sort by the time they encode: nothing after `--until` follows.
      if (until !== undefined && t !== undefined && t >= until) break;
      // The listing may start a little early (a whole event-time day folder, a CloudTrail minute).
      if (!inWindow(window, t, looksEventTime(stream, o.key) ? DAY : 0)) continue;
      this.opts.onListed?.(stream, o.key, t);
      if (skip(o.key.slice(stream.root.length))) continue;
      yield this.toObject(o);
    }
    if (ignored) log().debug({ stream: streamId({ bucket: stream.bucket, root: stream.within }), ignored }, 'keys that are not log objects of the stream were ignored');
  }

  private toObject(o: ListedKey): LogObject {
    return {
      uri: `s3://${this.bucket}/${o.key}`,
      size: o.size,
      lastModified: o.lastModified,
      ref: { kind: 's3', bucket: this.bucket, key: o.key, client: this.settings },
    };
  }

  /** A key that failed in an earlier run; undefined when it no longer exists. */
  private async retryObject(stream: DiscoveredStream, key: string): Promise<LogObject | undefined> {
    let found: ListedKey | undefined;
    try {
      found = await statKey(this.client, this.bucket, key, this.opts.retry);
    } catch {
      // Let the read report it (with its uri and error) and keep it for the next run.
      return this.toObject({ key });
    }
    if (!found) {
      log().warn({ uri: `s3://${this.bucket}/${key}`, stream: stream.within }, 'an object that failed in an earlier run no longer exists: dropped from the retry list');
      return undefined;
    }
    return this.toObject(found);
  }
}

/** Simultaneous GetObject streams per thread (`--concurrency`). */
let reading = 0;
const waiting: (() => void)[] = [];

async function acquire(): Promise<void> {
  while (reading >= s3ReadConcurrency()) await new Promise<void>((resolve) => waiting.push(resolve));
  reading++;
}

function release(): void {
  reading--;
  waiting.shift()?.();
}

function startRead(ref: Extract<ObjectRef, { kind: 's3' }>, retry: RetryPolicy): Promise<Readable> {
  const client = s3Client(ref.client);
  const what = `get s3://${ref.bucket}/${ref.key}`;
  const get = async (offset: number, etag: string | undefined): Promise<BodyPart> => {
    const res = await client.send(
      new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, ...(offset > 0 ? { Range: `bytes=${offset}-`, IfMatch: etag } : {}) }),
    );
    return { body: res.Body as Readable, length: res.ContentLength, etag: res.ETag };
  };
  return (async () => {
    await acquire();
    let first: BodyPart;
    try {
      first = await withRetries(what, () => get(0, undefined), retry);
    } catch (err) {
      release();
      throw new SourceError(describeError(err));
    }
    return resumableBody(first, get, what, retry, release);
  })();
}

/**
 * Objects whose GET was started before the parser asked for them (read-ahead when objects are
 * parsed in this thread). A paused response holds no more than its stream and socket buffers.
 */
const prefetched = new Map<string, Promise<Readable>>();

const uriOf = (ref: Extract<ObjectRef, { kind: 's3' }>): string => `s3://${ref.bucket}/${ref.key}`;

export function prefetchS3Object(ref: Extract<ObjectRef, { kind: 's3' }>, retry: RetryPolicy = retryPolicy()): void {
  const uri = uriOf(ref);
  if (prefetched.has(uri)) return;
  const read = startRead(ref, retry);
  // Awaited by openS3Object; a failure surfaces there, as the object's read error.
  read.catch(() => undefined);
  prefetched.set(uri, read);
}

export function dropPrefetched(uri: string): void {
  const read = prefetched.get(uri);
  prefetched.delete(uri);
  read?.then((body) => body.destroy(), () => undefined);
}

export function openS3Object(ref: Extract<ObjectRef, { kind: 's3' }>, retry: RetryPolicy = retryPolicy()): Promise<Readable> {
  const uri = uriOf(ref);
  const early = prefetched.get(uri);
  if (early) {
    prefetched.delete(uri);
    return early;
  }
  return startRead(ref, retry);
}

/**
 * Starts the GETs of the next `n` objects while the current one is parsed: `n + 1` objects in
 * flight for a pipeline that reads one object at a time (inline ingest). Worker threads open
 * their objects themselves, so this is only for objects parsed in this thread.
 */
export async function* readAhead(objects: AsyncIterable<LogObject>, n: number): AsyncGenerator<LogObject> {
  if (n <= 0) {
    yield* objects;
    return;
  }
  const queue: LogObject[] = [];
  try {
    for await (const o of objects) {
      if (o.ref.kind === 's3') prefetchS3Object(o.ref);
      queue.push(o);
      if (queue.length > n) yield queue.shift()!;
    }
    while (queue.length) yield queue.shift()!;
  } finally {
    for (const o of queue) dropPrefetched(o.uri);
  }
}
