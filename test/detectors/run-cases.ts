/**
 * The one generic runner for detector cases: each case's log objects go through the real
 * parsers into Arrow batches, then through the detector runner; findings are matched to the
 * expected list.
 */
import type { RecordBatch } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { DetectorRunner } from '../../src/detect/runner.js';
import type { AnyDetector } from '../../src/detect/detector.js';
import type { Finding } from '../../src/detect/finding.js';
import { cloudTrailParser } from '../../parsers/cloudtrail.js';
import { s3AccessParser } from '../../parsers/s3-access.js';
import { parseBytes } from '../helpers/parse.js';
import type { CaseObject, DetectorCase, ExpectedFinding } from './case.js';
import { ctFile } from './events.js';

export function caseBatches(objects: CaseObject[], batchRows?: number): RecordBatch[] {
  const batches: RecordBatch[] = [];
  objects.forEach((o, i) => {
    const uri = o.uri ?? `case://object-${i}`;
    const parsed = o.cloudtrail
      ? parseBytes(cloudTrailParser, Buffer.from(ctFile(o.cloudtrail)), { uri, batchRows })
      : parseBytes(s3AccessParser, Buffer.from((o.s3access ?? []).join('\n') + '\n'), { uri, batchRows });
    expect(parsed.issues, `parse issues in ${uri}`).toEqual([]);
    batches.push(...parsed.table.batches);
  });
  return batches;
}

export function runDetector(detector: AnyDetector, objects: CaseObject[], tunables?: DetectorCase['tunables']): Finding[] {
  const runner = new DetectorRunner({ detectors: [detector], settings: tunables ? { [detector.id]: { tunables } } : undefined });
  for (const b of caseBatches(objects)) runner.observe(b);
  return runner.finish();
}

function matches(f: Finding, e: ExpectedFinding): boolean {
  if (e.kind !== undefined && f.kind !== e.kind) return false;
  if (e.severity !== undefined && f.severity !== e.severity) return false;
  for (const [k, v] of Object.entries(e.subject ?? {})) if (f.subject[k] !== v) return false;
  for (const [k, v] of Object.entries(e.observed ?? {})) if (f.observed[k] !== v) return false;
  if (e.summaryContains !== undefined && !f.summary.includes(e.summaryContains)) return false;
  return true;
}

function brief(f: Finding): string {
  return JSON.stringify({ kind: f.kind, severity: f.severity, subject: f.subject, observed: f.observed, summary: f.summary });
}

export function describeCases(detector: AnyDetector, cases: DetectorCase[]): void {
  describe(`${detector.id} cases`, () => {
    it('has at least one positive and one negative case', () => {
      expect(cases.some((c) => c.expect.length > 0)).toBe(true);
      expect(cases.some((c) => c.expect.length === 0)).toBe(true);
    });
    for (const c of cases) {
      it(c.name, () => {
        const findings = runDetector(detector, c.objects, c.tunables);
        const actual = findings.map(brief).join('\n');
        for (const e of c.expect) {
          const hits = findings.filter((f) => matches(f, e));
          expect(hits.length, `expected exactly one finding like ${JSON.stringify(e)}; got:\n${actual}`).toBe(1);
        }
        expect(findings.length, `finding count; got:\n${actual}`).toBe(c.expect.length);
        for (const f of findings) {
          expect(f.detector).toBe(detector.id);
          expect(f.summary.length).toBeGreaterThan(10);
          expect(f.evidence.samples.length).toBeLessThanOrEqual(5);
          expect(f.evidence.samples.length).toBeGreaterThan(0);
          expect(f.evidence.samples[0].origin_uri).toMatch(/^case:\/\//);
        }
      });
    }
  });
}
