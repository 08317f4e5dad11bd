/**
 * Athena result columns → Arrow: the type each ColumnInfo.Type becomes, how its text form (the same
 * in GetQueryResults and in the CSV object) is read, and a builder that turns rows into batches.
 */
import type { ColumnInfo } from '@aws-sdk/client-athena';
import {
  Bool,
  Field,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  makeBuilder,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  TimeUnit,
  Timestamp,
  Utf8,
  type Builder,
  type DataType,
} from 'apache-arrow';
import { QueryError } from '../errors.js';

type Convert = (text: string) => unknown;

interface ColumnType {
  arrow: () => DataType;
  convert: Convert;
}

const INTEGER = /^-?\d+$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

function integer(bits: number): Convert {
  const limit = 2 ** (bits - 1);
  return (s) => {
    const v = INTEGER.test(s) ? Number(s) : NaN;
    if (!(v >= -limit && v < limit)) throw new Error(`not a ${bits}-bit integer`);
    return v;
  };
}

function float(s: string): number {
  // Athena prints NaN, Infinity and -Infinity, which Number() reads too.
  const v = Number(s);
  if (Number.isNaN(v) && s !== 'NaN') throw new Error('not a number');
  return v;
}

/** Athena's `2024-01-01 00:00:00.000` (UTC wall time for `timestamp`) → epoch milliseconds. */
export function parseTimestamp(s: string): number {
  const m = TIMESTAMP.exec(s);
  if (!m) throw new Error('not a timestamp');
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
}

const TYPES: Readonly<Record<string, ColumnType>> = {
  varchar: { arrow: () => new Utf8(), convert: (s) => s },
  bigint: {
    arrow: () => new Int64(),
    convert: (s) => {
      if (!INTEGER.test(s)) throw new Error('not an integer');
      return BigInt(s);
    },
  },
  integer: { arrow: () => new Int32(), convert: integer(32) },
  smallint: { arrow: () => new Int16(), convert: integer(16) },
  tinyint: { arrow: () => new Int8(), convert: integer(8) },
  double: { arrow: () => new Float64(), convert: float },
  real: { arrow: () => new Float32(), convert: float },
  boolean: {
    arrow: () => new Bool(),
    convert: (s) => {
      if (s === 'true') return true;
      if (s === 'false') return false;
      throw new Error('not a boolean');
    },
  },
  timestamp: { arrow: () => new Timestamp(TimeUnit.MILLISECOND, 'UTC'), convert: parseTimestamp },
};

const ALIASES: Readonly<Record<string, string>> = { int: 'integer', float: 'real', char: 'varchar', string: 'varchar' };
const TEXT: ColumnType = TYPES.varchar;

/**
 * `varchar(10)` → varchar, `timestamp(3)` → timestamp. Anything else (decimal, date, `timestamp with
 * time zone`, arrays, maps, rows, json …) stays text, exactly as Athena printed it.
 */
function columnType(athenaType: string | undefined): ColumnType {
  const base = (athenaType ?? '').toLowerCase().trim().replace(/\(.*\)$/, '');
  return TYPES[ALIASES[base] ?? base] ?? TEXT;
}

export function resultSchema(columns: readonly ColumnInfo[]): Schema {
  return new Schema(columns.map((c) => new Field(c.Name ?? '', columnType(c.Type).arrow(), true)));
}

/** Appends text rows to Arrow builders and cuts them into RecordBatches. */
export class ResultBatchBuilder {
  readonly schema: Schema;
  private readonly converters: Convert[];
  private builders: Builder[] = [];
  private rows = 0;

  constructor(private readonly columns: readonly ColumnInfo[]) {
    this.schema = resultSchema(columns);
    this.converters = columns.map((c) => columnType(c.Type).convert);
    this.reset();
  }

  get length(): number {
    return this.rows;
  }

  /** One row of text values; null is SQL NULL. */
  append(values: readonly (string | null | undefined)[]): void {
    if (values.length !== this.columns.length) {
      throw new QueryError(`an Athena result row has ${values.length} values for ${this.columns.length} columns`);
    }
    for (let i = 0; i < values.length; i++) {
      const text = values[i];
      if (text === null || text === undefined) {
        this.builders[i].append(null);
        continue;
      }
      let value: unknown;
      try {
        value = this.converters[i](text);
      } catch (err) {
        const c = this.columns[i];
        throw new QueryError(`Athena result column ${c.Name} (${c.Type}): ${(err as Error).message}: ${JSON.stringify(text.slice(0, 60))}`);
      }
      this.builders[i].append(value);
    }
    this.rows++;
  }

  flush(): RecordBatch {
    const children = this.builders.map((b) => b.flush());
    const data = makeData({ type: new Struct(this.schema.fields), length: this.rows, nullCount: 0, children });
    const batch = new RecordBatch(this.schema, data);
    this.reset();
    return batch;
  }

  private reset(): void {
    this.builders = this.schema.fields.map((f) => makeBuilder({ type: f.type, nullValues: [null] }));
    this.rows = 0;
  }
}
