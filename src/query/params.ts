/**
 * Query parameters: typed values for the `?` placeholders of a query, parsed from the command line
 * and bound by each engine its own way (DuckDB prepared statements, Athena ExecutionParameters).
 * A value never becomes SQL text here.
 */
import { ConfigError } from '../errors.js';

export const PARAM_TYPES = ['string', 'timestamp', 'integer', 'double', 'boolean'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

export type QueryParam =
  | { type: 'string'; value: string }
  | { type: 'timestamp'; value: Date }
  | { type: 'integer'; value: bigint }
  | { type: 'double'; value: number }
  | { type: 'boolean'; value: boolean };

const DURATION = /^(\d+)\s*(m|h|d|w)$/;
const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A point in time: an ISO date (`2026-03-01`, UTC midnight), a date and time (`2026-03-01T10:00Z`,
 * `2026-03-01 10:00:00`; UTC unless an offset is given), or a duration before `now` (`30m`, `12h`,
 * `7d`, `2w`).
 */
export function parseInstant(text: string, what: string, now: Date = new Date()): Date {
  const s = text.trim();
  const d = DURATION.exec(s);
  if (d) return new Date(now.getTime() - Number(d[1]) * UNIT_MS[d[2]]);
  let ms = NaN;
  if (DATE_ONLY.test(s)) ms = Date.parse(`${s}T00:00:00Z`);
  else if (DATE_TIME.test(s)) {
    const iso = s.replace(' ', 'T');
    ms = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`);
  }
  if (Number.isNaN(ms)) throw new ConfigError(`${what}: not a date, date-time or duration (2026-03-01, 2026-03-01T10:00:00Z, 7d): ${JSON.stringify(text)}`);
  return new Date(ms);
}

/** A command-line value as a parameter of the given type. */
export function parseParam(type: ParamType, text: string, what: string, now?: Date): QueryParam {
  switch (type) {
    case 'string':
      return { type, value: text };
    case 'timestamp':
      return { type, value: parseInstant(text, what, now) };
    case 'integer': {
      if (!/^-?\d+$/.test(text.trim())) throw new ConfigError(`${what}: not an integer: ${JSON.stringify(text)}`);
      const value = BigInt(text.trim());
      if (BigInt.asIntN(64, value) !== value) throw new ConfigError(`${what}: beyond a 64-bit integer: ${text}`);
      return { type, value };
    }
    case 'double': {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value)) throw new ConfigError(`${what}: not a number: ${JSON.stringify(text)}`);
      return { type, value };
    }
    case 'boolean': {
      const t = text.trim().toLowerCase();
      if (t !== 'true' && t !== 'false') throw new ConfigError(`${what}: not true or false: ${JSON.stringify(text)}`);
      return { type, value: t === 'true' };
    }
  }
}

/**
 * `--arg` values of an ad-hoc query, in placeholder order: text is a string; `int:5`, `double:0.5`,
 * `bool:true`, `timestamp:2026-03-01T00:00:00Z` (or `ts:`), `string:int:5` for a string that looks
 * like a prefix.
 */
export function parseArg(text: string, index: number): QueryParam {
  const m = /^(string|int|integer|double|bool|boolean|timestamp|ts):([\s\S]*)$/.exec(text);
  const what = `--arg #${index + 1}`;
  if (!m) return { type: 'string', value: text };
  const type: ParamType =
    m[1] === 'int' ? 'integer' : m[1] === 'bool' ? 'boolean' : m[1] === 'ts' ? 'timestamp' : (m[1] as ParamType);
  return parseParam(type, m[2], what);
}

/** `key=value` pairs of `--param` (repeatable); the value may contain `=`. */
export function parseKeyValues(pairs: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const problems: string[] = [];
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) {
      problems.push(`--param ${JSON.stringify(p)}: expected name=value`);
      continue;
    }
    const name = p.slice(0, eq).trim();
    if (out.has(name)) problems.push(`--param ${name} given twice`);
    out.set(name, p.slice(eq + 1));
  }
  if (problems.length) throw new ConfigError('invalid --param', problems);
  return out;
}

/** `2026/03/01`: the text of Athena's partition_date (and of the local view's). */
export function partitionDay(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`;
}

/** For logs and reports: the value as the user would type it. */
export function paramText(p: QueryParam): string {
  return p.type === 'timestamp' ? p.value.toISOString() : String(p.value);
}
