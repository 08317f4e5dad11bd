/**
 * DuckDB results as Arrow RecordBatches, so both engines hand the exporters the same thing.
 * Scalar types map to their Arrow twins (timestamps as milliseconds, UTC); HUGEINT (DuckDB's sum of
 * BIGINT) becomes Int64 while it fits; DECIMAL becomes Float64; nested and exotic types become their
 * JSON text.
 */
import {
  DuckDBTypeId,
  JSDuckDBValueConverter,
  type DuckDBDataChunk,
  type DuckDBResult,
  type DuckDBType,
} from '@duckdb/node-api';
import {
  Bool,
  DateDay,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
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

const BATCH_ROWS = 16_384;

type Convert = (v: unknown) => unknown;

interface Mapping {
  arrow: DataType;
  convert: Convert;
}

const same: Convert = (v) => v;
const toMs: Convert = (v) => (v as Date).getTime();

function int64(v: unknown): bigint {
  const b = v as bigint;
  if (BigInt.asIntN(64, b) !== b) throw new QueryError(`a result value (${b}) does not fit a 64-bit integer`);
  return b;
}

function jsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x));
}

function mapping(t: DuckDBType): Mapping {
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return { arrow: new Bool(), convert: same };
    case DuckDBTypeId.TINYINT:
      return { arrow: new Int8(), convert: same };
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.UTINYINT:
      return { arrow: new Int16(), convert: same };
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.USMALLINT:
      return { arrow: new Int32(), convert: same };
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
      return { arrow: new Int64(), convert: (v) => (typeof v === 'number' ? BigInt(v) : v) };
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return { arrow: new Int64(), convert: int64 };
    case DuckDBTypeId.FLOAT:
      return { arrow: new Float32(), convert: same };
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
      return { arrow: new Float64(), convert: same };
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return { arrow: new Timestamp(TimeUnit.MILLISECOND, 'UTC'), convert: toMs };
    case DuckDBTypeId.DATE:
      return { arrow: new DateDay(), convert: toMs };
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.ENUM:
    case DuckDBTypeId.UUID:
      return { arrow: new Utf8(), convert: (v) => String(v) };
    default:
      return { arrow: new Utf8(), convert: jsonText };
  }
}

export function arrowSchemaOf(names: readonly string[], types: readonly DuckDBType[]): Schema {
  return new Schema(names.map((n, i) => new Field(n, mapping(types[i]).arrow, true)));
}

/** Streams a DuckDB result as Arrow batches of up to BATCH_ROWS rows. */
export async function* duckdbBatches(result: DuckDBResult, schema: Schema): AsyncGenerator<RecordBatch> {
  const converts = result.columnTypes().map((t) => mapping(t).convert);
  let builders: Builder[] = [];
  let rows = 0;
  const reset = (): void => {
    builders = schema.fields.map((f) => makeBuilder({ type: f.type, nullValues: [null, undefined] }));
    rows = 0;
  };
  const flush = (): RecordBatch => {
    const children = builders.map((b) => b.finish().flush());
    const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children }));
    reset();
    return batch;
  };
  reset();
  for (let chunk: DuckDBDataChunk | null = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const columns = chunk.convertColumns(JSDuckDBValueConverter);
    for (let c = 0; c < columns.length; c++) {
      const b = builders[c];
      const convert = converts[c];
      for (const v of columns[c]) b.append(v === null ? null : convert(v));
    }
    rows += chunk.rowCount;
    if (rows >= BATCH_ROWS) yield flush();
  }
  if (rows > 0) yield flush();
}
