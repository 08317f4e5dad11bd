/**
 * Reading a utf8 column's bytes without decoding a string per row, and memoising a verdict per
 * distinct value by a fingerprint of its bytes. User agents and source IPs are utf8 columns that
 * repeat heavily; a detector that needs a decision about each row (allow-listed? which network?)
 * decodes each distinct value once instead of once per row.
 */
import type { RecordBatch, Vector } from 'apache-arrow';
import type { ColumnName } from '../schema.js';

export interface Utf8Bytes {
  bytes: Uint8Array;
  /** `offsets[row]`..`offsets[row + 1]` delimit the row's bytes (offsets are already sliced). */
  offsets: Int32Array;
  valid(row: number): boolean;
}

/** A utf8 column of a batch (one chunk: batches built by trailhound have one). */
export function utf8Bytes(batch: RecordBatch, name: ColumnName): Utf8Bytes {
  const data = (batch.getChild(name) as Vector).data[0];
  const bitmap = data.nullBitmap;
  const offset = data.offset;
  const valid =
    !bitmap || data.nullCount === 0
      ? () => true
      : (row: number) => {
          const i = row + offset;
          return (bitmap[i >>> 3] & (1 << (i & 7))) !== 0;
        };
  return { bytes: data.values as Uint8Array, offsets: data.valueOffsets as Int32Array, valid };
}

/** 52-bit fingerprint of bytes [start, end): two 32-bit FNV-style hashes folded together. */
export function fingerprintBytes(bytes: Uint8Array, start: number, end: number): number {
  let h1 = 0x811c9dc5 ^ (end - start);
  let h2 = 0x01000193;
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 13);
  }
  return (h1 >>> 0) * 0x100000 + ((h2 >>> 0) & 0xfffff);
}

/**
 * value → verdict, computed once per distinct value (by fingerprint). Bounded: cleared when it
 * holds `maxEntries` (call `maybeReset` between batches, never inside a row loop).
 */
export class BytesMemo<T> {
  private map = new Map<number, T>();

  constructor(
    private readonly compute: (value: string) => T,
    /** Verdict for a null value. */
    private readonly none: T,
    private readonly maxEntries = 100_000,
  ) {}

  get(col: Utf8Bytes, row: number): T {
    if (!col.valid(row)) return this.none;
    const start = col.offsets[row];
    const end = col.offsets[row + 1];
    const fp = fingerprintBytes(col.bytes, start, end);
    let v = this.map.get(fp);
    if (v === undefined) {
      v = this.compute(Buffer.from(col.bytes.buffer, col.bytes.byteOffset + start, end - start).toString('utf8'));
      this.map.set(fp, v);
    }
    return v;
  }

  /** True when the memo was cleared (ids handed out from verdicts may then be reused). */
  maybeReset(): boolean {
    if (this.map.size < this.maxEntries) return false;
    this.map.clear();
    return true;
  }

  get size(): number {
    return this.map.size;
  }
}
