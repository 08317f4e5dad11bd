/**
 * ExecutionParameters: Athena substitutes each value for a `?` as a SQL literal, in order
 * (FORMATS.md §3.5). So a string parameter must itself be a quoted literal — `'value'` with every `'`
 * doubled — or the value becomes SQL. User input only ever reaches a query through here; it is
 * never concatenated into query text.
 */
import { ConfigError } from '../errors.js';

/** A literal of a SQL type written as `TYPE 'text'` (validated text). */
export interface TypedLiteral {
  readonly sqlType: 'TIMESTAMP' | 'DATE';
  readonly text: string;
}

export type ParamValue = string | number | bigint | boolean | null | Date | TypedLiteral;

const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,3})?$/;
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;

/** `'O''Brien'`: the one quoting rule of SQL string literals (no backslash escapes in Trino). */
export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `2024-01-01 00:00:00.000` in UTC: Athena engine v3 timestamps have millisecond precision. */
export function formatTimestamp(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new ConfigError('invalid date in query parameter');
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** `TIMESTAMP '2024-01-01 00:00:00'` (UTC wall time), from a Date or checked text. */
export function timestampLiteral(value: Date | string): TypedLiteral {
  const text = value instanceof Date ? formatTimestamp(value) : value;
  if (!TIMESTAMP_TEXT.test(text)) throw new ConfigError(`not a timestamp (YYYY-MM-DD HH:MM:SS[.fff]): ${JSON.stringify(text)}`);
  return { sqlType: 'TIMESTAMP', text };
}

export function dateLiteral(value: Date | string): TypedLiteral {
  const text = value instanceof Date ? formatTimestamp(value).slice(0, 10) : value;
  if (!DATE_TEXT.test(text)) throw new ConfigError(`not a date (YYYY-MM-DD): ${JSON.stringify(text)}`);
  return { sqlType: 'DATE', text };
}

function isTypedLiteral(v: unknown): v is TypedLiteral {
  return typeof v === 'object' && v !== null && 'sqlType' in v && 'text' in v;
}

/** One parameter as the SQL literal Athena will splice in. */
export function toSqlLiteral(value: ParamValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ConfigError(`query parameter is not a finite number: ${value}`);
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      throw new ConfigError(`query parameter ${value} is beyond 2^53: pass it as a bigint`);
    }
    // Safe integers print without an exponent; other numbers may print as 1e-7, a valid DOUBLE literal.
    return String(value);
  }
  if (value instanceof Date) return `TIMESTAMP ${quoteString(formatTimestamp(value))}`;
  if (isTypedLiteral(value)) {
    const checked = value.sqlType === 'TIMESTAMP' ? timestampLiteral(value.text) : dateLiteral(value.text);
    return `${checked.sqlType} ${quoteString(checked.text)}`;
  }
  throw new ConfigError(`unsupported query parameter type: ${typeof value}`);
}

/**
 * Counts the `?` placeholders outside string literals, quoted identifiers and comments, so a count
 * mismatch is reported before the query is sent (Athena fails it later with ErrorType 1006).
 */
export function countPlaceholders(sql: string): number {
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      // a doubled quote inside is an escaped quote: skipping to the next quote and continuing handles it
      const close = sql.indexOf(c, i + 1);
      if (close < 0) break;
      i = close;
    } else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) break;
      i = end + 1;
    } else if (c === '?') {
      n++;
    }
  }
  return n;
}

/** The ExecutionParameters for a query, after checking their number against its `?` count. */
export function executionParameters(sql: string, params: readonly ParamValue[]): string[] | undefined {
  const expected = countPlaceholders(sql);
  if (expected !== params.length) {
    throw new ConfigError(`the query has ${expected} ? placeholder(s) but ${params.length} parameter(s) were given`);
  }
  // Athena rejects an empty ExecutionParameters list: omit it.
  return params.length === 0 ? undefined : params.map(toSqlLiteral);
}
