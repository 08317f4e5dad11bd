/**
 * Batch columns as small per-batch ids: dictionary columns by their index, utf8 columns (source
 * IPs, user agents, key prefixes) by a hash of their bytes, so a detector can aggregate per value
 * in typed arrays and decode a string only once per distinct value per batch. Each id has a
 * stable 52-bit hash for structures that outlive the batch.
 */
import type { RecordBatch, Vector } from 'apache-arrow';
import type { DictColumn } from '../arrow/read.js';
import type { ColumnName } from '../schema.js';

const SLASH = 0x2f;
const decoder = new TextDecoder();

export interface IdColumn {
  /** Id per batch row (set for the rows asked for); -1 where the value is null. */
  readonly ids: Int32Array;
  /** Number of distinct ids. */
  readonly size: number;
  /** Stable hash of an id's value (equal values in any batch hash alike within one column kind). */
  hash(id: number): number;
  /** The value of an id (decoded once). */
  name(id: number): string;
}

function mix(h1: number, h2: number): number {
  return (h1 >>> 0) * 0x100000 + ((h2 >>> 0) & 0xfffff);
}

export function hashString(s: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 13);
  }
  return mix(h1, h2);
}

/** The two halves of the last `hashBytes` (no allocation per call). */
let lo = 0;
let hi = 0;

function hashBytes(bytes: Uint8Array, start: number, end: number): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 13);
  }
  lo = h1;
  hi = h2;
}

function sameBytes(bytes: Uint8Array, a: number, b: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (bytes[a + i] !== bytes[b + i]) return false;
  return true;
}

/** A dictionary column: ids are its indices. */
export function dictIds(col: DictColumn, numRows: number, rows: Int32Array): IdColumn {
  const ids = new Int32Array(numRows).fill(-1);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (col.valid(r)) ids[r] = col.indices[r];
  }
  const hashes: number[] = [];
  return {
    ids,
    size: col.values.length,
    hash: (id) => (hashes[id] ??= hashString(col.values[id])),
    name: (id) => col.values[id],
  };
}

/**
 * A utf8 column. With `prefixSlashes` > 0 only a key prefix counts: up to and including the n-th
 * `/`, or the last `/` when there are fewer, or the whole value when there is none
 * (`a/b/c/d.csv` → `a/b/` for n = 2).
 */
export function utf8Ids(batch: RecordBatch, name: ColumnName, rows: Int32Array, prefixSlashes = 0): IdColumn {
  const data = (batch.getChild(name) as Vector).data[0];
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const bitmap = data.nullCount > 0 ? data.nullBitmap : null;
  const base = data.offset;
  const ids = new Int32Array(batch.numRows).fill(-1);
  // Keyed by 30 bits of the hash (small-integer keys are cheap); the full hash settles collisions.
  const byHash = new Map<number, number>();
  const collided = new Map<number, number>();
  const hashes: number[] = [];
  const spans: number[] = [];
  const names: string[] = [];
  let prevStart = 0;
  let prevLen = -1;
  let prevId = -1;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const bit = r + base;
    if (bitmap && (bitmap[bit >>> 3] & (1 << (bit & 7))) === 0) continue;
    const start = offsets[r];
    let end = offsets[r + 1];
    if (prefixSlashes > 0) {
      let seen = 0;
      let cut = -1;
      for (let j = start; j < end && seen < prefixSlashes; j++) {
        if (bytes[j] === SLASH) {
          seen++;
          cut = j + 1;
        }
      }
      if (cut > 0) end = cut;
    }
    // Neighbouring rows often repeat a value: compare bytes before hashing.
    if (end - start === prevLen && sameBytes(bytes, start, prevStart, prevLen)) {
      ids[r] = prevId;
      continue;
    }
    hashBytes(bytes, start, end);
    const h = mix(lo, hi);
    const small = lo >>> 2;
    let id = byHash.get(small);
    if (id !== undefined && hashes[id] !== h) id = collided.get(h);
    if (id === undefined) {
      id = hashes.length;
      if (byHash.has(small)) collided.set(h, id);
      else byHash.set(small, id);
      hashes.push(h);
      spans.push(start, end);
    }
    ids[r] = id;
    prevStart = start;
    prevLen = end - start;
    prevId = id;
  }
  return {
    ids,
    size: hashes.length,
    hash: (id) => hashes[id],
    name: (id) => (names[id] ??= decoder.decode(bytes.subarray(spans[2 * id], spans[2 * id + 1]))),
  };
}
