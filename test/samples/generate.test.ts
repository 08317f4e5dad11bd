import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeRequester, normalizeUserIdentity } from '../../parsers/principal.js';
import { DETECTORS } from '../../src/samples/incidents.js';
import { generateSamples, type LabelsFile, type SampleSummary } from '../../src/samples/generate.js';

const CLOUDTRAIL_KEY =
  /^cloudtrail\/AWSLogs\/(?<acct>\d{12})\/CloudTrail\/(?<region>[a-z0-9-]+)\/(?<y>\d{4})\/(?<m>\d{2})\/(?<d>\d{2})\/\k<acct>_CloudTrail_\k<region>_\k<y>\k<m>\k<d>T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$/;
const ACCESS_LOG_KEY = /^s3access\/(?<bucket>[a-z0-9.-]+)\/\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9A-F]{16}$/;
const ACCESS_LOG_TIME = /^\[\d{2}\/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\]$/;

/** A deliberately simple access-log tokenizer: bare, [bracketed] and "quoted" fields. */
const tokenize = (line: string): string[] => line.match(/"[^"]*"|\[[^\]]*\]|\S+/g) ?? [];

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out.sort();
}

async function digests(dir: string): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const file of await filesUnder(dir)) {
    map.set(relative(dir, file), createHash('sha256').update(await readFile(file)).digest('hex'));
  }
  return map;
}

interface Event {
  kind: 'cloudtrail' | 's3access';
  time: number;
  principal: string;
  action: string;
  bucket: string | null;
  sourceIp: string;
  errorCode: string | null;
  bytesOut: number;
  fields?: string[];
  record?: Record<string, any>;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function accessLogTime(field: string): number {
  const m = /^\[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})/.exec(field)!;
  return Date.UTC(+m[3], MONTHS.indexOf(m[2]), +m[1], +m[4], +m[5], +m[6]);
}

async function readOutput(dir: string) {
  const cloudTrailKeys: string[] = [];
  const accessLogKeys: string[] = [];
  const records: Record<string, any>[] = [];
  const eventIdFiles = new Map<string, Set<string>>();
  const lines: string[][] = [];
  const events: Event[] = [];
  let gzippedAccessLogs = 0;
  for (const file of await filesUnder(dir)) {
    const key = relative(dir, file).split('\\').join('/');
    const bytes = await readFile(file);
    if (key.startsWith('cloudtrail/')) {
      cloudTrailKeys.push(key);
      const doc = JSON.parse(gunzipSync(bytes).toString('utf8'));
      for (const r of doc.Records) {
        records.push(r);
        eventIdFiles.set(r.eventID, (eventIdFiles.get(r.eventID) ?? new Set()).add(key));
        const u = r.userIdentity ?? {};
        const issuer = u.sessionContext?.sessionIssuer;
        events.push({
          kind: 'cloudtrail',
          time: Date.parse(r.eventTime),
          principal: normalizeUserIdentity({
            present: true,
            type: u.type,
            arn: u.arn,
            accountId: u.accountId,
            principalId: u.principalId,
            userName: u.userName,
            invokedBy: u.invokedBy,
            issuerArn: issuer?.arn,
            issuerType: issuer?.type,
          }).principal,
          action: r.eventName,
          bucket: r.requestParameters?.bucketName ?? null,
          sourceIp: r.sourceIPAddress,
          errorCode: r.errorCode ?? null,
          bytesOut: r.additionalEventData?.bytesTransferredOut ?? 0,
          record: r,
        });
      }
    } else if (key.startsWith('s3access/')) {
      accessLogKeys.push(key);
      const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
      if (gzipped) gzippedAccessLogs++;
      for (const line of (gzipped ? gunzipSync(bytes) : bytes).toString('utf8').split('\n')) {
        if (line === '') continue;
        const f = tokenize(line);
        lines.push(f);
        events.push({
          kind: 's3access',
          time: accessLogTime(f[2]),
          principal: normalizeRequester(f[4]).principal,
          action: f[6],
          bucket: f[1],
          sourceIp: f[3],
          errorCode: f[10] === '-' ? null : f[10],
          bytesOut: f[11] === '-' ? 0 : Number(f[11]),
          fields: f,
        });
      }
    }
  }
  const labels: LabelsFile = JSON.parse(await readFile(join(dir, 'labels.json'), 'utf8'));
  return { cloudTrailKeys, accessLogKeys, records, eventIdFiles, lines, events, labels, gzippedAccessLogs };
}

let base: string;
let summary: SampleSummary;
let output: Awaited<ReturnType<typeof readOutput>>;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'trailhound-samples-'));
  summary = await generateSamples({ out: join(base, 'a'), days: 3, seed: 11 });
  output = await readOutput(join(base, 'a'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('determinism', () => {
  it('gives byte-identical output for the same seed and different output for another seed', async () => {
    await generateSamples({ out: join(base, 'b'), days: 3, seed: 11 });
    await generateSamples({ out: join(base, 'c'), days: 3, seed: 12 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((d) => digests(join(base, d))));
    expect([...b.entries()]).toEqual([...a.entries()]);
    expect(a.size).toBeGreaterThan(20);
    const changed = [...c.keys()].filter((k) => a.get(k) !== c.get(k));
    expect(changed.length).toBeGreaterThan(c.size / 2);
  });

  it('replaces a previous run in the same directory', async () => {
    await generateSamples({ out: join(base, 'b'), days: 1, seed: 5 });
    await generateSamples({ out: join(base, 'b'), days: 3, seed: 11 });
    expect([...(await digests(join(base, 'b'))).entries()]).toEqual([...(await digests(join(base, 'a'))).entries()]);
  });
});

describe('CloudTrail output', () => {
  it('uses the delivered-file key layout', () => {
    expect(output.cloudTrailKeys.length).toBe(summary.cloudtrail.objects);
    for (const key of output.cloudTrailKeys) expect(key).toMatch(CLOUDTRAIL_KEY);
    const regions = new Set(output.cloudTrailKeys.map((k) => CLOUDTRAIL_KEY.exec(k)!.groups!.region));
    const accounts = new Set(output.cloudTrailKeys.map((k) => CLOUDTRAIL_KEY.exec(k)!.groups!.acct));
    expect(regions.size).toBeGreaterThanOrEqual(2);
    expect(accounts.size).toBeGreaterThanOrEqual(2);
  });

  it('gunzips every file to {"Records":[…]} with the required fields', () => {
    expect(output.records.length).toBe(summary.cloudtrail.records);
    const malformed = output.records.filter(
      (r) =>
        !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(r.eventTime) ||
        typeof r.eventName !== 'string' ||
        !/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(r.eventID) ||
        typeof r.userIdentity?.type !== 'string',
    );
    expect(malformed).toEqual([]);
  });

  it('renders S3 data events like real trails', () => {
    const data = output.records.filter((r) => r.eventCategory === 'Data' && r.userIdentity.type === 'AssumedRole');
    expect(data.length).toBeGreaterThan(100);
    for (const r of data) {
      expect(r.userAgent).toMatch(/^\[.*\]$/);
      expect(r.requestParameters).toHaveProperty('bucketName');
      expect(r.requestParameters).toHaveProperty('Host');
      expect(r.additionalEventData).toHaveProperty('x-amz-id-2');
      expect(r.userIdentity.sessionContext.sessionIssuer.arn).toMatch(/^arn:aws:iam::\d{12}:role\//);
    }
    const identityTypes = new Set(output.records.map((r) => r.userIdentity.type));
    for (const t of ['AssumedRole', 'IAMUser', 'Root', 'AWSService', 'AWSAccount']) expect(identityTypes).toContain(t);
    expect(output.records.some((r) => r.userIdentity.sessionContext?.sessionIssuer?.arn.includes(':role/service-role/app-reader'))).toBe(true);
  });

  it('delivers a few events twice, in two different files', () => {
    const twice = [...output.eventIdFiles.values()].filter((files) => files.size === 2);
    expect(twice.length).toBeGreaterThanOrEqual(2);
  });
});

describe('access-log output', () => {
  it('uses the simple-prefix key layout, one stream per source bucket', () => {
    expect(output.accessLogKeys.length).toBe(summary.accessLogs.objects);
    for (const key of output.accessLogKeys) expect(key).toMatch(ACCESS_LOG_KEY);
    expect(new Set(output.accessLogKeys.map((k) => ACCESS_LOG_KEY.exec(k)!.groups!.bucket)).size).toBeGreaterThanOrEqual(3);
  });

  it('writes plain text by default with lines of at least 26 fields and the bracketed time', () => {
    expect(output.gzippedAccessLogs).toBe(0);
    expect(output.lines.length).toBe(summary.accessLogs.lines);
    const malformed = output.lines.filter(
      (f) => f.length < 26 || !ACCESS_LOG_TIME.test(f[2]) || !f[8].startsWith('"') || !/^(SigV2|SigV4|-)$/.test(f[19]),
    );
    expect(malformed).toEqual([]);
    const operations = new Set(output.lines.map((f) => f[6]));
    for (const op of ['REST.GET.OBJECT', 'REST.PUT.OBJECT', 'S3.EXPIRE.OBJECT', 'BATCH.DELETE.OBJECT', 'REST.GET.BUCKETPOLICY']) {
      expect(operations).toContain(op);
    }
  });

  it('gzips the same objects when asked', async () => {
    const dir = join(base, 'gz');
    const gz = await generateSamples({ out: dir, days: 1, seed: 3, accessLogGzip: true });
    const read = await readOutput(dir);
    expect(read.gzippedAccessLogs).toBe(gz.accessLogs.objects);
    for (const key of read.accessLogKeys) expect(key).toMatch(ACCESS_LOG_KEY);
    expect(read.lines.length).toBe(gz.accessLogs.lines);
  });

  it('uses the same request id and principal in both logs for a data event', () => {
    const salById = new Map(output.events.filter((e) => e.kind === 's3access').map((e) => [e.fields![5], e]));
    // Two identities are named differently by the sources, as in real logs: a service acting through a
    // role (invokedBy) and the bucket owner's copy of a cross-account request (type AWSAccount: account only).
    const comparable = (u: Record<string, any>) => !u.invokedBy && (u.type !== 'AWSAccount' || u.accountId === 'anonymous');
    const both = output.events.filter(
      (e) => e.kind === 'cloudtrail' && comparable(e.record!.userIdentity) && salById.has(e.record!.requestID),
    );
    expect(both.length).toBeGreaterThan(100);
    expect(both.filter((e) => salById.get(e.record!.requestID)!.principal !== e.principal)).toEqual([]);
  });
});

describe('labels', () => {
  const { start, end } = { start: Date.parse('2026-03-02T00:00:00Z'), end: Date.parse('2026-03-05T00:00:00Z') };

  it('cover every detector with windows inside the generated period', () => {
    const { labels } = output.labels;
    expect(summary.incidents.total).toBe(labels.length);
    expect(new Set(labels.map((l) => l.id)).size).toBe(labels.length);
    for (const detector of DETECTORS) expect(labels.filter((l) => l.detector === detector).length).toBeGreaterThanOrEqual(1);
    for (const l of labels) {
      expect(Date.parse(l.window.start)).toBeGreaterThanOrEqual(start);
      expect(Date.parse(l.window.end)).toBeLessThanOrEqual(end);
      expect(Date.parse(l.window.start)).toBeLessThan(Date.parse(l.window.end));
      expect(l.subject.principal ?? l.subject.bucket).toBeDefined();
    }
  });

  it('point at requests that exist in the output', () => {
    for (const l of output.labels.labels) {
      const matches = eventsOf(l.window, l.subject);
      expect(matches.length, l.id).toBeGreaterThan(0);
    }
  });

  it('put the volume incidents far above the cold-start floors', () => {
    const label = (id: string) => output.labels.labels.find((l) => l.id === id)!;
    const bulk = eventsOf(label('vs-app-reader-bulk-download').window, label('vs-app-reader-bulk-download').subject, 's3access');
    const gets = bulk.filter((e) => e.action === 'REST.GET.OBJECT');
    expect(gets.length).toBeGreaterThan(1_500);
    expect(gets.reduce((sum, e) => sum + e.bytesOut, 0)).toBeGreaterThan(2e9);
    const deletes = eventsOf(label('vs-admin-delete-burst-backups').window, label('vs-admin-delete-burst-backups').subject, 's3access');
    expect(deletes.filter((e) => e.action === 'REST.DELETE.OBJECT').length).toBeGreaterThan(150);
    const denied = eventsOf(label('vs-app-reader-access-denied-burst').window, label('vs-app-reader-access-denied-burst').subject, 's3access');
    expect(denied.filter((e) => e.errorCode === 'AccessDenied').length).toBeGreaterThan(80);
  });

  it('show the insecure transports in the access logs', () => {
    const label = (id: string) => output.labels.labels.find((l) => l.id === id)!;
    const lines = (id: string) => eventsOf(label(id).window, label(id).subject, 's3access').map((e) => e.fields!);
    const plain = lines('it-backup-agent-plain-http');
    expect(plain.length).toBeGreaterThan(10);
    expect(new Set(plain.map((f) => `${f[20]} ${f[23]}`))).toEqual(new Set(['- -']));
    expect(lines('it-media-uploader-tls11').every((f) => f[23] === 'TLSv1.1')).toBe(true);
    expect(lines('it-legacy-sync-sigv2').every((f) => f[19] === 'SigV2')).toBe(true);
  });

  it('record configuration changes with the real request shapes', () => {
    const record = (id: string) => {
      const l = output.labels.labels.find((x) => x.id === id)!;
      const [e] = eventsOf(l.window, l.subject, 'cloudtrail').filter((x) => /^(Put|Delete|Stop)/.test(x.action));
      return e.record!;
    };
    const publicPolicy = record('cc-backups-policy-public-read').requestParameters.bucketPolicy;
    expect(publicPolicy.Statement).toEqual([expect.objectContaining({ Effect: 'Allow', Principal: '*' })]);
    expect(publicPolicy.Statement[0].Condition).toBeUndefined();
    const noTlsDeny = JSON.stringify(record('cc-data-policy-drops-tls-deny').requestParameters.bucketPolicy);
    expect(noTlsDeny).not.toContain('aws:SecureTransport');
    expect(noTlsDeny).toContain('aws:SourceVpce');
    expect(record('cc-data-access-logging-disabled').requestParameters.BucketLoggingStatus).not.toHaveProperty('LoggingEnabled');
    expect(record('cc-backups-versioning-suspended').requestParameters.VersioningConfiguration.Status).toBe('Suspended');
    expect(record('cc-backups-lifecycle-expire-all').requestParameters.LifecycleConfiguration.Rule.Filter.Prefix).toBe('');
    expect(record('cc-account-public-access-block-off').requestParameters.PublicAccessBlockConfiguration.BlockPublicPolicy).toBe(false);
    expect(record('cc-org-trail-stopped').eventSource).toBe('cloudtrail.amazonaws.com');
    expect(record('cc-data-encryption-deleted').eventName).toBe('DeleteBucketEncryption');
  });

  it('leave the negative controls unlabelled', () => {
    const labelled = new Set(
      output.labels.labels
        .filter((l) => l.detector === 's3-config-change')
        .flatMap((l) => eventsOf(l.window, l.subject, 'cloudtrail').map((e) => e.record!.eventID)),
    );
    const keepsTlsDeny = output.records.filter(
      (r) => r.eventName === 'PutBucketPolicy' && JSON.stringify(r.requestParameters.bucketPolicy).includes('aws:SecureTransport'),
    );
    expect(keepsTlsDeny.length).toBeGreaterThanOrEqual(2);
    expect(keepsTlsDeny.some((r) => JSON.stringify(r.requestParameters.bucketPolicy).includes('aws:SourceVpce'))).toBe(true);
    const enablesVersioning = output.records.filter(
      (r) => r.eventName === 'PutBucketVersioning' && r.requestParameters.VersioningConfiguration.Status === 'Enabled',
    );
    expect(enablesVersioning.length).toBeGreaterThanOrEqual(1);
    for (const r of [...keepsTlsDeny, ...enablesVersioning]) expect(labelled.has(r.eventID)).toBe(false);
  });
});

describe('benign noise', () => {
  it('has the log-delivery service denied every day and anonymous website visitors', () => {
    const days = new Set(
      output.events
        .filter((e) => e.principal === 'delivery.logs.amazonaws.com' && e.errorCode === 'AccessDenied')
        .map((e) => new Date(e.time).toISOString().slice(0, 10)),
    );
    expect(days.size).toBe(3);
    const visitors = output.events.filter((e) => e.principal === 'anonymous' && e.bucket === 'northwind-www');
    expect(new Set(visitors.map((e) => e.sourceIp)).size).toBeGreaterThan(50);
  });
});

function eventsOf(window: { start: string; end: string }, subject: { principal?: string; bucket?: string; source_ip?: string }, kind?: Event['kind']): Event[] {
  const from = Date.parse(window.start);
  const to = Date.parse(window.end);
  return output.events.filter(
    (e) =>
      (kind === undefined || e.kind === kind) &&
      e.time >= from &&
      e.time < to &&
      (subject.principal === undefined || e.principal === subject.principal) &&
      (subject.bucket === undefined || e.bucket === subject.bucket) &&
      (subject.source_ip === undefined || e.sourceIp === subject.source_ip),
  );
}
