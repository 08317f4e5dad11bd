/**
 * The named hunts: the registry matches queries/hunts/, every file has a valid header and is valid
 * Trino SQL with the partition predicate, and every hunt's result on the bundled samples equals an
 * independent computation over the same events (plain JS over the Arrow rows).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TrinoSQL } from 'dt-sql-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';

/** The problems a ConfigError lists (its message is only the headline). */
function problems(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return [err.message, ...err.problems].join('\n');
    throw err;
  }
  throw new Error('expected a ConfigError');
}
import { bindHunt, getHunt, HUNT_NAMES, huntsDir, loadHunts, parseHunt } from '../../src/query/hunts.js';
import type { LocalDb } from '../../src/query/local-db.js';
import { iso, rowsOf, sampleDb, sampleRows, type Ev } from './sample-events.js';

const DENIED = new Set(['AccessDenied', 'AllAccessDisabled', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken']);
const SECURITY_ACTIONS = new Set([
  'PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketAcl', 'PutObjectAcl', 'PutBucketPublicAccessBlock', 'DeleteBucketPublicAccessBlock',
  'PutAccountPublicAccessBlock', 'DeleteAccountPublicAccessBlock', 'PutBucketOwnershipControls', 'DeleteBucketOwnershipControls',
  'PutBucketEncryption', 'DeleteBucketEncryption', 'PutBucketLogging', 'PutBucketVersioning', 'PutBucketLifecycle',
  'PutBucketLifecycleConfiguration', 'DeleteBucketLifecycle', 'PutBucketObjectLockConfiguration', 'PutObjectLockConfiguration',
  'PutBucketReplication', 'DeleteBucketReplication', 'PutBucketCors', 'PutBucketWebsite',
]);
const TRAIL_ACTIONS = new Set(['StopLogging', 'StartLogging', 'DeleteTrail', 'CreateTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors']);

const s = (v: Ev[keyof Ev]): string | null => (typeof v === 'string' ? v : null);
const n = (v: Ev[keyof Ev]): number => (typeof v === 'number' ? v : 0);
const hourOf = (t: number): string => new Date(Math.floor(t / 3_600_000) * 3_600_000).toISOString();
const denied = (r: Ev): boolean => DENIED.has(s(r.error_code) ?? '') || r.http_status === 403;
const plaintext = (r: Ev): boolean =>
  r.log_kind === 's3access' &&
  r.tls_version === null &&
  r.cipher_suite === null &&
  (r.host_id !== null || r.signature_version !== null || r.auth_type !== null) &&
  !(s(r.operation) ?? '').startsWith('WEBSITE.') &&
  !(s(r.operation) ?? '').startsWith('S3.');

/** Groups rows by key columns: key (values joined) → rows. */
function groups(rows: Ev[], key: (r: Ev) => unknown[]): Map<string, Ev[]> {
  const out = new Map<string, Ev[]>();
  for (const r of rows) {
    const k = JSON.stringify(key(r));
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

const distinct = (rows: Ev[], col: keyof Ev): number => new Set(rows.map((r) => r[col]).filter((v) => v !== null)).size;
const times = (rows: Ev[]): number[] => rows.map((r) => n(r.time));
const first = (rows: Ev[]): string | null => iso(Math.min(...times(rows)));
const last = (rows: Ev[]): string | null => iso(Math.max(...times(rows)));
const minText = (rows: Ev[], col: keyof Ev): string | null => rows.map((r) => s(r[col])).filter((v): v is string => v !== null).sort()[0] ?? null;

/** The hunt's rows keyed like `groups`, projected on `cols`. */
function keyed(result: Record<string, unknown>[], keyCols: string[], cols: string[]): Map<string, Record<string, unknown>> {
  return new Map(result.map((r) => [JSON.stringify(keyCols.map((k) => r[k] ?? null)), Object.fromEntries(cols.map((c) => [c, r[c]]))]));
}

let db: LocalDb;
let rows: Ev[];

beforeAll(async () => {
  [db, rows] = await Promise.all([sampleDb(), sampleRows()]);
}, 120_000);
afterAll(() => db?.close());

async function hunt(name: string, params: Record<string, string> = {}, window: { since?: string; until?: string } = {}): Promise<Record<string, unknown>[]> {
  const h = getHunt(name);
  const bound = bindHunt(h, new Map(Object.entries(params)), { engine: 'duckdb', ...window });
  return rowsOf(db, h.sql, bound.ordered);
}

describe('hunt files', () => {
  it('the registry lists exactly the files in queries/hunts/ (at least 12), names unique', () => {
    const files = readdirSync(huntsDir()).filter((f) => f.endsWith('.sql')).map((f) => f.slice(0, -4)).sort();
    expect([...HUNT_NAMES].sort()).toEqual(files);
    expect(new Set(HUNT_NAMES).size).toBe(HUNT_NAMES.length);
    expect(HUNT_NAMES.length).toBeGreaterThanOrEqual(12);
  });

  const trino = new TrinoSQL();
  it.each([...HUNT_NAMES])('%s: header, parameters, partition predicate, Trino grammar', (name) => {
    const file = path.join(huntsDir(), `${name}.sql`);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(new RegExp(`^-- name: ${name}\\n`));
    expect(text).toMatch(/^-- engine: duckdb, athena$/m);
    expect(text).toMatch(/^-- params: /m);
    const h = parseHunt(text, file);
    expect(h.title.length).toBeGreaterThan(10);
    expect(h.description.length).toBeGreaterThan(40);
    for (const p of h.params) expect(p.description.length, p.name).toBeGreaterThan(5);
    // Athena: every read of the view is pruned by partition_date, bound to the derived range
    expect(h.sql).toMatch(/partition_date BETWEEN \? AND \?/);
    expect(h.placeholders.slice(0, 4)).toEqual(['partition_from', 'partition_to', 'since', 'until']);
    expect(h.sql).toMatch(/"time" >= \? AND "time" < \?/);
    const errors = trino.validate(h.sql);
    expect(errors.map((e) => `${e.startLine}:${e.startColumn} ${e.message}`)).toEqual([]);
  });

  it('rejects a hunt whose -- params do not match its placeholders, or that skips the partition predicate', () => {
    const head = '-- name: x\n-- title: A hunt for the test\n-- engine: duckdb, athena\n';
    expect(problems(() => parseHunt(`${head}-- params: partition_from, partition_to\nSELECT 1 FROM trailhound_events WHERE partition_date BETWEEN ? AND ? AND principal = ?`, 'x.sql'))).toMatch(/3 \? placeholder\(s\) but -- params lists 2/);
    expect(problems(() => parseHunt(`${head}-- params: since, until\nSELECT 1 FROM trailhound_events WHERE "time" >= ? AND "time" < ?`, 'x.sql'))).toMatch(/partition_date BETWEEN/);
    expect(problems(() => parseHunt(`${head}-- params: partition_from, partition_to, p:string\nSELECT 1 FROM trailhound_events WHERE partition_date BETWEEN ? AND ? AND principal = ?`, 'x.sql'))).toMatch(/param p: description missing/);
  });

  it('binds values by name in placeholder order, derives the partition range, checks every parameter', () => {
    const h = getHunt('principal-timeline');
    const b = bindHunt(h, new Map([['principal', 'p']]), { engine: 'athena', since: '2026-03-01', until: '2026-03-10T00:00:00Z' });
    expect(b.ordered.map((p) => (p.type === 'timestamp' ? p.value.toISOString() : p.value))).toEqual([
      '2026/03/01', '2026/03/10', '2026-03-01T00:00:00.000Z', '2026-03-10T00:00:00.000Z', 'p', 'p',
    ]);
    expect(problems(() => bindHunt(h, new Map(), { engine: 'duckdb' }))).toMatch(/principal=… is required/);
    expect(problems(() => bindHunt(h, new Map([['principal', 'p']]), { engine: 'athena' }))).toMatch(/--since is required on Athena/);
    expect(problems(() => bindHunt(h, new Map([['principal', 'p'], ['nope', '1']]), { engine: 'duckdb' }))).toMatch(/has no such parameter/);
    expect(problems(() => bindHunt(getHunt('access-denied-bursts'), new Map([['min_denied', '1; DROP TABLE x']]), { engine: 'duckdb' }))).toMatch(/not an integer/);
  });
});

describe('every hunt on the bundled samples equals an independent count', () => {
  it('principal-timeline: every request of the principal (or of a logged ARN), in time order, within --since/--until', async () => {
    const p = 'arn:aws:iam::902375614420:role/sync-agent';
    const got = await hunt('principal-timeline', { principal: p });
    const want = rows.filter((r) => r.principal === p || r.principal_arn === p);
    expect(want.length).toBeGreaterThan(20);
    expect(got).toHaveLength(want.length);
    expect(got.map((r) => r.time)).toEqual(times(want).sort((a, b) => a - b).map(iso));
    const since = '2026-03-09T22:15:00Z';
    const until = '2026-03-09T22:20:00Z';
    const narrow = await hunt('principal-timeline', { principal: p }, { since, until });
    expect(narrow).toHaveLength(want.filter((r) => n(r.time) >= Date.parse(since) && n(r.time) < Date.parse(until)).length);
    const session = rows.find((r) => r.principal === p && r.principal_arn !== null && r.principal_arn !== p)!.principal_arn as string;
    expect(await hunt('principal-timeline', { principal: session })).toHaveLength(rows.filter((r) => r.principal_arn === session).length);
  });

  it('who-touched-key: per principal, source IP and action under a prefix', async () => {
    const bucket = 'northwind-prod-backups';
    const prefix = 'daily/';
    const got = keyed(await hunt('who-touched-key', { bucket, key: prefix }), ['principal', 'source_ip', 'action'], ['requests', 'distinct_keys', 'failed', 'bytes_out', 'first_seen', 'last_seen']);
    const want = groups(rows.filter((r) => r.bucket === bucket && (s(r.object_key) ?? '\u0000').startsWith(prefix)), (r) => [r.principal, r.source_ip, r.action]);
    expect(got.size).toBe(want.size);
    for (const [k, g] of want) {
      expect(got.get(k), k).toEqual({
        requests: g.length,
        distinct_keys: distinct(g, 'object_key'),
        failed: g.filter((r) => r.error_code !== null).length,
        bytes_out: g.reduce((a, r) => a + n(r.bytes_out), 0),
        first_seen: first(g),
        last_seen: last(g),
      });
    }
    const exact = rows.find((r) => r.bucket === bucket && s(r.object_key)?.startsWith(prefix))!.object_key as string;
    const one = await hunt('who-touched-key', { bucket, key: exact });
    expect(one.reduce((a, r) => a + Number(r.requests), 0)).toBe(rows.filter((r) => r.bucket === bucket && s(r.object_key)?.startsWith(exact)).length);
  });

  it('activity-from-ip and activity-of-access-key', async () => {
    const ip = '192.0.2.147';
    const got = keyed(await hunt('activity-from-ip', { ip }), ['principal', 'action', 'bucket'], ['requests', 'failed', 'user_agents']);
    const want = groups(rows.filter((r) => r.source_ip === ip), (r) => [r.principal, r.action, r.bucket]);
    expect(want.size).toBeGreaterThan(1);
    expect(got).toEqual(new Map([...want].map(([k, g]) => [k, { requests: g.length, failed: g.filter((r) => r.error_code !== null).length, user_agents: distinct(g, 'user_agent') }])));

    const key = rows.find((r) => s(r.user_agent)?.includes('kali') && r.access_key_id !== null)!.access_key_id as string;
    const timeline = await hunt('activity-of-access-key', { access_key_id: key });
    const mine = rows.filter((r) => r.access_key_id === key);
    expect(timeline.map((r) => r.time)).toEqual(times(mine).sort((a, b) => a - b).map(iso));
  });

  it('new-principals-since and first-access-to-bucket: first request at or after the cutoff', async () => {
    const cutoff = Date.parse('2026-03-09T00:00:00Z');
    const got = await hunt('new-principals-since', { cutoff: '2026-03-09' });
    const byPrincipal = groups(rows.filter((r) => r.principal !== null), (r) => [r.principal]);
    const want = [...byPrincipal].filter(([, g]) => Math.min(...times(g)) >= cutoff);
    expect(got.map((r) => JSON.stringify([r.principal])).sort()).toEqual(want.map(([k]) => k).sort());
    expect(got.map((r) => r.principal)).toContain('arn:aws:iam::902375614420:role/sync-agent');
    for (const r of got) expect(r.requests).toBe(byPrincipal.get(JSON.stringify([r.principal]))!.length);

    const pairs = groups(rows.filter((r) => r.principal !== null && r.bucket !== null), (r) => [r.bucket, r.principal]);
    const fresh = [...pairs].filter(([, g]) => Math.min(...times(g)) >= cutoff);
    const got2 = keyed(await hunt('first-access-to-bucket', { cutoff: '2026-03-09' }), ['bucket', 'principal'], ['requests', 'actions', 'first_seen']);
    expect(got2).toEqual(new Map(fresh.map(([k, g]) => [k, { requests: g.length, actions: distinct(g, 'action'), first_seen: first(g) }])));
    expect([...got2.keys()]).toContain(JSON.stringify(['northwind-prod-backups', 'arn:aws:iam::418632750914:role/AWSReservedSSO_ReadOnlyAccess_2c9e7a1b4d6f8035']));
  });

  it('anonymous-access, cross-account-access, root-activity, offensive-user-agents', async () => {
    const anon = groups(rows.filter((r) => r.principal === 'anonymous'), (r) => [r.bucket, r.source_ip, r.action]);
    const gotAnon = keyed(await hunt('anonymous-access'), ['bucket', 'source_ip', 'action'], ['requests', 'succeeded', 'bytes_out']);
    expect(gotAnon).toEqual(
      new Map([...anon].map(([k, g]) => [k, { requests: g.length, succeeded: g.filter((r) => r.error_code === null).length, bytes_out: g.reduce((a, r) => a + n(r.bytes_out), 0) }])),
    );
    expect([...gotAnon.keys()].some((k) => k.startsWith('["northwind-prod-backups","203.0.113.77"'))).toBe(true);

    const cross = groups(
      rows.filter((r) => r.principal_account !== null && /^[0-9]{12}$/.test(s(r.owner_account) ?? '') && r.principal_account !== r.owner_account && r.principal_type !== 'AWSService'),
      (r) => [r.principal, r.principal_account, r.owner_account, r.bucket],
    );
    const gotCross = keyed(await hunt('cross-account-access'), ['principal', 'principal_account', 'owner_account', 'bucket'], ['requests', 'failed']);
    expect(gotCross).toEqual(new Map([...cross].map(([k, g]) => [k, { requests: g.length, failed: g.filter((r) => r.error_code !== null).length }])));
    // CloudTrail in the owner's account names a foreign caller by its account only
    expect([...gotCross.keys()]).toContain(JSON.stringify(['arn:aws:iam::902375614420:root', '902375614420', '418632750914', 'northwind-prod-data']));

    const root = await hunt('root-activity');
    expect(root.map((r) => r.action).sort()).toEqual(rows.filter((r) => r.principal_type === 'Root').map((r) => r.action).sort());
    expect(root.length).toBeGreaterThan(0);

    const words = /(^|[^a-z0-9])(kali|parrot|pentoo|blackarch|pacu|cloudfox|weirdaal|s3scanner)([^a-z0-9]|$)/;
    const offensive = groups(rows.filter((r) => words.test((s(r.user_agent) ?? '').toLowerCase())), (r) => [r.principal, r.source_ip, r.user_agent]);
    const gotOff = keyed(await hunt('offensive-user-agents'), ['principal', 'source_ip', 'user_agent'], ['requests']);
    expect(gotOff).toEqual(new Map([...offensive].map(([k, g]) => [k, { requests: g.length }])));
    expect(gotOff.size).toBeGreaterThan(0);
  });

  it('requests-without-tls and weak-tls-and-sigv2', async () => {
    const plain = groups(rows.filter(plaintext), (r) => [r.principal, r.bucket, r.source_ip, r.user_agent]);
    const gotPlain = keyed(await hunt('requests-without-tls'), ['principal', 'bucket', 'source_ip', 'user_agent'], ['requests', 'failed']);
    expect(gotPlain).toEqual(new Map([...plain].map(([k, g]) => [k, { requests: g.length, failed: g.filter((r) => r.error_code !== null).length }])));
    expect([...gotPlain.keys()].some((k) => k.includes('user/backup-agent'))).toBe(true);

    const weak = groups(
      rows.filter((r) => ['tlsv1', 'tlsv1.0', 'tlsv1.1', 'sslv2', 'sslv3'].includes((s(r.tls_version) ?? '').toLowerCase()) || r.signature_version === 'SigV2'),
      (r) => [r.log_kind, r.principal, r.bucket, r.source_ip, r.tls_version, r.signature_version],
    );
    const gotWeak = keyed(await hunt('weak-tls-and-sigv2'), ['log_kind', 'principal', 'bucket', 'source_ip', 'tls_version', 'signature_version'], ['requests']);
    expect(gotWeak).toEqual(new Map([...weak].map(([k, g]) => [k, { requests: g.length }])));
    expect(gotWeak.size).toBeGreaterThanOrEqual(2);
  });

  it('access-denied-bursts: per principal × hour × log kind, at least min_denied', async () => {
    const byHour = groups(rows.filter(denied), (r) => [r.principal, hourOf(n(r.time)), r.log_kind]);
    for (const min of [20, 3]) {
      const got = keyed(await hunt('access-denied-bursts', min === 20 ? {} : { min_denied: String(min) }), ['principal', 'hour_start', 'log_kind'], ['denied', 'buckets', 'distinct_keys']);
      const want = [...byHour].filter(([, g]) => g.length >= min);
      expect(got).toEqual(new Map(want.map(([k, g]) => [k, { denied: g.length, buckets: distinct(g, 'bucket'), distinct_keys: distinct(g, 'object_key') }])));
    }
    const got = await hunt('access-denied-bursts');
    expect(got.some((r) => r.principal === 'arn:aws:iam::418632750914:role/app-reader' && r.denied === 140)).toBe(true);
  });

  it('top-talkers-by-bytes: the largest sums of bytes out, ranked', async () => {
    const sums = [...groups(rows.filter((r) => n(r.bytes_out) > 0), (r) => [r.principal, r.bucket, r.source_ip, r.log_kind])]
      .map(([k, g]) => [k, g.reduce((a, r) => a + n(r.bytes_out), 0), g.length] as const)
      // ties (the same downloads in both log kinds under two principal names) as the SQL breaks them
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const got = await hunt('top-talkers-by-bytes', { top: '5' });
    expect(got.map((r) => r.talker_rank)).toEqual([1, 2, 3, 4, 5]);
    expect(got.map((r) => [JSON.stringify([r.principal, r.bucket, r.source_ip, r.log_kind]), r.bytes_out, r.requests])).toEqual(sums.slice(0, 5).map((x) => [...x]));
    expect(await hunt('top-talkers-by-bytes')).toHaveLength(Math.min(20, sums.length));
  });

  it('deletes-by-principal: successful deletes, lifecycle only when asked', async () => {
    const del = (lifecycle: boolean) => (r: Ev): boolean =>
      r.error_code === null &&
      r.operation !== 'REST.POST.MULTI_OBJECT_DELETE' &&
      (['DeleteObject', 'DeleteObjects'].includes(s(r.action) ?? '') || (lifecycle && ['S3.EXPIRE.OBJECT', 'S3.CREATE.DELETEMARKER'].includes(s(r.action) ?? '')));
    for (const lifecycle of [false, true]) {
      const want = groups(rows.filter(del(lifecycle)), (r) => [r.principal, r.bucket, r.log_kind]);
      const got = keyed(await hunt('deletes-by-principal', lifecycle ? { include_lifecycle: 'true' } : {}), ['principal', 'bucket', 'log_kind'], ['deletes', 'distinct_keys']);
      expect(got).toEqual(new Map([...want].map(([k, g]) => [k, { deletes: g.length, distinct_keys: distinct(g, 'object_key') }])));
    }
    const got = await hunt('deletes-by-principal');
    expect(got[0]).toMatchObject({ principal: 'arn:aws:iam::418632750914:role/AWSReservedSSO_AdministratorAccess_8f2b4c6d1e3a5f70', bucket: 'northwind-prod-backups', deletes: 230 });
  });

  it('bucket-policy-changes (all buckets or one) and trail-changes', async () => {
    const all = rows.filter((r) => SECURITY_ACTIONS.has(s(r.action) ?? ''));
    expect((await hunt('bucket-policy-changes')).map((r) => r.action).sort()).toEqual(all.map((r) => r.action).sort());
    const one = await hunt('bucket-policy-changes', { bucket: 'northwind-prod-backups' });
    expect(one).toHaveLength(all.filter((r) => r.bucket === 'northwind-prod-backups').length);
    expect(one.map((r) => r.action)).toContain('PutBucketPolicy');
    const trail = await hunt('trail-changes');
    expect(trail.map((r) => r.action)).toEqual(
      rows.filter((r) => r.event_source === 'cloudtrail.amazonaws.com' && TRAIL_ACTIONS.has(s(r.action) ?? '')).sort((a, b) => n(a.time) - n(b.time)).map((r) => r.action),
    );
    expect(trail.map((r) => r.action)).toContain('StopLogging');
  });

  it('hourly-activity: per hour and log kind, for one principal and for everything', async () => {
    for (const params of [{ principal: 'arn:aws:iam::418632750914:role/app-reader' }, {}] as Record<string, string>[]) {
      const sel = rows.filter((r) => r.time !== null && (!params.principal || r.principal === params.principal));
      const want = groups(sel, (r) => [hourOf(n(r.time)), r.log_kind]);
      const got = keyed(await hunt('hourly-activity', params), ['hour_start', 'log_kind'], ['requests', 'bytes_out', 'denied', 'deletes', 'without_tls']);
      expect(got).toEqual(
        new Map(
          [...want].map(([k, g]) => [
            k,
            {
              requests: g.length,
              bytes_out: g.reduce((a, r) => a + n(r.bytes_out), 0),
              denied: g.filter(denied).length,
              deletes: g.filter((r) => r.error_code === null && r.operation !== 'REST.POST.MULTI_OBJECT_DELETE' && ['DeleteObject', 'DeleteObjects'].includes(s(r.action) ?? '')).length,
              without_tls: g.filter(plaintext).length,
            },
          ]),
        ),
      );
    }
  });

  it('every registered hunt was exercised above', () => {
    const exercised = [
      'principal-timeline', 'who-touched-key', 'activity-from-ip', 'activity-of-access-key', 'new-principals-since', 'first-access-to-bucket',
      'anonymous-access', 'cross-account-access', 'root-activity', 'offensive-user-agents', 'requests-without-tls', 'weak-tls-and-sigv2',
      'access-denied-bursts', 'top-talkers-by-bytes', 'deletes-by-principal', 'bucket-policy-changes', 'trail-changes', 'hourly-activity',
    ];
    expect(exercised.sort()).toEqual([...loadHunts().keys()].sort());
  });
});
