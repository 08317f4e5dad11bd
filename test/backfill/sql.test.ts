/**
 * The backfill SQL: registered, headed like every query file, valid Trino (Athena) SQL, and never
 * without a partition predicate — nor are the hunts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TrinoSQL } from 'dt-sql-parser';
import { describe, expect, it } from 'vitest';
import { BACKFILL_QUERIES, backfillDir, bindBackfillQuery, loadBackfillQuery, strongTlsParams } from '../../src/backfill/queries.js';
import { stripLineComments } from '../../src/athena/template.js';
import { ConfigError } from '../../src/errors.js';
import { queriesDir } from '../../src/paths.js';
import { parseHunt } from '../../src/query/hunts.js';
import { DETECTORS } from '../../detectors/index.js';
import { EVENTS } from '../../detectors/s3-config-change.js';
import { volumeSpike } from '../../detectors/volume-spike.js';
import { insecureTransport } from '../../detectors/insecure-transport.js';

const trino = new TrinoSQL();
const files = readdirSync(backfillDir()).filter((f) => f.endsWith('.sql'));
const huntsDir = path.join(queriesDir(), 'hunts');
const hunts = existsSync(huntsDir) ? readdirSync(huntsDir).filter((f) => f.endsWith('.sql')) : [];

/** Why a query would scan every partition: a read of trailhound_events without `partition_date BETWEEN ? AND ?`. */
function partitionProblems(sqlText: string): string[] {
  const sql = stripLineComments(sqlText);
  const reads = sql.match(/\btrailhound_events\b/gi)?.length ?? 0;
  const predicates = sql.match(/\bpartition_date\s+BETWEEN\s+\?\s+AND\s+\?/gi)?.length ?? 0;
  if (reads === 0) return ['does not read trailhound_events'];
  return predicates >= reads ? [] : [`${reads} read(s) of trailhound_events but ${predicates} partition_date BETWEEN ? AND ? predicate(s)`];
}

function expectValidTrino(sql: string, what: string): void {
  const errors = trino.validate(sql);
  expect(errors.map((e) => `${e.startLine}:${e.startColumn} ${e.message}`), what).toEqual([]);
}

describe('backfill queries', () => {
  it('are one registered file per query, and every detector has at least one', () => {
    expect(files.map((f) => f.replace(/\.sql$/, '')).sort()).toEqual(BACKFILL_QUERIES.map((q) => q.name).sort());
    for (const d of DETECTORS) expect(BACKFILL_QUERIES.filter((q) => q.detector === d.id).length, d.id).toBeGreaterThan(0);
    for (const q of BACKFILL_QUERIES) expect(DETECTORS.map((d) => d.id)).toContain(q.detector);
  });

  it.each(files)('%s starts with the -- name / -- title / -- engine / -- params header and parses as a query file', (file) => {
    const text = readFileSync(path.join(backfillDir(), file), 'utf8');
    expect(text.split('\n').slice(0, 4).join('\n')).toMatch(/^-- name: (\S+)\n-- title: .+\n-- engine: duckdb, athena\n-- params: partition_from, partition_to, since, until/);
    expect(/^-- name: (\S+)/.exec(text)![1]).toBe(file.replace(/\.sql$/, ''));
    const q = loadBackfillQuery(file.replace(/\.sql$/, ''));
    expect(q.placeholders.slice(0, 4)).toEqual(['partition_from', 'partition_to', 'since', 'until']);
  });

  it.each(files)('%s is valid Trino SQL (the file and the statement sent)', (file) => {
    const text = readFileSync(path.join(backfillDir(), file), 'utf8');
    expectValidTrino(text, file);
    expectValidTrino(loadBackfillQuery(file.replace(/\.sql$/, '')).sql, file);
  });

  it('the grammar check is not vacuous', () => {
    expect(trino.validate('SELECT min("time") FROM GROUP BY').length).toBeGreaterThan(0);
  });

  it.each(files)('%s filters on the partition column and on event time', (file) => {
    const sql = loadBackfillQuery(file.replace(/\.sql$/, '')).sql;
    expect(partitionProblems(sql)).toEqual([]);
    expect(sql).toMatch(/"time" >= \? AND "time" < \?/);
  });

  it.each(hunts.length ? hunts : ['(no hunts)'])('hunt %s filters on the partition column', (file) => {
    if (!hunts.length) return;
    expect(partitionProblems(readFileSync(path.join(huntsDir, file), 'utf8'))).toEqual([]);
  });

  it('a query without a partition predicate is rejected', () => {
    const text = [
      '-- name: unbounded',
      '-- title: Every event',
      '-- engine: duckdb, athena',
      '-- params: since, until',
      'SELECT count(*) AS event_count FROM trailhound_events WHERE "time" >= ? AND "time" < ?',
    ].join('\n');
    expect(partitionProblems(text)).not.toEqual([]);
    expect(() => parseHunt(text, '/x/unbounded.sql')).toThrow(ConfigError);
    const joined = 'SELECT * FROM trailhound_events a JOIN trailhound_events b ON a.event_id = b.event_id WHERE a.partition_date BETWEEN ? AND ?';
    expect(partitionProblems(joined)).not.toEqual([]);
  });

  it('binds since/until, the partition days they span (a day wider at the end) and the query parameters, never into the text', () => {
    const q = BACKFILL_QUERIES.find((x) => x.name === 'insecure-transport')!;
    const bound = bindBackfillQuery(q, { ...insecureTransport.tunables }, { since: new Date('2026-03-01T00:00:00Z'), until: new Date('2026-03-10T00:00:00Z'), engine: 'athena' });
    expect(bound.params).toEqual([
      { type: 'string', value: '2026/03/01' },
      { type: 'string', value: '2026/03/10' },
      { type: 'timestamp', value: new Date('2026-03-01T00:00:00Z') },
      { type: 'timestamp', value: new Date('2026-03-10T00:00:00Z') },
      { type: 'string', value: 'tlsv1.2' },
      { type: 'string', value: 'tlsv1.3' },
    ]);
    expect(bound.sql).not.toContain('2026');
  });

  it('leaves out only TLS versions at or above minTls', () => {
    expect(strongTlsParams(1.2)).toEqual({ strong_tls_1: 'tlsv1.2', strong_tls_2: 'tlsv1.3' });
    expect(strongTlsParams(1.3)).toEqual({ strong_tls_1: 'tlsv1.3', strong_tls_2: 'tlsv1.3' });
    expect(strongTlsParams(1.4)).toEqual({ strong_tls_1: '', strong_tls_2: '' });
  });

  it('refuses a volume-spike window the hourly groups cannot serve', () => {
    const q = BACKFILL_QUERIES.find((x) => x.name === 'volume-spike')!;
    const range = { since: new Date('2026-03-01T00:00:00Z'), until: new Date('2026-03-10T00:00:00Z'), engine: 'duckdb' as const };
    const err = (() => {
      try {
        bindBackfillQuery(q, { ...volumeSpike.tunables, windowMinutes: 30 }, range);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.join('\n')).toMatch(/windowMinutes: .*multiple of 60/);
    expect(() => bindBackfillQuery(q, { ...volumeSpike.tunables, windowMinutes: 120 }, range)).not.toThrow();
  });

  it('s3-config-change selects exactly the events the detector judges', () => {
    const sql = loadBackfillQuery('s3-config-change').sql;
    const list = /action IN \(([^)]*)\)/.exec(sql)![1];
    const actions = [...list.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect(actions.sort()).toEqual(Object.keys(EVENTS).sort());
  });
});
