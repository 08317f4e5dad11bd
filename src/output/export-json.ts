/**
 * Query results as JSON: `json` is one array of row objects, `ndjson` one object per line. Keys are
 * the column names; timestamps are ISO-8601 UTC strings; 64-bit integers are numbers while exact,
 * strings beyond 2^53.
 */
import type { RecordBatch } from 'apache-arrow';
import { batchReaders, jsonCell } from './export-values.js';

export function jsonRows(batch: RecordBatch): string[] {
  const read = batchReaders(batch);
  const names = batch.schema.fields.map((f) => f.name);
  const out: string[] = [];
  for (let r = 0; r < batch.numRows; r++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) row[names[c]] = jsonCell(read[c](r));
    out.push(JSON.stringify(row));
  }
  return out;
}
