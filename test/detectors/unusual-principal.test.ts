import { describe, expect, it } from 'vitest';
import { unusualPrincipal } from '../../detectors/unusual-principal.js';
import { classifyAction } from '../../src/detect/action-class.js';
import { SEVERITIES, type Finding } from '../../src/detect/finding.js';
import { DetectorRunner, type DetectorSettings } from '../../src/detect/runner.js';
import { sourceNetwork } from '../../src/detect/source-network.js';
import type { CaseObject } from './case.js';
import { ACCOUNT, OTHER_ACCOUNT, anonymous, ct, role, root, sal, service, user } from './events.js';
import { KALI_UA, at, cases, ctDays, ctHistory, partner, reader, salDays, salHistory } from './unusual-principal.cases.js';
import { caseBatches, describeCases } from './run-cases.js';

describeCases(unusualPrincipal, cases);

const ID = unusualPrincipal.id;

interface Run {
  findings: Finding[];
  saved: unknown;
  runner: DetectorRunner;
}

function run(
  objects: CaseObject[],
  opts: { saved?: unknown; replayed?: string[]; batchRows?: number; settings?: DetectorSettings; allow?: DetectorSettings['allow'] } = {},
): Run {
  const states = opts.saved === undefined ? undefined : { [ID]: unusualPrincipal.state.fromJSON(JSON.parse(JSON.stringify(opts.saved))) };
  const runner = new DetectorRunner({
    detectors: [unusualPrincipal],
    states,
    replayedOrigins: new Set(opts.replayed ?? []),
    settings: opts.settings ? { [ID]: opts.settings } : undefined,
    allow: opts.allow,
  });
  for (const b of caseBatches(objects, opts.batchRows)) runner.observe(b);
  const findings = runner.finish();
  return { findings, saved: runner.saveStates()[ID].data, runner };
}

const kinds = (fs: Finding[]): string[] => fs.map((f) => f.kind).sort();
const byId = (fs: Finding[]): Finding[] => [...fs].sort((a, b) => (a.id < b.id ? -1 : 1));

/** Many small objects over 11 days, both log kinds, with one of every finding kind after day 8. */
function scenario(): CaseObject[] {
  const objects: CaseObject[] = [];
  const writer = user('deployer');
  for (let d = 0; d < 11; d++) {
    objects.push({ uri: `case://ct/${d}.json`, cloudtrail: [...ctDays(1, {}, d), ...ctDays(1, { who: writer, eventName: 'PutObject', bucket: 'site-src', ip: '192.0.2.50' }, d)] });
    objects.push({ uri: `case://sal/${d}`, s3access: [...salDays(1, {}, d), ...salDays(1, { who: anonymous, bucket: 'www-site', operation: 'WEBSITE.GET.OBJECT', ip: `198.51.100.${d}` }, d)] });
  }
  objects.push({ uri: 'case://ct/root-0.json', cloudtrail: [ct({ who: root(), time: at(0, 6), eventName: 'ListBuckets', requestParameters: { Host: 's3.amazonaws.com' } })] });
  objects.push({ uri: 'case://ct/partner-9.json', cloudtrail: [ct({ who: partner, time: at(9, 7), ip: '198.51.100.200' }), ct({ who: partner, time: at(9, 8), ip: '198.51.100.200' })] });
  objects.push({ uri: 'case://sal/partner-9', s3access: [sal({ who: partner, time: at(9, 7), ip: '198.51.100.200' }), sal({ who: partner, time: at(10, 1), ip: '198.51.100.200' })] });
  objects.push({ uri: 'case://sal/anon-9', s3access: [sal({ who: anonymous, time: at(9, 3), ip: '203.0.113.50' })] });
  objects.push({ uri: 'case://ct/kali-3.json', cloudtrail: [ct({ who: writer, time: at(3, 22), userAgent: KALI_UA, bucket: 'site-src', ip: '192.0.2.50' })] });
  objects.push({ uri: 'case://ct/net-10.json', cloudtrail: [ct({ who: reader, time: at(10, 5), ip: '203.0.113.77' }), ct({ who: writer, time: at(10, 6), eventName: 'DeleteObject', bucket: 'site-src', ip: '192.0.2.50' })] });
  objects.push({ uri: 'case://ct/bucket-10.json', cloudtrail: [ct({ who: writer, time: at(10, 7), bucket: 'data-bucket', ip: '192.0.2.50' })] });
  return objects;
}

function shuffled<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('unusual-principal', () => {
  it('classifies actions', () => {
    expect(classifyAction('GetObject')).toBe('read');
    expect(classifyAction('HeadObject')).toBe('read');
    expect(classifyAction('ListObjects')).toBe('list');
    expect(classifyAction('ListBuckets')).toBe('list');
    expect(classifyAction('GetBucketAcl')).toBe('list');
    expect(classifyAction('GetCallerIdentity')).toBe('list');
    expect(classifyAction('PutObject')).toBe('write');
    expect(classifyAction('CopyObject')).toBe('write');
    expect(classifyAction('CreateMultipartUpload')).toBe('write');
    expect(classifyAction('DeleteObject')).toBe('delete');
    expect(classifyAction('DeleteObjects')).toBe('delete');
    expect(classifyAction('DeleteBucket')).toBe('delete');
    expect(classifyAction('PutBucketPolicy')).toBe('permissions');
    expect(classifyAction('DeleteBucketPolicy')).toBe('permissions');
    expect(classifyAction('PutObjectAcl')).toBe('permissions');
    expect(classifyAction('PutPublicAccessBlock')).toBe('permissions');
    expect(classifyAction('DeleteBucketEncryption')).toBe('permissions');
    expect(classifyAction('PutBucketLogging')).toBe('permissions');
    expect(classifyAction('StopLogging')).toBe('permissions');
    expect(classifyAction('ConsoleLogin')).toBeNull();
    expect(classifyAction('AssumeRole')).toBeNull();
    expect(classifyAction('S3.EXPIRE.OBJECT')).toBeNull();
    expect(classifyAction('REST.GET.SOMETHING_NEW')).toBe('read');
    expect(classifyAction('REST.DELETE.SOMETHING_NEW')).toBe('delete');
  });

  it('maps source addresses to networks', () => {
    expect(sourceNetwork('198.51.100.7')).toBe('198.51.100.0/24');
    expect(sourceNetwork('198.51.100.7', 16)).toBe('198.51.0.0/16');
    expect(sourceNetwork('2001:db8:1:2::5')).toBe('2001:db8:1::/48');
    expect(sourceNetwork('2001:0db8:0001:ffff:0:0:0:1')).toBe('2001:db8:1::/48');
    expect(sourceNetwork('::ffff:192.0.2.1')).toBe('192.0.2.0/24');
    expect(sourceNetwork('fe80::1%eth0')).toBe('fe80::/48');
    expect(sourceNetwork('AWS Internal')).toBeNull();
    expect(sourceNetwork('s3.amazonaws.com')).toBeNull();
    expect(sourceNetwork('')).toBeNull();
  });

  it('gives identical findings whatever the object order and batch size', () => {
    const objects = scenario();
    const a = run(objects);
    const b = run(shuffled(objects, 7), { batchRows: 1 });
    const c = run(shuffled(objects, 99).reverse(), { batchRows: 1000 });
    expect(b.findings).toEqual(a.findings);
    expect(c.findings).toEqual(a.findings);
    expect(kinds(a.findings)).toEqual([
      'anonymous-access',
      'cross-account',
      'new-action-class',
      'new-bucket-for-principal',
      'new-principal',
      'new-source-network',
      'offensive-user-agent',
      'root-activity',
    ]);
    // The partner's day-9 requests are in both log kinds: counted once; its day-10 request is not on its first day.
    expect(a.findings.find((f) => f.kind === 'new-principal')?.evidence.count).toBe(2);
  });

  it('two runs with saved state find what one run over everything finds', () => {
    const objects = scenario();
    const all = run(objects);
    const early = (o: CaseObject): boolean => /\/(\d|root-0|kali-3)(\.json)?$/.test(o.uri ?? '') && !/\/(9|10)(\.json)?$/.test(o.uri ?? '');
    const first = run(objects.filter(early));
    const second = run(objects.filter((o) => !early(o)), { saved: first.saved });
    expect(first.findings.length).toBeGreaterThan(0);
    expect(byId([...first.findings, ...second.findings])).toEqual(byId(all.findings));
  });

  it('a first-seen day spread over two runs keeps its finding id', () => {
    const morning: CaseObject = { uri: 'case://ct/p-morning.json', cloudtrail: [ct({ who: partner, time: at(8, 7) })] };
    const evening: CaseObject = { uri: 'case://ct/p-evening.json', cloudtrail: [ct({ who: partner, time: at(8, 19) }), ct({ who: partner, time: at(9, 1) })] };
    const first = run([ctHistory, morning]);
    const second = run([evening], { saved: first.saved });
    const ids = (fs: Finding[]): string[] => fs.map((f) => `${f.kind} ${f.id}`).sort();
    expect(ids(second.findings)).toEqual(ids(first.findings));
    const np = second.findings.find((f) => f.kind === 'new-principal')!;
    expect(np.evidence.count).toBe(1); // this run's rows on the first-seen day
    expect(np.first_seen).toBe(at(8, 7).toISOString());
    expect(np.last_seen).toBe(at(8, 19).toISOString());
  });

  it('re-running the same objects with restored state reproduces the findings without counting twice', () => {
    const objects = scenario();
    const once = run(objects);
    const again = run(shuffled(objects, 3), { saved: once.saved, replayed: objects.map((o) => o.uri!), batchRows: 7 });
    expect(again.findings).toEqual(once.findings);
    expect(again.saved).toEqual(once.saved);
  });

  it('drops allow-listed principals, buckets, user agents and source networks', () => {
    const newcomer: CaseObject = { uri: 'case://ct/day8.json', cloudtrail: [ct({ who: partner, time: at(8, 10), ip: '198.51.100.20' })] };
    expect(kinds(run([ctHistory, newcomer]).findings)).toEqual(['cross-account', 'new-principal']);
    expect(run([ctHistory, newcomer], { allow: { principals: [`arn:aws:iam::${OTHER_ACCOUNT}:role/*`] } }).findings).toEqual([]);
    expect(run([ctHistory, newcomer], { settings: { allow: { buckets: ['data-*'] } } }).findings).toEqual([]);
    expect(run([ctHistory, newcomer], { settings: { allow: { source_ips: ['198.51.100.0/24'] } } }).findings).toEqual([]);

    const kali: CaseObject = { uri: 'case://ct/kali.json', cloudtrail: [ct({ who: reader, time: at(0, 1), userAgent: KALI_UA })] };
    expect(kinds(run([kali]).findings)).toEqual(['offensive-user-agent']);
    expect(run([kali], { allow: { user_agents: ['x86_64.kali'] } }).findings).toEqual([]);
  });

  it('never raises more than low for AWS service principals, even when they are reported', () => {
    const svc: CaseObject = {
      uri: 'case://ct/day8.json',
      cloudtrail: Array.from({ length: 50 }, (_, k) =>
        ct({ who: service('delivery.logs.amazonaws.com'), time: at(8, 0, k), eventName: 'PutObject', bucket: 'flow-logs', ip: `10.0.${k}.1`, errorCode: 'AccessDenied' }),
      ),
    };
    const internal: CaseObject = { uri: 'case://ct/internal.json', cloudtrail: [ct({ who: role('Glue'), time: at(8, 3), ip: 'AWS Internal' })] };
    expect(run([ctHistory, svc, internal]).findings).toEqual([]);
    const reported = run([ctHistory, svc, internal], { settings: { tunables: { servicePrincipals: true } } }).findings;
    expect(reported.length).toBeGreaterThan(0);
    for (const f of reported) expect(SEVERITIES.indexOf(f.severity)).toBeLessThanOrEqual(SEVERITIES.indexOf('low'));
    expect(reported.some((f) => f.kind === 'new-source-network')).toBe(false);
  });

  it('shifts every kind with the configured severity and honours disabledKinds', () => {
    const day8: CaseObject = { uri: 'case://ct/day8.json', cloudtrail: [ct({ who: partner, time: at(8, 10) }), ct({ who: reader, time: at(8, 11), ip: '203.0.113.1' })] };
    const medium = run([ctHistory, day8], { settings: { severity: 'medium' } }).findings;
    expect(Object.fromEntries(medium.map((f) => [f.kind, f.severity]))).toEqual({ 'new-principal': 'medium', 'cross-account': 'medium', 'new-source-network': 'low' });
    const some = run([ctHistory, day8], { settings: { tunables: { disabledKinds: ['new-source-network', 'cross-account'] } } }).findings;
    expect(kinds(some)).toEqual(['new-principal']);
  });

  it('a principal known in one account is new in another account; a bucket of unknown owner is only a new bucket', () => {
    const owner = role('Owner', 's', OTHER_ACCOUNT);
    const theirs: CaseObject = {
      uri: 'case://ct/theirs.json',
      cloudtrail: ctDays(8, { who: owner, bucket: 'their-bucket', ip: '192.0.2.30', extra: { recipientAccountId: OTHER_ACCOUNT } }),
    };
    const visit: CaseObject = {
      uri: 'case://ct/day8.json',
      cloudtrail: [ct({ who: reader, time: at(8, 9), bucket: 'their-bucket', extra: { recipientAccountId: OTHER_ACCOUNT } })],
    };
    const fs = run([ctHistory, theirs, visit]).findings;
    expect(kinds(fs)).toEqual(['cross-account', 'new-principal']);
    expect(fs.find((f) => f.kind === 'new-principal')?.subject).toEqual({ principal: `arn:aws:iam::${ACCOUNT}:role/AppReader`, account: OTHER_ACCOUNT });

    // Without the owner's own calls the bucket's account is unknown: the reader is known, so only a new bucket.
    const unknown = run([ctHistory, visit]).findings;
    expect(kinds(unknown)).toEqual(['new-bucket-for-principal']);
  });

  it('is bounded by maxKeys and counts evictions; forgets keys past the horizon', () => {
    const many: CaseObject = { uri: 'case://ct/many.json', cloudtrail: Array.from({ length: 40 }, (_, k) => ct({ who: user(`u${k}`), time: at(0, 1, k), bucket: `b${k}` })) };
    const r = run([many], { settings: { tunables: { maxKeys: 10 } } });
    expect((r.saved as { keys: string[] }).keys.length).toBeLessThanOrEqual(10);
    expect(r.runner.evictions.get(`${ID}:keys`)).toBeGreaterThan(0);

    const dormant: CaseObject = { uri: 'case://ct/dormant.json', cloudtrail: ctDays(2, { who: user('old') }) };
    const steady: CaseObject = { uri: 'case://ct/steady.json', cloudtrail: ctDays(30) };
    const back: CaseObject = { uri: 'case://ct/back.json', cloudtrail: [ct({ who: user('old'), time: at(30, 9) })] };
    const first = run([dormant, steady], { settings: { tunables: { horizonDays: 10 } } });
    expect(first.runner.evictions.get(`${ID}:expired-keys`)).toBeGreaterThan(0);
    const second = run([back], { saved: first.saved, settings: { tunables: { horizonDays: 10 } } });
    expect(kinds(second.findings)).toEqual(['new-principal']);
    const remembered = run([dormant, steady]);
    expect(run([back], { saved: remembered.saved }).findings).toEqual([]);
  });

  it('state is plain JSON and a corrupt state is an error', () => {
    const r = run([ctHistory, salHistory]);
    const json = JSON.parse(JSON.stringify(r.saved));
    expect(unusualPrincipal.state.toJSON(unusualPrincipal.state.fromJSON(json))).toEqual(json);
    expect(() => unusualPrincipal.state.fromJSON({ keys: ['x'], first: [], last: [] })).toThrow(/first-seen state/);
    expect(() => unusualPrincipal.state.fromJSON(null)).toThrow();
  });
});
