/**
 * The parser contract: a parser is fed the decompressed bytes of one log object chunk by chunk
 * and appends one row per request to the shared batch builder.
 */
import type { RecordBatch } from 'apache-arrow';
import type { EventBatchBuilder } from '../src/arrow/batch-builder.js';
import type { ParseIssue } from '../src/issues.js';
import type { LogKind } from '../src/schema.js';

export interface ObjectCounters {
  /** Events appended to the builder. */
  records: number;
  /** CloudTrail digest files recognised and skipped. */
  digests: number;
  /** Records recognised as not being log events (e.g. an S3 Event Notification) — also reported as issues. */
  skipped: number;
}

export interface ParseContext {
  /** Origin of the bytes; written to `origin_uri` of every row. */
  readonly uri: string;
  readonly builder: EventBatchBuilder;
  /** Call after `builder.endRow()` returned true (the batch is full). */
  emitBatch(batch: RecordBatch): void;
  issue(issue: ParseIssue): void;
  readonly counters: ObjectCounters;
}

export interface StreamParser {
  /** Feed the next chunk of decompressed bytes. Never throws on bad input. */
  push(chunk: Uint8Array): void;
  /** No more bytes: flush the pending tail (a last line without newline, a truncated record). */
  end(): void;
}

export interface ParserModule {
  readonly kind: LogKind;
  /** Does the head of a (decompressed) object look like this format? */
  sniff(head: Uint8Array): boolean;
  create(ctx: ParseContext): StreamParser;
}

/** Byte-level helpers shared by the parsers. */
export const MAX_LINE_BYTES = 1 << 20;
