/**
 * CloudTrail parser: delivered log files (`{"Records":[…]}`, minified or pretty-printed), NDJSON
 * (one event per line, e.g. CloudTrail Lake exports), JSON arrays of events, EventBridge envelopes
 * (event in `detail`) and CloudWatch Logs subscription envelopes (events as JSON strings in
 * `logEvents[].message`), each possibly one per line.
 *
 * origin_index and issue positions: in a file whose first value is a Records wrapper or a JSON
 * array, the 0-based index of the record in the array (issues carry `record`); otherwise the
 * 1-based line where the top-level value starts (issues carry `line`). Events unpacked from an
 * envelope share the envelope's position.
 *
 * Not events: digest files are counted (`counters.digests`) and skipped; S3 Event Notifications
 * and records whose eventTime is not a time are reported and counted as skipped.
 *
 * Leniencies (for speed; a strict JSON.parse pass would catch them): values nobody reads are only
 * walked, not validated (a bad literal, a raw control character, `[}` inside them go unnoticed);
 * numbers are checked only where used; a trailing comma before `]` in an array is accepted; a
 * wrapper with two `Records` keys streams the first (JSON.parse would keep the last).
 */
import type { EventBatchBuilder } from '../src/arrow/batch-builder.js';
import { excerpt, type IssueReason } from '../src/issues.js';
import { LOG_KIND } from '../src/schema.js';
import { CLOUDTRAIL_FIELDS, EVENT_KEYS, F, SCANNER_WARM_UP } from './cloudtrail-fields.js';
import { CloudTrailRowWriter, RowOrigin, WriteResult } from './cloudtrail-record.js';
import { asBuffer, utf8Bytes } from './cloudtrail-values.js';
import { ABSENT, ARRAY, OBJECT, STRING, SelectiveScanner, skipSpace, skipValue } from './json-scan.js';
import { DEFAULT_MAX_VALUE_BYTES, JsonSplitter, type SplitterSink } from './json-splitter.js';
import type { ParseContext, ParserModule, StreamParser } from './types.js';

export interface CloudTrailOptions {
  /** Largest single record or envelope held in memory; bigger ones are reported and skipped. */
  maxRecordBytes?: number;
}

/** Envelopes inside envelopes deeper than this are not unpacked. */
const MAX_NESTING = 4;
const S3_NOTIFICATION_SOURCE = Buffer.from('aws:s3');

export function createCloudTrailParser(ctx: ParseContext, options: CloudTrailOptions = {}): StreamParser {
  return new CloudTrailStream(ctx, options.maxRecordBytes ?? DEFAULT_MAX_VALUE_BYTES);
}

export const cloudTrailParser: ParserModule = {
  kind: LOG_KIND.cloudtrail,
  sniff(head: Uint8Array): boolean {
    let i = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
    i = skipSpace(head, i, head.length);
    return i < head.length && (head[i] === 0x7b || head[i] === 0x5b);
  },
  create: (ctx) => createCloudTrailParser(ctx),
};

/** Scanner and row writer per batch builder: built once, reused by every object's parser. */
const shared = new WeakMap<EventBatchBuilder, { scanner: SelectiveScanner; rows: CloudTrailRowWriter }>();

function sharedFor(builder: EventBatchBuilder): { scanner: SelectiveScanner; rows: CloudTrailRowWriter } {
  let s = shared.get(builder);
  if (!s) {
    const scanner = new SelectiveScanner(CLOUDTRAIL_FIELDS);
    scanner.warmUp(SCANNER_WARM_UP);
    s = { scanner, rows: new CloudTrailRowWriter(scanner, builder) };
    shared.set(builder, s);
  }
  return s;
}

class CloudTrailStream implements StreamParser, SplitterSink {
  private readonly scanner: SelectiveScanner;
  private readonly splitter: JsonSplitter;
  private readonly rows: CloudTrailRowWriter;
  private readonly origin: RowOrigin;

  constructor(
    private readonly ctx: ParseContext,
    maxRecordBytes: number,
  ) {
    // Sharing is safe: scanner slots and writer state live only within one synchronous value() call.
    ({ scanner: this.scanner, rows: this.rows } = sharedFor(ctx.builder));
    this.splitter = new JsonSplitter(this.scanner, this, maxRecordBytes);
    this.origin = new RowOrigin(ctx.uri);
  }

  push(chunk: Uint8Array): void {
    this.splitter.push(chunk);
  }

  end(): void {
    this.splitter.end();
  }

  value(buf: Uint8Array, start: number, end: number, at: number): void {
    this.classify(buf, start, end, at, 0, false);
  }

  problem(reason: IssueReason, message: string, at: number, buf?: Uint8Array, start = 0, end = 0): void {
    const where = buf && end > start ? `: ${excerpt(buf, start, end)}` : '';
    const pos = this.splitter.byLine ? { line: at } : { record: at };
    this.ctx.issue({ uri: this.ctx.uri, ...pos, reason, message: message + where });
  }

  /** Decide what a scanned object is; the scanner's slots describe `[start, end)` of `buf`. */
  private classify(buf: Uint8Array, start: number, end: number, at: number, depth: number, canonical: boolean): void {
    const sc = this.scanner;
    const kind = sc.kind;
    this.rows.values.reset(buf);
    if (sc.escapedKey && !canonical) return this.canonicalize(buf, start, end, at, depth);
    if (depth > MAX_NESTING) return this.problem('unknown_format', 'envelopes nested too deeply', at, buf, start, end);
    if (kind[F.records] === ARRAY) return this.records(buf, sc.start[F.records], sc.end[F.records], at, depth);
    if (kind[F.digestStartTime] !== ABSENT || kind[F.digestEndTime] !== ABSENT || kind[F.digestS3Object] !== ABSENT) {
      this.ctx.counters.digests++;
      return;
    }
    if (kind[F.detail] === OBJECT && kind[F.detailType] !== ABSENT) {
      return this.nested(buf, sc.start[F.detail], sc.end[F.detail], at, depth);
    }
    if (kind[F.logEvents] === ARRAY) return this.cloudWatch(buf, sc.start[F.logEvents], sc.end[F.logEvents], at, depth);
    if (this.isS3Notification(buf)) {
      this.ctx.counters.skipped++;
      return this.problem('unknown_format', 'S3 Event Notification, not a CloudTrail record', at, buf, start, end);
    }
    for (let i = 0; i < EVENT_KEYS.length; i++) if (kind[EVENT_KEYS[i]] !== ABSENT) return this.event(buf, at);
    this.problem('unknown_format', 'JSON object without CloudTrail fields', at, buf, start, end);
  }

  private event(buf: Uint8Array, at: number): void {
    const ctx = this.ctx;
    const result = this.rows.write(buf, at, this.origin);
    switch (result) {
      case WriteResult.Placeholder:
        ctx.counters.skipped++;
        this.problem('unknown_format', 'placeholder record (its values are the field names), not an event; skipped', at);
        return;
      case WriteResult.WrittenWithInvalidTime: {
        const sc = this.scanner;
        this.problem('invalid_event_time', 'eventTime is not a time; kept with a null time', at, buf, sc.start[F.eventTime], sc.end[F.eventTime]);
        break;
      }
      case WriteResult.BadEscape:
        this.problem('malformed_json', 'invalid string escape; record skipped', at);
        return;
      case WriteResult.WrittenWithoutTime:
        this.problem('missing_event_time', 'record has no eventTime; kept with a null time', at);
        break;
      case WriteResult.Written:
        break;
    }
    ctx.counters.records++;
    if (this.rows.invalidUtf8) this.problem('invalid_utf8', 'invalid UTF-8 in a string value; replaced with U+FFFD', at);
    const b = ctx.builder;
    if (b.rows >= b.maxRows) ctx.emitBatch(b.flush());
  }

  private isS3Notification(buf: Uint8Array): boolean {
    const sc = this.scanner;
    const kind = sc.kind;
    if (kind[F.s3] === OBJECT && (kind[F.s3Bucket] !== ABSENT || kind[F.s3Object] !== ABSENT)) return true;
    if (kind[F.eventSource] === STRING) {
      const s = sc.start[F.eventSource];
      if (sc.end[F.eventSource] - s !== S3_NOTIFICATION_SOURCE.length) return false;
      for (let j = 0; j < S3_NOTIFICATION_SOURCE.length; j++) if (buf[s + j] !== S3_NOTIFICATION_SOURCE[j]) return false;
      return true;
    }
    return kind[F.eventSource] !== ABSENT && this.rows.values.text(F.eventSource) === 'aws:s3';
  }

  /** Scan a complete object inside an envelope and classify it. */
  private nested(buf: Uint8Array, start: number, end: number, at: number, depth: number): void {
    const r = this.scanner.scan(buf, start, end, false);
    if (r !== end) return this.problem('malformed_json', 'envelope content is not a valid JSON object', at, buf, start, end);
    this.classify(buf, start, end, at, depth + 1, false);
  }

  /** A Records array that could not be streamed (inside an array element or an envelope). */
  private records(buf: Uint8Array, start: number, end: number, at: number, depth: number): void {
    let i = start + 1;
    for (;;) {
      i = skipSpace(buf, i, end);
      if (i >= end || buf[i] === 0x5d) return;
      const s = i;
      i = skipValue(buf, i, end);
      if (i < 0) return this.problem('malformed_json', 'Records element is not valid JSON', at, buf, s, end);
      const elementAt = depth === 0 ? this.splitter.nestedRecordPosition(at) : at;
      if (buf[s] === 0x7b) this.nested(buf, s, i, elementAt, depth);
      else this.problem('unknown_format', 'Records element is not an object', elementAt, buf, s, i);
      i = skipSpace(buf, i, end);
      if (buf[i] === 0x2c) i++;
    }
  }

  /** CloudWatch Logs subscription envelope: each event is a JSON string in logEvents[].message. */
  private cloudWatch(buf: Uint8Array, start: number, end: number, at: number, depth: number): void {
    if (this.rows.values.text(F.messageType) === 'CONTROL_MESSAGE') return;
    const events = parseJson(asBuffer(buf).toString('utf8', start, end));
    if (!Array.isArray(events)) return this.problem('malformed_json', 'logEvents is not valid JSON', at, buf, start, end);
    for (const e of events as unknown[]) {
      const message = e !== null && typeof e === 'object' ? (e as { message?: unknown }).message : undefined;
      if (typeof message !== 'string') {
        this.problem('unknown_format', 'CloudWatch log event without a message string', at);
        continue;
      }
      const bytes = utf8Bytes(message);
      const s = skipSpace(bytes, 0, bytes.length);
      let n = bytes.length;
      while (n > s && (bytes[n - 1] === 0x20 || bytes[n - 1] === 0x0a || bytes[n - 1] === 0x0d || bytes[n - 1] === 0x09)) n--;
      if (bytes[s] !== 0x7b) {
        this.problem('unknown_format', 'CloudWatch log message is not a JSON object', at, bytes, s, n);
        continue;
      }
      this.nested(bytes, s, n, at, depth);
    }
  }

  /**
   * A key with escapes could spell a wanted field (`"event\u0054ime"`): re-serialise the record
   * with JSON.stringify, whose keys carry no escapes for ordinary names, and scan that instead.
   */
  private canonicalize(buf: Uint8Array, start: number, end: number, at: number, depth: number): void {
    const value = parseJson(asBuffer(buf).toString('utf8', start, end));
    if (value === undefined) return this.problem('malformed_json', 'not valid JSON', at, buf, start, end);
    const canon = utf8Bytes(JSON.stringify(value));
    if (this.scanner.scan(canon, 0, canon.length, false) !== canon.length) {
      return this.problem('malformed_json', 'not valid JSON', at, buf, start, end);
    }
    this.classify(canon, 0, canon.length, at, depth, true);
  }
}

/** JSON.parse for the slow paths; undefined when the text is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
