/**
 * Log delivery duplicates some records: the same CloudTrail eventID in two files, the same
 * access-log request (bucket, request ID, host id, operation, key) in two objects. The key is part
 * of the access-log identity because a multi-object delete logs one BATCH.DELETE.OBJECT line per
 * key, all with the same request ID and host id. Each request is
 * observed once. Keys are kept as 52-bit fingerprints grouped by event hour; past `maxKeys` the
 * oldest hours are forgotten (counted), so memory stays bounded whatever the input size.
 */
import type { RecordBatch, Vector } from 'apache-arrow';
import { dictColumn, timeColumn } from '../arrow/read.js';
import { C, LOG_KIND } from '../schema.js';

const HOUR = 3_600_000;

function fingerprint(s: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 13);
  }
  return (h1 >>> 0) * 0x100000 + ((h2 >>> 0) & 0xfffff);
}

export class Deduplicator {
  private readonly byHour = new Map<number, Set<number>>();
  private size = 0;
  duplicates = 0;
  evictedKeys = 0;

  constructor(private readonly maxKeys = 2_000_000) {}

  /** Rows of the batch to observe, in order, without records already seen. */
  select(batch: RecordBatch): Int32Array {
    const n = batch.numRows;
    const keep = new Int32Array(n);
    let k = 0;
    const kind = dictColumn(batch, C.log_kind);
    const bucket = dictColumn(batch, C.bucket);
    const operation = dictColumn(batch, C.operation);
    const eventId = batch.getChild(C.event_id) as Vector;
    const requestId = batch.getChild(C.request_id) as Vector;
    const hostId = batch.getChild(C.host_id) as Vector;
    const objectKey = batch.getChild(C.object_key) as Vector;
    const times = timeColumn(batch, C.time);
    for (let row = 0; row < n; row++) {
      let key: string | null = null;
      const k0 = kind.get(row);
      if (k0 === LOG_KIND.cloudtrail) {
        const id = eventId.get(row) as string | null;
        if (id) key = `c${id}`;
      } else if (k0 === LOG_KIND.s3access) {
        const rid = requestId.get(row) as string | null;
        if (rid) key = `s${bucket.get(row) ?? ''}\u0000${rid}\u0000${(hostId.get(row) as string | null) ?? ''}\u0000${operation.get(row) ?? ''}\u0000${(objectKey.get(row) as string | null) ?? ''}`;
      }
      if (key === null || this.firstTime(fingerprint(key), times[row])) keep[k++] = row;
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
