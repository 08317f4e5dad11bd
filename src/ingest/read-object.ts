/**
 * Reads one log object: gunzip when the magic bytes say so (streaming, capped against gzip
 * bombs), sniff the format from the content, and feed the bytes to the chosen parser.
 * Never throws on bad input: every problem becomes a ParseIssue.
 */
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import type { RecordBatch } from 'apache-arrow';
import type { EventBatchBuilder } from '../arrow/batch-builder.js';
import { excerpt, type IssueReason, type ParseIssue } from '../issues.js';
import type { LogKind } from '../schema.js';
import type { LogObject, OpenObject } from '../sources/types.js';
import type { ObjectCounters, ParserModule, StreamParser } from '../../parsers/types.js';
import { decompressedCap, type ReadLimits } from './limits.js';
import { chooseParser, isGzip, looksBinary, SNIFF_BYTES } from './sniff.js';

export interface ObjectResult extends ObjectCounters {
  uri: string;
  kind: LogKind | null;
  gzip: boolean;
  /** Bytes as stored (compressed when gzip). */
  storedBytes: number;
  /** Bytes after decompression: what the parser saw. */
  bytes: number;
  issues: number;
}

export interface ReadEnv {
  open: OpenObject;
  builder: EventBatchBuilder;
  parsers: readonly ParserModule[];
  limits: ReadLimits;
  /** Receives full batches; awaited between chunks so a slow consumer slows reading. */
  emitBatch(batch: RecordBatch): Promise<void> | void;
  issue(issue: ParseIssue): void;
}

/** Small local objects are read and gunzipped in one call: measurably faster than streaming. */
const WHOLE_FILE_MAX = 8 * 1024 * 1024;
const WHOLE_OUTPUT_MAX = 64 * 1024 * 1024;
const SLICE = 4 * 1024 * 1024;

class StopReading extends Error {}

export async function readObject(obj: LogObject, env: ReadEnv): Promise<ObjectResult> {
  const result: ObjectResult = { uri: obj.uri, kind: null, gzip: false, storedBytes: 0, bytes: 0, issues: 0, records: 0, digests: 0, skipped: 0 };
  const pending: RecordBatch[] = [];
  const report = (reason: IssueReason, message: string, extra: Partial<ParseIssue> = {}): void => {
    result.issues++;
    env.issue({ uri: obj.uri, reason, message, ...extra });
  };
  const counters: ObjectCounters = result;
  let parser: StreamParser | undefined;
  let head: Uint8Array[] = [];
  let headBytes = 0;
  let cap = Infinity;

  const flushPending = async (): Promise<void> => {
    while (pending.length > 0) await env.emitBatch(pending.shift()!);
  };

  const startParser = (): void => {
    const all = Buffer.concat(head);
    head = [];
    const chosen = chooseParser(env.parsers, all);
    if (!chosen) {
      if (looksBinary(all)) report('binary_data', `not a log: binary content ${excerpt(all, 0, all.length, 24)}`);
      else report('unknown_format', `neither CloudTrail JSON nor an S3 access log: ${excerpt(all, 0, all.length, 60)}`);
      throw new StopReading();
    }
    result.kind = chosen.kind;
    parser = chosen.create({
      uri: obj.uri,
      builder: env.builder,
      counters,
      emitBatch: (b) => pending.push(b),
      issue: (i) => {
        result.issues++;
        env.issue(i);
      },
    });
    for (let i = 0; i < all.length; i += SLICE) parser.push(all.subarray(i, Math.min(all.length, i + SLICE)));
  };

  const feed = async (chunk: Uint8Array): Promise<void> => {
    result.bytes += chunk.length;
    if (result.bytes > cap) {
      report('decompressed_size_exceeded', `decompressed size exceeds the cap of ${cap} bytes (gzip bomb?); stopped reading`);
      throw new StopReading();
    }
    if (parser) {
      for (let i = 0; i < chunk.length; i += SLICE) {
        parser.push(chunk.subarray(i, Math.min(chunk.length, i + SLICE)));
        await flushPending();
      }
      return;
    }
    head.push(chunk);
    headBytes += chunk.length;
    if (headBytes >= SNIFF_BYTES) {
      startParser();
      await flushPending();
    }
  };

  const finish = async (): Promise<void> => {
    if (!parser && headBytes > 0) startParser();
    if (parser) parser.end();
    else if (result.bytes === 0 && result.issues === 0) report('empty_file', result.gzip ? 'gzip object decompresses to nothing' : 'object is empty');
    await flushPending();
  };

  try {
    const whole = await readWholeIfSmall(obj);
    const stream = whole ? Readable.from([whole]) : await env.open(obj.ref);
    const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const first = await nextNonEmpty(chunks);
    if (first === undefined) {
      await finish();
      return result;
    }
    result.storedBytes += first.length;
    if (isGzip(first)) {
      result.gzip = true;
      const fast = whole ? tryGunzipSync(whole, Math.min(WHOLE_OUTPUT_MAX, decompressedCap(env.limits, whole.length, whole.length))) : undefined;
      if (fast) {
        cap = decompressedCap(env.limits, whole!.length, whole!.length);
        await feed(fast);
      } else {
        await gunzipStream(first, chunks, obj.size, env.limits, result, feed, (c) => (cap = c), report);
      }
    } else {
      cap = Infinity;
      await feed(first);
      for (let r = await chunks.next(); !r.done; r = await chunks.next()) {
        result.storedBytes += r.value.length;
        await feed(r.value);
      }
    }
    await finish();
  } catch (err) {
    if (!(err instanceof StopReading)) {
      report('read_error', `could not read object: ${(err as Error).message}`);
    }
    try {
      if (parser && !(err instanceof StopReading)) parser.end();
      await flushPending();
    } catch (inner) {
      report('read_error', `after a read error: ${(inner as Error).message}`);
    }
  }
  return result;
}

async function nextNonEmpty(it: AsyncIterator<Buffer>): Promise<Buffer | undefined> {
  for (;;) {
    const r = await it.next();
    if (r.done) return undefined;
    if (r.value.length > 0) return r.value;
  }
}

async function readWholeIfSmall(obj: LogObject): Promise<Buffer | undefined> {
  if (obj.ref.kind !== 'file' || obj.size === undefined || obj.size > WHOLE_FILE_MAX) return undefined;
  return readFile(obj.ref.path);
}

function tryGunzipSync(buf: Buffer, maxOutputLength: number): Buffer | undefined {
  try {
    return gunzipSync(buf, { maxOutputLength });
  } catch {
    // Truncated, corrupt or large: the streaming path salvages what it can and says why.
    return undefined;
  }
}

async function gunzipStream(
  first: Buffer,
  rest: AsyncIterator<Buffer>,
  size: number | undefined,
  limits: ReadLimits,
  result: ObjectResult,
  feed: (chunk: Uint8Array) => Promise<void>,
  setCap: (cap: number) => void,
  report: (reason: IssueReason, message: string) => void,
): Promise<void> {
  async function* compressed(): AsyncGenerator<Buffer> {
    yield first;
    for (let r = await rest.next(); !r.done; r = await rest.next()) {
      result.storedBytes += r.value.length;
      yield r.value;
    }
  }
  const src = Readable.from(compressed());
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  src.on('error', (e) => gunzip.destroy(e));
  src.pipe(gunzip);
  try {
    for await (const out of gunzip as AsyncIterable<Buffer>) {
      setCap(decompressedCap(limits, size, result.storedBytes));
      await feed(out);
    }
  } catch (err) {
    if (err instanceof StopReading) {
      src.destroy();
      gunzip.destroy();
      throw err;
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(e.message)) {
      report('truncated_gzip', `gzip stream ends early after ${result.bytes} decompressed bytes; records before the cut were kept`);
    } else if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_STREAM_ERROR') {
      report('corrupt_gzip', `gzip data is corrupt after ${result.bytes} decompressed bytes: ${e.message}`);
    } else {
      throw err;
    }
  }
}
