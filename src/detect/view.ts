/**
 * A read-only view of one batch for detectors: the rows that survived de-duplication, column
 * accessors decoded once per batch and shared by all detectors, and per-row replay flags.
 *
 * A batch can also be an aggregate (backfill: one row per group of requests computed in SQL):
 * then each row carries a weight — how many requests it stands for — and the time of the group's
 * last request. Detectors count `weight(row)` where they would count 1, read `time` as the group's
 * earliest and `lastTime` as its latest event time; both lie in the same detector window because
 * the SQL groups by it. For a batch of plain events every weight is 1 and `lastTime` is `time`.
 */
import type { RecordBatch, Vector } from 'apache-arrow';
import { dictColumn, timeColumn, type DictColumn } from '../arrow/read.js';
import { C, type ColumnName } from '../schema.js';
import { utf8Ids, type IdColumn } from './id-columns.js';
import type { EvidenceSample } from './finding.js';

/** Per batch row of an aggregate batch: requests it stands for, and its group's latest event time. */
export interface Aggregate {
  weights: Float64Array;
  lastTimes?: Float64Array;
}

export class EventView {
  private readonly dicts = new Map<ColumnName, DictColumn>();
  private readonly nums = new Map<ColumnName, Float64Array>();
  private readonly vectors = new Map<ColumnName, Vector>();
  private readonly ids = new Map<string, IdColumn>();

  /**
   * @param rows indices of the rows to observe (duplicates removed), ascending
   * @param replayed per-row flag (by batch row index): the row comes from an object already
   *   counted in the baselines by an earlier run; use it for evidence and windows, not for counts.
   * @param times the batch's event times when the caller already decoded them (the runner's dedup)
   */
  constructor(
    readonly batch: RecordBatch,
    readonly rows: Int32Array,
    private readonly replayedRows?: Uint8Array,
    private readonly aggregate?: Aggregate,
    private times?: Float64Array,
  ) {}

  /** How many requests the row stands for: 1 for an event, the group size for an aggregate row. */
  weight(row: number): number {
    return this.aggregate === undefined ? 1 : this.aggregate.weights[row];
  }

  /** Event time of the row's last request (epoch ms per batch row): `time` unless aggregated. */
  get lastTime(): Float64Array {
    return this.aggregate?.lastTimes ?? this.time;
  }

  get numRows(): number {
    return this.batch.numRows;
  }

  /** Event time in epoch ms per batch row (NaN when the record had no time). */
  get time(): Float64Array {
    return (this.times ??= timeColumn(this.batch, C.time));
  }

  replayed(row: number): boolean {
    return this.replayedRows !== undefined && this.replayedRows[row] === 1;
  }

  /** A dictionary column: `view.dict(C.principal).get(row)`, or compare indices for speed. */
  dict(name: ColumnName): DictColumn {
    let d = this.dicts.get(name);
    if (!d) {
      d = dictColumn(this.batch, name);
      this.dicts.set(name, d);
    }
    return d;
  }

  /** Per-batch ids of a utf8 column's values for `rows` (see id-columns.ts `utf8Ids`), shared by all detectors. */
  utf8Ids(name: ColumnName, prefixSlashes = 0): IdColumn {
    const k = `${name}/${prefixSlashes}`;
    let c = this.ids.get(k);
    if (!c) {
      c = utf8Ids(this.batch, name, this.rows, prefixSlashes);
      this.ids.set(k, c);
    }
    return c;
  }

  private vector(name: ColumnName): Vector {
    let v = this.vectors.get(name);
    if (!v) {
      v = this.batch.getChild(name) as Vector;
      this.vectors.set(name, v);
    }
    return v;
  }

  /** A utf8 column value (decoded on demand; prefer dict columns on hot paths). */
  str(name: ColumnName, row: number): string | null {
    return this.vector(name).get(row) as string | null;
  }

  /** An integer or timestamp column as float64 per batch row (NaN when null); int64 converted to number. */
  num(name: ColumnName): Float64Array {
    let n = this.nums.get(name);
    if (!n) {
      n = numericColumn(this.vector(name), this.batch.numRows);
      this.nums.set(name, n);
    }
    return n;
  }

  bool(name: ColumnName, row: number): boolean | null {
    return this.vector(name).get(row) as boolean | null;
  }

  /** The row as an evidence sample with its origin (file and line/record). */
  sample(row: number): EvidenceSample {
    const t = this.time[row];
    const status = this.num(C.http_status)[row];
    const index = this.num(C.origin_index)[row];
    return {
      time: Number.isNaN(t) ? null : new Date(t).toISOString(),
      origin_uri: this.dict(C.origin_uri).get(row),
      origin_index: Number.isNaN(index) ? null : index,
      log_kind: this.dict(C.log_kind).get(row),
      principal: this.dict(C.principal).get(row),
      action: this.dict(C.action).get(row),
      bucket: this.dict(C.bucket).get(row),
      object_key: this.str(C.object_key, row),
      source_ip: this.str(C.source_ip, row),
      user_agent: this.str(C.user_agent, row),
      error_code: this.dict(C.error_code).get(row),
      http_status: Number.isNaN(status) ? null : status,
      tls_version: this.dict(C.tls_version).get(row),
      event_id: this.str(C.event_id, row),
      request_id: this.str(C.request_id, row),
    };
  }
}

/** Reads an integer column straight from its buffers (no per-row Vector.get). */
function numericColumn(v: Vector, numRows: number): Float64Array {
  const out = new Float64Array(numRows);
  const data = v.data[0];
  const values = data.values as ArrayLike<number | bigint> & { buffer: ArrayBuffer; byteOffset: number; length: number };
  const off = data.offset;
  const bitmap = data.nullCount > 0 ? data.nullBitmap : undefined;
  if (values instanceof BigInt64Array) {
    const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    for (let i = 0; i < numRows; i++) out[i] = words[2 * (i + off) + 1] * 4294967296 + (words[2 * (i + off)] >>> 0);
  } else {
    const nums = values as ArrayLike<number>;
    for (let i = 0; i < numRows; i++) out[i] = nums[i + off];
  }
  if (bitmap) for (let i = 0; i < numRows; i++) if (((bitmap[(i + off) >>> 3] >> ((i + off) & 7)) & 1) === 0) out[i] = NaN;
  return out;
}
