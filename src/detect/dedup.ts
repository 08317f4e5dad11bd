/**
 * Log delivery duplicates some records: the same CloudTrail eventID in two files, the same
 * access-log request (bucket, request ID, host id, operation, key) in two objects. The key is part
 * of the access-log identity because a multi-object delete logs one BATCH.DELETE.OBJECT line per
 * key, all with the same request ID and host id. Each request is observed once.
 *
 * Identities are 52-bit fingerprints hashed straight from the Arrow bytes (no string per row),
 * grouped by event hour; past `maxKeys` the oldest hours are forgotten (counted), so memory stays
 * bounded whatever the input size.
 */
import type { Data, RecordBatch, Vector } from 'apache-arrow';
import { dictColumn, timeColumn } from '../arrow/read.js';
import { C, LOG_KIND, type ColumnName } from '../schema.js';

const HOUR = 3_600_000;

/** Raw utf8 storage of a column (or of a dictionary's values). */
interface Utf8Bytes {
  offsets: Int32Array;
  bytes: Uint8Array;
  /** Row → value slot (identity for utf8 columns, the index for dictionary columns); -1 = null. */
  slot(row: number): number;
}

function validity(data: Data): (row: number) => boolean {
  const bitmap = data.nullBitmap;
  if (!bitmap || data.nullCount === 0) return () => true;
  const off = data.offset;
  return (row) => ((bitmap[(row + off) >>> 3] >> ((row + off) & 7)) & 1) === 1;
}

function utf8Bytes(batch: RecordBatch, name: ColumnName): Utf8Bytes {
  const data = (batch.getChild(name) as Vector).data[0];
  const valid = validity(data);
  const dict = data.dictionary as Vector | undefined;
  if (dict) {
    const values = dict.data[0];
    const indices = data.values as Int32Array;
    const off = data.offset;
    return { offsets: values.valueOffsets as Int32Array, bytes: values.values as Uint8Array, slot: (row) => (valid(row) ? indices[row + off] : -1) };
  }
  const off = data.offset;
  return { offsets: data.valueOffsets as Int32Array, bytes: data.values as Uint8Array, slot: (row) => (valid(row) ? row + off : -1) };
}

let h1 = 0;
let h2 = 0;

function start(tag: number): void {
  h1 = Math.imul(0x811c9dc5 ^ tag, 0x01000193);
  h2 = Math.imul(0x01000193 ^ tag, 0x5bd1e995);
}

/** Feed one field (its bytes, then a separator so fields can't run into each other); true when non-empty. */
function feed(col: Utf8Bytes, row: number): boolean {
  const s = col.slot(row);
  if (s >= 0) {
    const bytes = col.bytes;
    for (let i = col.offsets[s], end = col.offsets[s + 1]; i < end; i++) {
      const c = bytes[i];
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 13);
    }
  }
  h1 = Math.imul(h1 ^ 0x1f, 0x01000193);
  h2 = Math.imul(h2 ^ 0x1f, 0x5bd1e995) ^ (h2 >>> 13);
  return s >= 0 && col.offsets[s + 1] > col.offsets[s];
}

function fingerprint(): number {
  return (h1 >>> 0) * 0x100000 + ((h2 >>> 0) & 0xfffff);
}

export class Deduplicator {
  private readonly byHour = new Map<number, Set<number>>();
  private size = 0;
  duplicates = 0;
  evictedKeys = 0;

  constructor(private readonly maxKeys = 2_000_000) {}

  /** Rows of the batch to observe, in order, without records already seen. */
  select(batch: RecordBatch, times: Float64Array = timeColumn(batch, C.time)): Int32Array {
    const n = batch.numRows;
    const keep = new Int32Array(n);
    let k = 0;
    const kind = dictColumn(batch, C.log_kind);
    const kindIsCloudTrail = kind.values.map((v) => v === LOG_KIND.cloudtrail);
    const kindIsAccessLog = kind.values.map((v) => v === LOG_KIND.s3access);
    const eventId = utf8Bytes(batch, C.event_id);
    const bucket = utf8Bytes(batch, C.bucket);
    const requestId = utf8Bytes(batch, C.request_id);
    const hostId = utf8Bytes(batch, C.host_id);
    const operation = utf8Bytes(batch, C.operation);
    const objectKey = utf8Bytes(batch, C.object_key);
    for (let row = 0; row < n; row++) {
      let keyed = false;
      if (kind.valid(row)) {
        const kk = kind.indices[row];
        if (kindIsCloudTrail[kk]) {
          start(1);
          keyed = feed(eventId, row);
        } else if (kindIsAccessLog[kk]) {
          start(2);
          feed(bucket, row);
          keyed = feed(requestId, row);
          feed(hostId, row);
          feed(operation, row);
          feed(objectKey, row);
        }
      }
      if (!keyed || this.firstTime(fingerprint(), times[row])) keep[k++] = row;
      else this.duplicates++;
    }
    return keep.subarray(0, k);
  }

  private firstTime(fp: number, time: number): boolean {
    const hour = Number.isNaN(time) ? -1 : Math.floor(time / HOUR);
    let set = this.byHour.get(hour);
    if (set?.has(fp)) return false;
    if (!set) {
      set = new Set();
      this.byHour.set(hour, set);
    }
    set.add(fp);
    if (++this.size > this.maxKeys) this.evictOldest();
    return true;
  }

  private evictOldest(): void {
    let oldest = Infinity;
    for (const h of this.byHour.keys()) if (h < oldest) oldest = h;
    const set = this.byHour.get(oldest);
    if (!set) return;
    this.size -= set.size;
    this.evictedKeys += set.size;
    this.byHour.delete(oldest);
  }
}
