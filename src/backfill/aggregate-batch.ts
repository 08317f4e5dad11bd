/**
 * A backfill result batch → an aggregate batch of the event schema for the detectors: the result's
 * columns named like event columns are copied into their event-schema types (dictionary strings,
 * Int64 timestamps …), the other event columns stay null; `event_count` becomes the row weights and
 * `time_last` the rows' latest event times (`time` where absent). Results are aggregates (a few rows
 * per group of requests), so this reads them cell by cell.
 */
import type { RecordBatch, Vector } from 'apache-arrow';
import { EventBatchBuilder } from '../arrow/batch-builder.js';
import type { BoolWriter, DictWriter, Int16Writer, Int32Writer, Int64Writer, Utf8Writer } from '../arrow/writers.js';
import { QueryError } from '../errors.js';
import { C, COLUMN_INDEX, COLUMNS, type ColumnKind, type ColumnName } from '../schema.js';

export const WEIGHT_COLUMN = 'event_count';
export const LAST_TIME_COLUMN = 'time_last';

export interface AggregateBatch {
  batch: RecordBatch;
  weights: Float64Array;
  lastTimes: Float64Array;
  /** Requests the rows stand for (the sum of the weights). */
  requests: number;
}

type Writer = DictWriter | Utf8Writer | Int64Writer | Int32Writer | Int16Writer | BoolWriter;

function millis(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  return Number(v);
}

function write(w: Writer, kind: ColumnKind, v: unknown): void {
  switch (kind) {
    case 'dict':
    case 'utf8':
      (w as Utf8Writer | DictWriter).appendString(String(v));
      return;
    case 'timestamp':
      (w as Int64Writer).append(millis(v));
      return;
    case 'int64':
    case 'int32':
    case 'int16':
      (w as Int64Writer | Int32Writer | Int16Writer).append(Number(v));
      return;
    case 'bool':
      (w as BoolWriter).append(v === true || v === 'true');
      return;
  }
}

export function toAggregateBatch(result: RecordBatch, what: string): AggregateBatch {
  const n = result.numRows;
  const names = result.schema.fields.map((f) => f.name);
  if (!names.includes(C.time) || !names.includes(WEIGHT_COLUMN)) {
    throw new QueryError(`${what}: a backfill result needs the columns "time" and "${WEIGHT_COLUMN}" (got ${names.join(', ')})`);
  }
  const unknown = names.filter((name) => !(name in COLUMN_INDEX) && name !== WEIGHT_COLUMN && name !== LAST_TIME_COLUMN);
  if (unknown.length) throw new QueryError(`${what}: result columns that are not event columns: ${unknown.join(', ')}`);

  const builder = new EventBatchBuilder(Math.max(1, n));
  const columns = names
    .filter((name): name is ColumnName => name in COLUMN_INDEX)
    .map((name) => {
      const kind = COLUMNS[COLUMN_INDEX[name]].kind;
      return { vector: result.getChild(name) as Vector, kind, writer: builder.cols[name] as Writer };
    });
  const weight = result.getChild(WEIGHT_COLUMN) as Vector;
  const last = names.includes(LAST_TIME_COLUMN) ? (result.getChild(LAST_TIME_COLUMN) as Vector) : null;
  const time = result.getChild(C.time) as Vector;
  const weights = new Float64Array(n);
  const lastTimes = new Float64Array(n);
  let requests = 0;
  for (let r = 0; r < n; r++) {
    for (const c of columns) {
      const v: unknown = c.vector.get(r);
      if (v !== null && v !== undefined) write(c.writer, c.kind, v);
    }
    builder.endRow();
    const w = Number(weight.get(r) ?? 0);
    weights[r] = w;
    requests += w;
    const t: unknown = time.get(r);
    const l: unknown = last?.get(r);
    lastTimes[r] = l !== null && l !== undefined ? millis(l) : t !== null && t !== undefined ? millis(t) : NaN;
  }
  return { batch: builder.flush(), weights, lastTimes, requests };
}
