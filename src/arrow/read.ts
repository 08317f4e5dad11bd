/**
 * Reading event batches column-wise without per-row objects.
 */
import type { Data, RecordBatch, Vector } from 'apache-arrow';
import type { ColumnName } from '../schema.js';

export interface DictColumn {
  /** Dictionary index per row (meaningless where `valid(row)` is false). */
  indices: Int32Array;
  /** Dictionary values, decoded once per batch. */
  values: string[];
  valid(row: number): boolean;
  /** Value at row, or null. */
  get(row: number): string | null;
}

function validityOf(data: Data): (row: number) => boolean {
  const bitmap = data.nullBitmap;
  if (!bitmap || data.nullCount === 0) return () => true;
  const offset = data.offset;
  return (row) => {
    const i = row + offset;
    return (bitmap[i >>> 3] & (1 << (i & 7))) !== 0;
  };
}

/** A dictionary column of a batch (one chunk: batches built by trailhound have one). */
export function dictColumn(batch: RecordBatch, name: ColumnName): DictColumn {
  const vector = batch.getChild(name) as Vector;
  const data = vector.data[0];
  const dict = data.dictionary as Vector | undefined;
  const values: string[] = dict ? (dict.toArray() as unknown as string[]) : [];
  const indices = (data.values as Int32Array).subarray(data.offset, data.offset + data.length);
  const valid = validityOf(data);
  return {
    indices,
    values,
    valid,
    get: (row) => (valid(row) ? values[indices[row]] : null),
  };
}

/** Any column as a row accessor (strings, numbers; int64 as number). */
export function column<T = unknown>(batch: RecordBatch, name: ColumnName): (row: number) => T | null {
  const vector = batch.getChild(name) as Vector;
  return (row) => {
    const v = vector.get(row);
    return (typeof v === 'bigint' ? Number(v) : v) as T | null;
  };
}

/** A timestamp column as epoch milliseconds (NaN where null). */
export function timeColumn(batch: RecordBatch, name: ColumnName): Float64Array {
  const vector = batch.getChild(name) as Vector;
  const out = new Float64Array(batch.numRows);
  const data = vector.data[0];
  const valid = validityOf(data);
  const raw = data.values as BigInt64Array;
  const words = new Int32Array(raw.buffer, raw.byteOffset, raw.length * 2);
  for (let i = 0; i < batch.numRows; i++) {
    const j = 2 * (i + data.offset);
    out[i] = valid(i) ? words[j + 1] * 4294967296 + (words[j] >>> 0) : NaN;
  }
  return out;
}
