/**
 * Named hunts: `queries/hunts/<name>.sql`, one portable SELECT over `trailhound_events` that runs
 * unchanged on DuckDB and on Athena (Trino). A header documents and types it:
 *
 *   -- name: principal-timeline                  (the file stem)
 *   -- title: Everything a principal did, in time order
 *   -- engine: duckdb, athena
 *   -- params: partition_from, partition_to, since, until, principal:string, principal
 *   -- param principal: what to pass (one line per parameter of the hunt's own)
 *   -- (free text: what the hunt is for and how to read it)
 *
 * `-- params:` lists what fills each `?` of the body, in order. A name may come back (the same
 * value is bound again); its type is given once as `name:type` or `name:type=default`. Types:
 * string, timestamp, integer, double, boolean. Four names are built in:
 * - `since`, `until` (timestamps; `--since/--until`, or `--param since=…`): the event-time range,
 *   half-open. Locally they default to all time; on Athena `--since` is required.
 * - `partition_from`, `partition_to`: derived, never given: the `partition_date` range
 *   ('yyyy/MM/dd') that covers [since, until), widened by a day at the end because CloudTrail
 *   delivers into the next day's folder. Every read of trailhound_events carries
 *   `partition_date BETWEEN ? AND ?` with them, so Athena prunes partitions; the local view has the
 *   same column, so the predicate is the same text there.
 * Values are always bound (DuckDB prepared statements, Athena ExecutionParameters).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { countPlaceholders } from '../athena/params.js';
import { stripLineComments } from '../athena/template.js';
import { ConfigError } from '../errors.js';
import { queriesDir } from '../paths.js';
import { PARAM_TYPES, parseInstant, parseParam, partitionDay, type ParamType, type QueryParam } from './params.js';

/** The registry: every file in queries/hunts/, in the order `trailhound hunts` lists them. */
export const HUNT_NAMES = [
  'principal-timeline',
  'who-touched-key',
  'activity-from-ip',
  'activity-of-access-key',
  'new-principals-since',
  'first-access-to-bucket',
  'anonymous-access',
  'cross-account-access',
  'root-activity',
  'offensive-user-agents',
  'requests-without-tls',
  'weak-tls-and-sigv2',
  'access-denied-bursts',
  'top-talkers-by-bytes',
  'deletes-by-principal',
  'bucket-policy-changes',
  'trail-changes',
  'hourly-activity',
] as const;

export type Engine = 'duckdb' | 'athena';

export interface HuntParam {
  name: string;
  type: ParamType;
  /** Text of the default value, when the parameter is optional. */
  default?: string;
  description: string;
  /** since / until / partition_from / partition_to */
  builtin: boolean;
}

export interface Hunt {
  name: string;
  title: string;
  description: string;
  engines: Engine[];
  /** Parameters the user can give (declared ones first, then since/until). */
  params: HuntParam[];
  /** The name bound to each `?`, in order. */
  placeholders: string[];
  /** The executable statement (header and comment lines removed). */
  sql: string;
  file: string;
}

const BUILTIN: Readonly<Record<string, { type: ParamType; description: string }>> = {
  since: { type: 'timestamp', description: 'start of the event-time range (inclusive); --since. Default: all time locally, required on Athena' },
  until: { type: 'timestamp', description: 'end of the event-time range (exclusive); --until. Default: all time locally, now on Athena' },
};
const DERIVED = new Set(['partition_from', 'partition_to']);
const NAME = /^[a-z][a-z0-9_]*$/;
const PARTITION_PREDICATE = /partition_date\s+BETWEEN\s+\?\s+AND\s+\?/gi;
const VIEW_REFERENCE = /\btrailhound_events\b/gi;

/** Local defaults for an open range: every event of a case fits in it. */
export const LOCAL_SINCE = new Date('1970-01-01T00:00:00Z');
export const LOCAL_UNTIL = new Date('2100-01-01T00:00:00Z');
const DAY_MS = 86_400_000;

export function huntsDir(): string {
  return path.join(queriesDir(), 'hunts');
}

/** Parses and checks one hunt file's text. */
export function parseHunt(text: string, file: string): Hunt {
  const lines = text.split('\n');
  let i = 0;
  const header: Record<string, string> = {};
  const docs = new Map<string, string>();
  const description: string[] = [];
  for (; i < lines.length && lines[i].trimStart().startsWith('--'); i++) {
    const line = lines[i].trim().replace(/^--\s?/, '');
    const param = /^param\s+([a-z][a-z0-9_]*)\s*:\s*(.*)$/.exec(line);
    const field = /^(name|title|engine|params)\s*:\s*(.*)$/.exec(line);
    if (param) docs.set(param[1], param[2].trim());
    else if (field) header[field[1]] = field[2].trim();
    else description.push(line);
  }
  const problems: string[] = [];
  const stem = path.basename(file, '.sql');
  if (header.name !== stem) problems.push(`-- name: must be the file stem ${JSON.stringify(stem)}, got ${JSON.stringify(header.name)}`);
  if (!header.title) problems.push('-- title: missing');
  const engines = (header.engine ?? '').split(',').map((s) => s.trim()).filter(Boolean) as Engine[];
  for (const e of ['duckdb', 'athena'] as const) if (!engines.includes(e)) problems.push(`-- engine: must include ${e} (hunts are portable)`);

  const declared = new Map<string, HuntParam>();
  const placeholders: string[] = [];
  for (const entry of (header.params ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z][a-z0-9_]*)(?::([a-z]+)(?:=(.*))?)?$/.exec(entry);
    if (!m || !NAME.test(m[1])) {
      problems.push(`-- params: cannot read ${JSON.stringify(entry)} (name, name:type or name:type=default)`);
      continue;
    }
    const [, name, type, def] = m;
    placeholders.push(name);
    if (DERIVED.has(name) || BUILTIN[name]) {
      if (type) problems.push(`-- params: ${name} is built in and takes no type`);
      if (BUILTIN[name] && !declared.has(name)) declared.set(name, { name, ...BUILTIN[name], builtin: true });
      continue;
    }
    if (type) {
      if (!(PARAM_TYPES as readonly string[]).includes(type)) problems.push(`-- params: ${name}: unknown type ${type} (${PARAM_TYPES.join(', ')})`);
      if (declared.has(name)) problems.push(`-- params: ${name}: type given twice`);
      else declared.set(name, { name, type: type as ParamType, ...(def !== undefined ? { default: def } : {}), description: docs.get(name) ?? '', builtin: false });
    } else if (!declared.has(name)) {
      problems.push(`-- params: ${name}: first use needs a type (name:type)`);
    }
  }
  for (const p of declared.values()) if (!p.builtin && !p.description) problems.push(`-- param ${p.name}: description missing`);
  for (const name of docs.keys()) if (!declared.has(name)) problems.push(`-- param ${name}: not in -- params`);

  const sql = stripLineComments(lines.slice(i).join('\n')).replace(/;\s*$/, '');
  const count = countPlaceholders(sql);
  if (count !== placeholders.length) problems.push(`the body has ${count} ? placeholder(s) but -- params lists ${placeholders.length}`);
  const reads = sql.match(VIEW_REFERENCE)?.length ?? 0;
  const predicates = sql.match(PARTITION_PREDICATE)?.length ?? 0;
  const bounds = placeholders.filter((p) => p === 'partition_from').length;
  if (reads === 0) problems.push('the body does not read trailhound_events');
  if (predicates < reads || bounds !== predicates || placeholders.filter((p) => p === 'partition_to').length !== predicates) {
    problems.push(`each read of trailhound_events needs "partition_date BETWEEN ? AND ?" bound to partition_from, partition_to (reads ${reads}, predicates ${predicates})`);
  }
  if (problems.length) throw new ConfigError(`hunt ${file} is invalid`, problems);

  const own = [...declared.values()].filter((p) => !p.builtin);
  const builtins = [...declared.values()].filter((p) => p.builtin);
  return {
    name: stem,
    title: header.title,
    description: description.join('\n').trim(),
    engines,
    params: [...own, ...builtins],
    placeholders,
    sql,
    file,
  };
}

let cache: Map<string, Hunt> | undefined;

/** All registered hunts, parsed once. */
export function loadHunts(): Map<string, Hunt> {
  if (cache) return cache;
  const out = new Map<string, Hunt>();
  for (const name of HUNT_NAMES) {
    const file = path.join(huntsDir(), `${name}.sql`);
    out.set(name, parseHunt(readFileSync(file, 'utf8'), file));
  }
  cache = out;
  return out;
}

export function getHunt(name: string): Hunt {
  const hunt = loadHunts().get(name);
  if (!hunt) throw new ConfigError(`unknown hunt ${JSON.stringify(name)}`, [], `trailhound hunts lists them: ${HUNT_NAMES.join(', ')}`);
  return hunt;
}

export interface BindOptions {
  engine: Engine;
  /** --since / --until (a `since` / `until` in the given params wins). */
  since?: string;
  until?: string;
  now?: Date;
}

export interface BoundHunt {
  /** The value of every parameter, built-ins and derived ones included. */
  values: Map<string, QueryParam>;
  /** One value per `?`, in order. */
  ordered: QueryParam[];
}

/** Checks the given `--param`s against the hunt and produces the values for its placeholders. */
export function bindHunt(hunt: Hunt, given: ReadonlyMap<string, string>, opts: BindOptions): BoundHunt {
  const now = opts.now ?? new Date();
  const problems: string[] = [];
  const values = new Map<string, QueryParam>();
  const known = new Set(hunt.params.map((p) => p.name));
  for (const name of given.keys()) {
    if (DERIVED.has(name)) problems.push(`--param ${name}: derived from since/until, not given`);
    else if (!known.has(name)) problems.push(`--param ${name}: ${hunt.name} has no such parameter (it takes ${hunt.params.map((p) => p.name).join(', ')})`);
  }
  const attempt = (name: string, type: ParamType, text: string): void => {
    try {
      values.set(name, parseParam(type, text, `--param ${name}`, now));
    } catch (err) {
      problems.push((err as Error).message);
    }
  };
  for (const p of hunt.params) {
    if (p.builtin) continue;
    const text = given.get(p.name) ?? p.default;
    if (text === undefined) problems.push(`--param ${p.name}=… is required: ${p.description}`);
    else attempt(p.name, p.type, text);
  }
  let since: Date | undefined;
  let until: Date | undefined;
  try {
    const s = given.get('since') ?? opts.since;
    const u = given.get('until') ?? opts.until;
    since = s !== undefined ? parseInstant(s, 'since', now) : opts.engine === 'duckdb' ? LOCAL_SINCE : undefined;
    until = u !== undefined ? parseInstant(u, 'until', now) : opts.engine === 'duckdb' ? LOCAL_UNTIL : now;
    if (since === undefined) problems.push('--since is required on Athena: it bounds the partitions read (and the bill)');
    else if (since.getTime() >= until.getTime()) problems.push(`--since (${since.toISOString()}) must be before --until (${until.toISOString()})`);
  } catch (err) {
    problems.push((err as Error).message);
  }
  if (problems.length) throw new ConfigError(`invalid parameters for hunt ${hunt.name}`, problems);
  values.set('since', { type: 'timestamp', value: since! });
  values.set('until', { type: 'timestamp', value: until! });
  values.set('partition_from', { type: 'string', value: partitionDay(since!) });
  // the last partition day holding [since, until): the day of until's last millisecond, plus one
  values.set('partition_to', { type: 'string', value: partitionDay(new Date(until!.getTime() - 1 + DAY_MS)) });
  return { values, ordered: hunt.placeholders.map((name) => values.get(name)!) };
}
