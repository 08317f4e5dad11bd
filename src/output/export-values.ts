/**
 * Reading result cells out of Arrow batches for the exporters: one normalised JS value per cell
 * (timestamps as ISO-8601 UTC text, dates as YYYY-MM-DD, 64-bit integers as bigint), whatever engine
 * produced the batch.
 */
import { DataType, type Field, type RecordBatch, type Vector } from 'apache-arrow';

export type Cell = string | number | bigint | boolean | null;

function isoDate(v: unknown, dateOnly: boolean): string {
  const ms = v instanceof Date ? v.getTime() : Number(v);
  const iso = new Date(ms).toISOString();
  return dateOnly ? iso.slice(0, 10) : iso;
}

/** A reader for one column: row → cell. */
export function cellReader(field: Field, vector: Vector): (row: number) => Cell {
  const t = field.type;
  if (DataType.isTimestamp(t) || DataType.isDate(t)) {
    const dateOnly = DataType.isDate(t);
    return (row) => {
      const v = vector.get(row);
      return v === null || v === undefined ? null : isoDate(v, dateOnly);
    };
  }
  return (row) => {
    const v = vector.get(row) as unknown;
    if (v === null || v === undefined) return null;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return v;
    if (v instanceof Date) return v.toISOString();
    if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  };
}

/** Readers for every column of a batch, in schema order. */
export function batchReaders(batch: RecordBatch): ((row: number) => Cell)[] {
  return batch.schema.fields.map((f, i) => cellReader(f, batch.getChildAt(i)!));
}

/** Text columns hold log-derived strings (the ones CSV must neutralise); numbers cannot start a formula. */
export function isTextField(field: Field): boolean {
  const t = field.type;
  return DataType.isUtf8(t) || DataType.isLargeUtf8(t) || (DataType.isDictionary(t) && DataType.isUtf8(t.dictionary));
}

/** A cell as plain text (table and CSV): null is empty. */
export function cellText(c: Cell): string {
  return c === null ? '' : String(c);
}

/** A cell as a JSON value: 64-bit integers beyond 2^53 stay exact as strings. */
export function jsonCell(c: Cell): string | number | boolean | null {
  if (typeof c === 'bigint') return c >= BigInt(Number.MIN_SAFE_INTEGER) && c <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(c) : c.toString();
  if (typeof c === 'number' && !Number.isFinite(c)) return null;
  return c;
}
