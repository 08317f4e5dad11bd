import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { s3ConfigChange } from '../../detectors/s3-config-change.js';
import { cloudTrailParser } from '../../parsers/cloudtrail.js';
import { DetectorRunner } from '../../src/detect/runner.js';
import type { Finding } from '../../src/detect/finding.js';
import { parseBytes } from '../helpers/parse.js';
import type { CaseObject } from './case.js';
import { cases } from './s3-config-change.cases.js';
import { caseBatches, describeCases } from './run-cases.js';
import { ct, user, type Json } from './events.js';

describeCases(s3ConfigChange, cases);

const who = user('mallory');
const tlsDeny: Json = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
const readRole: Json = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/app' }, Action: 's3:GetObject', Resource: '*' };
const put = (time: string, ...Statement: Json[]): Json =>
  ct({ who, eventName: 'PutBucketPolicy', eventType: 'AwsApiCall', time, requestParameters: { bucketName: 'b', bucketPolicy: { Version: '2012-10-17', Statement }, policy: '' } });

interface Run {
  findings: Finding[];
  saved: unknown;
}

function run(objects: CaseObject[], opts: { saved?: unknown; replayed?: string[]; batchRows?: number; tunables?: Record<string, number | boolean> } = {}): Run {
  const states = opts.saved === undefined ? undefined : { [s3ConfigChange.id]: s3ConfigChange.state.fromJSON(JSON.parse(JSON.stringify(opts.saved))) };
  const settings = opts.tunables ? { [s3ConfigChange.id]: { tunables: opts.tunables } } : undefined;
  const runner = new DetectorRunner({ detectors: [s3ConfigChange], states, settings, replayedOrigins: new Set(opts.replayed ?? []) });
  for (const b of caseBatches(objects, opts.batchRows)) runner.observe(b);
  const findings = runner.finish();
  return { findings, saved: runner.saveStates()[s3ConfigChange.id].data };
}

const ids = (fs: Finding[]): string[] => fs.map((f) => `${f.kind} ${f.id} ${f.summary}`).sort();

describe('s3-config-change state and order', () => {
  const a: CaseObject = { uri: 'case://a', cloudtrail: [put('2026-03-10T09:00:00Z', readRole, tlsDeny)] };
  const b: CaseObject = { uri: 'case://b', cloudtrail: [put('2026-03-10T10:00:00Z', readRole)] };
  const c: CaseObject = { uri: 'case://c', cloudtrail: [put('2026-03-10T11:00:00Z', readRole, tlsDeny), put('2026-03-10T12:00:00Z', { ...(readRole as object), Principal: '*' })] };

  it('gives the same findings whatever the object order and batch size', () => {
    const base = run([a, b, c]);
    expect(base.findings.map((f) => f.kind).sort()).toEqual(['public-bucket-policy', 'tls-deny-removed', 'tls-deny-removed']);
    expect(ids(run([c, b, a], { batchRows: 1 }).findings)).toEqual(ids(base.findings));
    expect(ids(run([b, c, a], { batchRows: 2 }).findings)).toEqual(ids(base.findings));
  });

  it('remembers the TLS deny across runs, and a re-run with restored state repeats the same findings', () => {
    const first = run([a]);
    expect(first.findings).toEqual([]);
    const second = run([b], { saved: first.saved });
    expect(second.findings.map((f) => f.kind)).toEqual(['tls-deny-removed']);
    const again = run([a, b], { saved: second.saved, replayed: ['case://a', 'case://b'] });
    expect(ids(again.findings)).toEqual(ids(second.findings));
    expect(again.saved).toEqual(second.saved);
  });

  it('a late file with an earlier policy is judged by event time, not arrival', () => {
    const first = run([b]);
    expect(first.findings).toEqual([]);
    // The 09:00 policy arrives late: the 10:00 change is re-judged only when its own file is seen again.
    const late = run([a, b], { saved: first.saved, replayed: ['case://b'] });
    expect(late.findings.map((f) => f.kind)).toEqual(['tls-deny-removed']);
  });

  it('keeps a bounded, plain-JSON timeline per resource', () => {
    const many: CaseObject = { cloudtrail: [1, 2, 3, 4, 5].map((h) => put(`2026-03-10T0${h}:00:00Z`, readRole, ...(h % 2 ? [tlsDeny] : []))) };
    const r = run([many], { tunables: { historyPerResource: 2 } });
    const saved = JSON.parse(JSON.stringify(r.saved)) as { facts: Record<string, Record<string, [number, string, boolean][]>> };
    expect(Object.keys(saved.facts)).toEqual(['bucket:b']);
    expect(saved.facts['bucket:b'].tls.map((e) => [new Date(e[0]).toISOString(), e[2]])).toEqual([
      ['2026-03-10T04:00:00.000Z', false],
      ['2026-03-10T05:00:00.000Z', true],
    ]);
    expect(r.findings.filter((f) => f.kind === 'tls-deny-removed')).toHaveLength(2);
    const evicted = new DetectorRunner({ detectors: [s3ConfigChange], settings: { [s3ConfigChange.id]: { tunables: { maxKeys: 1 } } } });
    const twoBuckets: CaseObject = { cloudtrail: [put('2026-03-10T01:00:00Z', tlsDeny), ct({ who, eventName: 'PutBucketPolicy', eventType: 'AwsApiCall', requestParameters: { bucketName: 'other', bucketPolicy: { Statement: [tlsDeny] } } })] };
    for (const batch of caseBatches([twoBuckets])) evicted.observe(batch);
    evicted.finish();
    expect(Object.keys((evicted.saveStates()[s3ConfigChange.id].data as { facts: object }).facts)).toEqual(['bucket:other']);
    expect(evicted.evictions.get('s3-config-change:resources')).toBe(1);
  });
});

describe('s3-config-change on real CloudTrail (../shared/fixtures/real/cloudtrail)', () => {
  const dir = fileURLToPath(new URL('../../../shared/fixtures/real/cloudtrail/', import.meta.url));
  const invictus = join(dir, 'invictus-ir-aws_dataset');
  const present = existsSync(invictus);

  function analyse(objects: { uri: string; bytes: Buffer }[]): Finding[] {
    const runner = new DetectorRunner({ detectors: [s3ConfigChange] });
    for (const o of objects) for (const b of parseBytes(cloudTrailParser, o.bytes, { uri: o.uri }).table.batches) runner.observe(b);
    return runner.finish();
  }

  it.skipIf(!present)('invictus-ir (a Stratus Red Team run, real delivery files)', () => {
    const files = readdirSync(invictus).sort();
    const findings = analyse(files.map((f) => ({ uri: `fixture://invictus/${f}`, bytes: readFileSync(join(invictus, f)) })));
    const tamper = findings.filter((x) => x.kind === 'cloudtrail-tampering');
    expect(tamper.some((x) => x.observed.change === 'DeleteTrail' && x.subject.trail === 'stratus-red-team-ctlr-trail-zqfsvooxqj' && x.severity === 'high')).toBe(true);
    expect(tamper.some((x) => x.observed.change === 'PutEventSelectors' && x.observed.management === false && x.severity === 'high')).toBe(true);
    expect(findings.filter((x) => x.kind === 'lifecycle-expiration').map((x) => [x.subject.bucket, x.severity, x.observed.expiration_days])).toEqual([['stratus-red-team-ctlr-bucket-zqfsvooxqj', 'high', 1]]);
    // Its bucket policies grant a service principal or another account's root: not public. Its StopLogging calls all failed.
    expect(findings.filter((x) => x.kind === 'public-bucket-policy')).toEqual([]);
    expect(tamper.some((x) => x.observed.change === 'StopLogging')).toBe(false);
    expect(findings.filter((x) => x.observed.error_code !== null)).toEqual([]);
  });

  // The hand-written rule-test files reuse event ids across unrelated records, so each record is analysed alone.
  function perRecord(file: string): Finding[] {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    const out: Finding[] = [];
    lines.forEach((l, i) => {
      if (l.trim() === '') return;
      out.push(...analyse([{ uri: `fixture://${file}#${i + 1}`, bytes: Buffer.from(l) }]));
    });
    return out;
  }

  it.skipIf(!present)('panther-analysis rule tests and TrailDiscover examples', () => {
    const findings = [...perRecord('panther-analysis-tests.jsonl'), ...perRecord('traildiscover-logexamples.jsonl'), ...perRecord('awsdocs-s3-userguide.jsonl')];
    const at = (x: Finding): string => x.evidence.samples[0].origin_uri ?? '';
    const of = (kind: string): string[] => findings.filter((x) => x.kind === kind).map(at).sort();
    const p = (n: number): string => `fixture://panther-analysis-tests.jsonl#${n}`;
    expect(of('encryption-removed')).toEqual([p(327), p(348), p(367)].sort());
    expect(of('public-access-block-removed')).toEqual([p(337)]);
    expect(of('public-bucket-policy')).toEqual([p(293)]); // 294 service principal, 296 denied, 298 not JSON, 303 org-restricted
    expect(of('access-logging-disabled')).toEqual([p(341), p(353)].sort());
    expect(of('versioning-suspended')).toEqual([p(354), p(355), p(357), p(363), p(364)].sort());
    expect(of('mfa-delete-disabled')).toEqual([p(345), p(356), p(357)].sort());
    expect(findings.filter((x) => x.kind === 'lifecycle-expiration').map((x) => [at(x), x.severity]).sort()).toEqual([
      [p(44), 'high'],
      [p(46), 'low'],
    ]);
    const tamper = findings.filter((x) => x.kind === 'cloudtrail-tampering');
    expect(tamper.map((x) => [at(x), x.observed.change, x.severity]).sort()).toEqual(
      [
        [p(28), 'PutEventSelectors', 'high'],
        [p(29), 'PutEventSelectors', 'low'],
        [p(48), 'StopLogging', 'high'],
        [p(380), 'DeleteTrail', 'low'], // invokedBy cloudformation.amazonaws.com: a service principal, capped
        [p(428), 'UpdateTrail', 'medium'],
      ].sort(),
    );
    // Failed calls (AccessDenied, NoSuchBucket, TrailNotFound…) and the ec2.amazonaws.com look-alikes are not findings.
    expect(findings.filter((x) => x.observed.error_code !== null)).toEqual([]);
    expect(findings.every((x) => at(x).startsWith('fixture://panther-analysis-tests.jsonl'))).toBe(true);
  });
});
