import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { s3AccessParser } from '../../parsers/s3-access.js';
import { parseBytes } from '../helpers/parse.js';
import { insecureTransport, tlsNumber } from '../../detectors/insecure-transport.js';
import { DetectorRunner } from '../../src/detect/runner.js';
import type { Finding } from '../../src/detect/finding.js';
import type { CaseObject } from './case.js';
import { cases } from './insecure-transport.cases.js';
import { caseBatches, describeCases } from './run-cases.js';
import { hourly, role, sal, user } from './events.js';

describeCases(insecureTransport, cases);

const etl = role('etl');
const plain = { tls: '-', cipher: '-' } as const;

interface Run {
  findings: Finding[];
  saved: unknown;
}

function run(objects: CaseObject[], opts: { saved?: unknown; replayed?: string[]; batchRows?: number } = {}): Run {
  const states = opts.saved === undefined ? undefined : { [insecureTransport.id]: insecureTransport.state.fromJSON(JSON.parse(JSON.stringify(opts.saved))) };
  const runner = new DetectorRunner({ detectors: [insecureTransport], states, replayedOrigins: new Set(opts.replayed ?? []) });
  for (const b of caseBatches(objects, opts.batchRows)) runner.observe(b);
  const findings = runner.finish();
  return { findings, saved: runner.saveStates()[insecureTransport.id].data };
}

const brief = (fs: Finding[]): unknown[] => fs.map((f) => ({ id: f.id, kind: f.kind, severity: f.severity, observed: f.observed, evidence: f.evidence, attributions: f.attributions, first: f.first_seen, last: f.last_seen }));

describe('insecure-transport', () => {
  it('reads TLS versions in any spelling', () => {
    expect(tlsNumber('TLSv1.1')).toBe(1.1);
    expect(tlsNumber('TLSV1.1')).toBe(1.1);
    expect(tlsNumber('tlsv1')).toBe(1);
    expect(tlsNumber('TLSv1.0')).toBe(1);
    expect(tlsNumber('SSLv3')).toBe(0);
    expect(tlsNumber('TLSv1.3')).toBe(1.3);
    expect(Number.isNaN(tlsNumber('-'))).toBe(true);
  });

  const morning: CaseObject = { uri: 'case://morning', s3access: hourly('2026-03-10T01:00:00Z', 4, 3).map((time) => sal({ who: etl, time, ...plain })) };
  const evening: CaseObject = { uri: 'case://evening', s3access: hourly('2026-03-10T18:00:00Z', 2, 3).map((time) => sal({ who: etl, time, ...plain, ip: '198.51.100.7' })) };
  const weak: CaseObject = { uri: 'case://weak', s3access: [sal({ who: user('old'), tls: 'TLSv1.1', sigv: 'SigV2' }), sal({ who: user('old'), tls: 'TLSv1', time: '2026-03-11T02:00:00Z' })] };

  it('gives the same findings whatever the object order and batch size', () => {
    const a = run([morning, evening, weak]);
    const b = run([weak, evening, morning], { batchRows: 1 });
    const c = run([evening, weak, morning], { batchRows: 2 });
    expect(brief(b.findings)).toEqual(brief(a.findings));
    expect(brief(c.findings)).toEqual(brief(a.findings));
    expect(a.findings.map((f) => f.kind).sort()).toEqual(['no-tls', 'sigv2', 'weak-tls', 'weak-tls']);
  });

  it('a day spread over two runs reports its whole count under the same id', () => {
    const first = run([morning]);
    const second = run([evening], { saved: first.saved });
    expect(first.findings).toHaveLength(1);
    expect(second.findings).toHaveLength(1);
    expect(second.findings[0].id).toBe(first.findings[0].id);
    expect(second.findings[0].observed.requests).toBe(18);
    expect(second.findings[0].first_seen).toBe('2026-03-10T01:00:00.000Z');
    expect(second.findings[0].last_seen).toBe('2026-03-10T19:40:00.000Z');
  });

  it('re-running the same objects with restored state gives the same findings without double counting', () => {
    const first = run([morning, evening]);
    const again = run([morning, evening], { saved: first.saved, replayed: ['case://morning', 'case://evening'] });
    expect(brief(again.findings)).toEqual(brief(first.findings));
    expect(again.saved).toEqual(first.saved);
  });

  it('keeps totals only within the horizon and state is plain JSON', () => {
    const first = run([morning]);
    const later: CaseObject = { s3access: [sal({ who: etl, time: '2026-03-20T00:00:00Z', tls: 'TLSv1.3' })] };
    const second = run([later], { saved: first.saved });
    expect(second.findings).toEqual([]);
    expect(JSON.parse(JSON.stringify(second.saved))).toEqual({ latest: Date.parse('2026-03-20T00:00:00Z'), totals: [] });
  });

  it('denied-only plaintext can be silenced', () => {
    const denied: CaseObject = { s3access: [sal({ who: etl, ...plain, status: 403, errorCode: 'AccessDenied' })] };
    const runner = new DetectorRunner({ detectors: [insecureTransport], settings: { [insecureTransport.id]: { tunables: { reportDenied: false } } } });
    for (const b of caseBatches([denied])) runner.observe(b);
    expect(runner.finish()).toEqual([]);
  });

  it('attributes source IPs, user agents and operations with exact counts', () => {
    const { findings } = run([morning, evening]);
    const f = findings[0];
    expect(f.attributions?.source_ip).toEqual([
      { value: '192.0.2.10', count: 12 },
      { value: '198.51.100.7', count: 6 },
    ]);
    expect(f.attributions?.action).toEqual([{ value: 'REST.GET.OBJECT', count: 18 }]);
    expect(f.evidence.samples.map((s) => s.time)).toEqual(['2026-03-10T01:00:00.000Z', '2026-03-10T01:20:00.000Z', '2026-03-10T01:40:00.000Z', '2026-03-10T02:00:00.000Z', '2026-03-10T02:20:00.000Z']);
  });
});

describe('insecure-transport on real access logs (../shared/fixtures/real/s3access)', () => {
  const dir = fileURLToPath(new URL('../../../shared/fixtures/real/s3access/', import.meta.url));
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.log')).sort() : [];

  it.skipIf(files.length === 0)('finds the TLSV1.1 and SigV2 samples and nothing in old, lifecycle or TLS 1.2+ lines', () => {
    const runner = new DetectorRunner({ detectors: [insecureTransport] });
    for (const f of files) {
      const parsed = parseBytes(s3AccessParser, readFileSync(join(dir, f)), { uri: `fixture://${f}` });
      for (const b of parsed.table.batches) runner.observe(b);
    }
    const findings = runner.finish();
    const got = findings.map((f) => `${f.kind} ${f.subject.principal} ${f.subject.bucket} ${f.observed.requests}`).sort();
    // Every TLS-carrying real line is TLS 1.1 or later; the 2019-era samples are TLSV1.1 and some SigV2.
    expect(findings.every((f) => f.kind === 'weak-tls' || f.kind === 'sigv2')).toBe(true);
    expect(got.some((g) => g.startsWith('weak-tls') && g.includes('awsexamplebucket1'))).toBe(true);
    expect(got.some((g) => g.startsWith('sigv2') && g.includes('awsexamplebucket1'))).toBe(true);
    expect(got.some((g) => g.includes('acme.customerdata-prod'))).toBe(true);
    expect(findings.some((f) => f.subject.principal === 'AmazonS3' || f.subject.bucket === 'mybucket')).toBe(false);
    for (const f of findings) expect(f.evidence.samples[0].origin_uri).toMatch(/^fixture:\/\//);
  });
});
