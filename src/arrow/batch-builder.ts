/**
 * Builds RecordBatches of the event schema row by row, straight into Arrow buffers.
 * A parser appends to the columns it knows and calls `endRow()`; columns left unset
 * in that row become null.
 */
import { makeData, RecordBatch, Struct } from 'apache-arrow';
import { COLUMNS, EVENT_SCHEMA, type ColumnKind, type ColumnName } from '../schema.js';
import { BoolWriter, DictWriter, Int16Writer, Int32Writer, Int64Writer, Utf8Writer, type ColumnWriter } from './writers.js';

type WriterOf<K extends ColumnKind> = K extends 'dict'
  ? DictWriter
  : K extends 'utf8'
    ? Utf8Writer
    : K extends 'timestamp' | 'int64'
      ? Int64Writer
      : K extends 'int32'
        ? Int32Writer
        : K extends 'int16'
          ? Int16Writer
          : BoolWriter;

export type EventColumns = { readonly [S in (typeof COLUMNS)[number] as S['name']]: WriterOf<S['kind']> };

function writerFor(kind: ColumnKind): ColumnWriter {
  switch (kind) {
    case 'dict':
      return new DictWriter();
    case 'utf8':
      return new Utf8Writer();
    case 'timestamp':
    case 'int64':
      return new Int64Writer();
    case 'int32':
      return new Int32Writer();
    case 'int16':
      return new Int16Writer();
    case 'bool':
      return new BoolWriter();
  }
}

export const DEFAULT_BATCH_ROWS = 65_536;

export class EventBatchBuilder {
  /** Typed writers by column name: `b.cols.principal.appendBytes(buf, s, e)`. */
  readonly cols: EventColumns;
  private readonly writers: ColumnWriter[];
  rows = 0;
  /**
   * Incremented by every flush. Dictionary indices (from `intern`) are valid only within one
   * generation: a parser that caches them must re-intern when this changes — the builder is
   * shared by the parsers of consecutive objects, so another parser may have flushed it.
   */
  generation = 0;

  constructor(readonly maxRows = DEFAULT_BATCH_ROWS) {
    this.writers = COLUMNS.map((c) => writerFor(c.kind));
    this.cols = Object.fromEntries(COLUMNS.map((c, i) => [c.name, this.writers[i]])) as unknown as EventColumns;
  }

  /** Close the current row: pad columns it did not set. Returns true when the batch is full. */
  endRow(): boolean {
    const next = this.rows + 1;
    const ws = this.writers;
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i];
      if (w.length < next) w.appendNull();
    }
    this.rows = next;
    return next >= this.maxRows;
  }

  /** Drop a partly written row (a record that failed validation half-way). */
  abandonRow(): void {
    for (const w of this.writers) if (w.length > this.rows) w.truncate(this.rows);
  }

  get isEmpty(): boolean {
    return this.rows === 0;
  }

  /** Emit the rows built so far as one RecordBatch and start a new one. */
  flush(): RecordBatch {
    const length = this.rows;
    const fields = EVENT_SCHEMA.fields;
    const children = this.writers.map((w, i) => w.finish(fields[i].type));
    const data = makeData({ type: new Struct(fields), length, nullCount: 0, children });
    const batch = new RecordBatch(EVENT_SCHEMA, data);
    for (const w of this.writers) w.reset();
    this.rows = 0;
    this.generation++;
    return batch;
  }

  /** Was any value appended since the last call invalid UTF-8 (and replaced with U+FFFD)? */
  takeInvalidUtf8(): boolean {
    let hit = false;
    for (const w of this.writers) {
      const storage = w instanceof Utf8Writer ? w.storage : w instanceof DictWriter ? w.dict.values : undefined;
      if (storage?.invalidUtf8) {
        storage.invalidUtf8 = false;
        hit = true;
      }
    }
    return hit;
  }
}

export type { ColumnName };
