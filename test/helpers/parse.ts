/**
 * Test helper: run one parser module over bytes (optionally cut into chunks at given sizes)
 * and return the rows as plain objects plus the issues and counters.
 */
import { Table, type RecordBatch } from 'apache-arrow';
import { EventBatchBuilder } from '../../src/arrow/batch-builder.js';
import type { ParseIssue } from '../../src/issues.js';
import type { ObjectCounters, ParserModule } from '../../parsers/types.js';

export interface ParsedObject {
  rows: Record<string, unknown>[];
  table: Table;
  issues: ParseIssue[];
  counters: ObjectCounters;
  batches: number;
}

export function parseBytes(
  parser: ParserModule,
  bytes: Uint8Array,
  opts: { uri?: string; chunkSize?: number; batchRows?: number } = {},
): ParsedObject {
  const builder = new EventBatchBuilder(opts.batchRows);
  const batches: RecordBatch[] = [];
  const issues: ParseIssue[] = [];
  const counters: ObjectCounters = { records: 0, digests: 0, skipped: 0 };
  const p = parser.create({
    uri: opts.uri ?? 'test://object',
    builder,
    emitBatch: (b) => batches.push(b),
    issue: (i) => issues.push(i),
    counters,
  });
  const step = opts.chunkSize ?? bytes.length;
  for (let i = 0; i < bytes.length; i += Math.max(1, step)) p.push(bytes.subarray(i, Math.min(bytes.length, i + Math.max(1, step))));
  p.end();
  if (!builder.isEmpty) batches.push(builder.flush());
  const table = new Table(batches);
  const rows = table.toArray().map((r) => {
    const o = r.toJSON() as Record<string, unknown>;
    for (const k of Object.keys(o)) if (typeof o[k] === 'bigint') o[k] = Number(o[k]);
    return o;
  });
  return { rows, table, issues, counters, batches: batches.length };
}
