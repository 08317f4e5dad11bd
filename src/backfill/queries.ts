/**
 * The backfill queries: per detector, the SQL in `queries/backfill/<name>.sql` that computes the
 * groups it needs from `trailhound_events`. Each file has the header of a hunt (src/query/hunts.ts:
 * `-- name`, `-- title`, `-- engine: duckdb, athena`, `-- params`), so it is checked the same way —
 * placeholder count, and `partition_date BETWEEN ? AND ?` on every read of the view — and bound the
 * same way: since/until and the partition range they imply, plus the query's own parameters, which
 * come from the detector's tunables here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Tunables } from '../detect/detector.js';
import { ConfigError } from '../errors.js';
import { queriesDir } from '../paths.js';
import { bindHunt, parseHunt, type Engine, type Hunt } from '../query/hunts.js';
import type { QueryParam } from '../query/params.js';

export interface BackfillQuery {
  detector: string;
  /** File stem in queries/backfill/. */
  name: string;
  /** The query's own parameters, from the detector's tunables (name → text). */
  params?(tunables: Tunables): Record<string, string>;
  /** Tunable values the query's grouping cannot serve (each a `path: message`). */
  check?(tunables: Tunables): string[];
}

/** TLS versions the insecure-transport query may leave out: those at or above minTls (lower case). */
export function strongTlsParams(minTls: number): Record<string, string> {
  const strong = [
    ['tlsv1.2', 1.2],
    ['tlsv1.3', 1.3],
  ]
    .filter(([, v]) => (v as number) >= minTls)
    .map(([name]) => name as string);
  // Two placeholders: repeat the one strong version, or none (an empty string matches no version).
  const [a = '', b = a] = strong;
  return { strong_tls_1: a, strong_tls_2: b };
}

/** The registry: every file in queries/backfill/, per detector (a test keeps the two in step). */
export const BACKFILL_QUERIES: readonly BackfillQuery[] = [
  { detector: 'unusual-principal', name: 'unusual-principal' },
  {
    detector: 'volume-spike',
    name: 'volume-spike',
    check: (t) =>
      Math.max(1, Math.round(Number(t.windowMinutes))) % 60 === 0
        ? []
        : [`detectors.volume-spike.tunables.windowMinutes: backfill groups requests by the hour, so the window must be a multiple of 60 minutes (got ${String(t.windowMinutes)})`],
  },
  { detector: 'insecure-transport', name: 'insecure-transport', params: (t) => strongTlsParams(Number(t.minTls)) },
  { detector: 's3-config-change', name: 's3-config-change' },
];

export function backfillDir(): string {
  return path.join(queriesDir(), 'backfill');
}

const cache = new Map<string, Hunt>();

/** A backfill query file, parsed and checked (ConfigError listing its problems otherwise). */
export function loadBackfillQuery(name: string): Hunt {
  let q = cache.get(name);
  if (!q) {
    const file = path.join(backfillDir(), `${name}.sql`);
    q = parseHunt(readFileSync(file, 'utf8'), file);
    cache.set(name, q);
  }
  return q;
}

export function queriesFor(detectorId: string): BackfillQuery[] {
  return BACKFILL_QUERIES.filter((q) => q.detector === detectorId);
}

/** The statement and its bound values for the range [since, until). */
export function bindBackfillQuery(q: BackfillQuery, tunables: Tunables, range: { since: Date; until: Date; engine: Engine }): { sql: string; params: QueryParam[] } {
  const problems = q.check?.(tunables) ?? [];
  if (problems.length) throw new ConfigError(`backfill cannot serve ${q.detector} as configured`, problems);
  const hunt = loadBackfillQuery(q.name);
  const given = new Map(Object.entries(q.params?.(tunables) ?? {}));
  const bound = bindHunt(hunt, given, { engine: range.engine, since: range.since.toISOString(), until: range.until.toISOString() });
  return { sql: hunt.sql, params: bound.ordered };
}
