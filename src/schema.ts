/**
 * The one event schema shared by both log kinds (DESIGN.md "The event schema").
 * Every other module names columns through `C`, never with string literals.
 */
import {
  Bool,
  Dictionary,
  Field,
  Int16,
  Int32,
  Int64,
  Schema,
  TimeUnit,
  Timestamp,
  Utf8,
  type DataType,
} from 'apache-arrow';

export type ColumnKind = 'timestamp' | 'dict' | 'utf8' | 'int16' | 'int32' | 'int64' | 'bool';

/** Column order is the Arrow field order; dictionary ids are the column index. */
export const COLUMNS = [
  { name: 'time', kind: 'timestamp' },
  { name: 'log_kind', kind: 'dict' },
  { name: 'event_source', kind: 'dict' },
  { name: 'action', kind: 'dict' },
  { name: 'operation', kind: 'dict' },
  { name: 'principal', kind: 'dict' },
  { name: 'principal_type', kind: 'dict' },
  { name: 'principal_arn', kind: 'utf8' },
  { name: 'session_name', kind: 'utf8' },
  { name: 'principal_account', kind: 'dict' },
  { name: 'invoked_by', kind: 'dict' },
  { name: 'access_key_id', kind: 'utf8' },
  { name: 'source_ip', kind: 'utf8' },
  { name: 'user_agent', kind: 'utf8' },
  { name: 'region', kind: 'dict' },
  { name: 'bucket', kind: 'dict' },
  { name: 'object_key', kind: 'utf8' },
  { name: 'owner_account', kind: 'dict' },
  { name: 'http_status', kind: 'int16' },
  { name: 'error_code', kind: 'dict' },
  { name: 'bytes_out', kind: 'int64' },
  { name: 'bytes_in', kind: 'int64' },
  { name: 'object_size', kind: 'int64' },
  { name: 'total_time_ms', kind: 'int32' },
  { name: 'tls_version', kind: 'dict' },
  { name: 'cipher_suite', kind: 'dict' },
  { name: 'signature_version', kind: 'dict' },
  { name: 'auth_type', kind: 'dict' },
  { name: 'request_id', kind: 'utf8' },
  { name: 'host_id', kind: 'utf8' },
  { name: 'event_id', kind: 'utf8' },
  { name: 'read_only', kind: 'bool' },
  { name: 'event_type', kind: 'dict' },
  { name: 'vpc_endpoint_id', kind: 'utf8' },
  { name: 'request_parameters', kind: 'utf8' },
  { name: 'origin_uri', kind: 'dict' },
  { name: 'origin_index', kind: 'int32' },
] as const satisfies readonly { name: string; kind: ColumnKind }[];

export type ColumnSpec = (typeof COLUMNS)[number];
export type ColumnName = ColumnSpec['name'];

/** Column names as constants: `C.principal === 'principal'`. */
export const C = Object.freeze(
  Object.fromEntries(COLUMNS.map((c) => [c.name, c.name])) as { readonly [K in ColumnName]: K },
);

/** Column index by name (the position in the schema and in every batch). */
export const COLUMN_INDEX = Object.freeze(
  Object.fromEntries(COLUMNS.map((c, i) => [c.name, i])) as { readonly [K in ColumnName]: number },
);

export const LOG_KIND = Object.freeze({ cloudtrail: 'cloudtrail', s3access: 's3access' } as const);
export type LogKind = (typeof LOG_KIND)[keyof typeof LOG_KIND];

export function arrowType(kind: ColumnKind, dictionaryId: number): DataType {
  switch (kind) {
    case 'timestamp':
      return new Timestamp(TimeUnit.MILLISECOND, 'UTC');
    case 'dict':
      return new Dictionary(new Utf8(), new Int32(), dictionaryId);
    case 'utf8':
      return new Utf8();
    case 'int16':
      return new Int16();
    case 'int32':
      return new Int32();
    case 'int64':
      return new Int64();
    case 'bool':
      return new Bool();
  }
}

export const EVENT_SCHEMA: Schema = new Schema(
  COLUMNS.map((c, i) => new Field(c.name, arrowType(c.kind, i), true)),
);

/** Column names in schema order, for SQL views and CSV headers. */
export const COLUMN_NAMES: readonly ColumnName[] = COLUMNS.map((c) => c.name);
