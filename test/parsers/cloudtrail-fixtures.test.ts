/**
 * Every real CloudTrail sample parses, cell for cell equal to a JSON.parse-based reference, in
 * any chunking; the few non-events the fixtures README names are reported, not parsed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cloudTrailParser } from '../../parsers/cloudtrail.js';
import { parseBytes } from '../helpers/parse.js';
import { classify, normalizeActual, referenceValues, type Outcome } from './cloudtrail-reference.js';

const DIR = new URL('../../../shared/fixtures/real/cloudtrail/', import.meta.url);
const URI = 'fixture://ct';

function fixtureFiles(): string[] {
  const top = readdirSync(DIR).filter((f) => f.endsWith('.json') || f.endsWith('.jsonl'));
  const invictus = readdirSync(new URL('invictus-ir-aws_dataset/', DIR)).map((f) => `invictus-ir-aws_dataset/${f}`);
  return [...top, ...invictus].sort();
}

interface Expected {
  outcomes: { at: number; byLine: boolean; outcome: Outcome }[];
  values: number;
}

function expectedFor(text: string): Expected {
  const values = referenceValues(text);
  const outcomes = values.flatMap(({ value, at, byLine }) => classify(value, at, URI).map((outcome) => ({ at, byLine, outcome })));
  return { outcomes, values: values.length };
}

/** The non-events the fixtures README names, plus three hand-edited panther samples (see below). */
const NOT_EVENTS: Record<string, { at: number; reason: string }[]> = {
  'awsdocs-cloudtrail-user-guide-digests.jsonl': [
    { at: 1, reason: 'digest' },
    { at: 2, reason: 'digest' },
  ],
  'otel-contrib-cloudtrail_digest.json': [{ at: 1, reason: 'digest' }],
  'awsdocs-s3-userguide.jsonl': [{ at: 6, reason: 'unknown_format' }],
  // The placeholder event whose values are the field names (eventTime "eventTime").
  'streamalert-classifier-samples.jsonl': [{ at: 2, reason: 'unknown_format' }],
  // Hand-edited rule tests: an empty object `{}` carries no event. (Lines 311 and 435, eventTime
  // "redacted" and "...", are events kept with a null time and an invalid_event_time issue.)
  'panther-analysis-tests.jsonl': [{ at: 442, reason: 'unknown_format' }],
};

describe('CloudTrail parser on the real fixtures', () => {
  const files = fixtureFiles();

  it('finds all the fixture files', () => {
    expect(files.length).toBe(55 + 9);
  });

  for (const file of files) {
    it(`parses ${file} like the JSON.parse reference, in any chunking`, () => {
      const bytes = readFileSync(new URL(file, DIR));
      const text = bytes.toString('utf8');
      const exp = expectedFor(text);
      const events = exp.outcomes.filter((o) => o.outcome.kind === 'event');
      const notEvents = exp.outcomes
        .filter((o) => o.outcome.kind !== 'event')
        .map((o) => ({ at: o.at, reason: o.outcome.kind === 'digest' ? 'digest' : (o.outcome as { reason: string }).reason }));
      // The independent count: every value is one event except the named non-events.
      expect(notEvents).toEqual(NOT_EVENTS[file.split('/').pop()!] ?? []);
      expect(events.length).toBe(exp.values - notEvents.length);

      for (const chunkSize of [bytes.length, 1, 7, 64, 1000, 4096]) {
        if (chunkSize === 1 && bytes.length > 20_000) continue;
        const got = parseBytes(cloudTrailParser, bytes, { uri: URI, chunkSize, batchRows: 100 });
        expect(got.rows.length).toBe(events.length);
        expect(got.counters.records).toBe(events.length);
        expect(got.counters.digests).toBe(notEvents.filter((n) => n.reason === 'digest').length);
        expect(got.counters.skipped).toBe(exp.outcomes.filter((o) => o.outcome.kind === 'skipped').length);
        got.rows.forEach((row, i) => {
          const e = events[i].outcome as Extract<Outcome, { kind: 'event' }>;
          expect(normalizeActual(row), `${file} row ${i} (chunk ${chunkSize})`).toEqual(e.row);
        });
        const issues = got.issues.map((i) => ({ at: i.line ?? i.record, reason: i.reason, byLine: i.line !== undefined }));
        const expectedIssues = [
          ...exp.outcomes
            .filter((o) => o.outcome.kind === 'skipped' || o.outcome.kind === 'unknown')
            .map((o) => ({ at: o.at, reason: (o.outcome as { reason: string }).reason, byLine: o.byLine })),
          ...events.filter((o) => (o.outcome as { missingTime: boolean }).missingTime).map((o) => ({ at: o.at, reason: 'missing_event_time', byLine: o.byLine })),
          ...events.filter((o) => (o.outcome as { invalidTime: boolean }).invalidTime).map((o) => ({ at: o.at, reason: 'invalid_event_time', byLine: o.byLine })),
        ];
        const key = (x: { at?: number; reason: string; byLine: boolean }) => `${x.byLine ? 'line' : 'record'} ${x.at}: ${x.reason}`;
        expect(issues.map(key).sort()).toEqual(expectedIssues.map(key).sort());
      }
    });
  }
});
