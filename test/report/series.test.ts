/**
 * The series findings carry for charts, on the bundled samples: volume-spike's point for the
 * finding's window is the observed value and its band the baseline it was judged against;
 * insecure-transport's hours add up to the day's requests; and the hourly-activity hunt, counted
 * independently in DuckDB, agrees with the spike's window.
 */
import { describe, expect, it } from 'vitest';
import { getHunt, bindHunt } from '../../src/query/hunts.js';
import { rowsOf, sampleDb } from '../query/sample-events.js';
import { sampleReport } from './sample-report.js';

describe('finding series', () => {
  it('volume-spike: one point per window around the finding, the finding window holding the observed value and band', async () => {
    const { findings } = await sampleReport();
    const spikes = findings.filter((f) => f.detector === 'volume-spike');
    expect(spikes.length).toBeGreaterThanOrEqual(3);
    for (const f of spikes) {
      const s = f.series!;
      expect(s.metric).toBe(f.observed.metric);
      expect(s.step_ms).toBe(3_600_000);
      const ts = s.points.map((p) => Date.parse(p.t));
      for (let i = 1; i < ts.length; i++) expect(ts[i] - ts[i - 1]).toBe(s.step_ms);
      const at = s.points.find((p) => p.t === f.window.start)!;
      expect(at.observed).toBe(f.observed[s.metric as string]);
      if (f.baseline?.upper !== null && f.baseline?.upper !== undefined) expect(at.high).toBe(f.baseline.upper);
      expect(s.points.length).toBeGreaterThan(24);
      for (const p of s.points) if (p.low !== null && p.high !== null) expect(p.low!).toBeLessThanOrEqual(p.high!);
    }
  }, 120_000);

  it('insecure-transport: 24 hourly points of the UTC day that add up to its requests', async () => {
    const { findings } = await sampleReport();
    const transport = findings.filter((f) => f.detector === 'insecure-transport');
    expect(transport.length).toBeGreaterThanOrEqual(3);
    for (const f of transport) {
      const s = f.series!;
      expect(s.points).toHaveLength(24);
      expect(s.points[0].t).toBe(f.window.start);
      const sum = s.points.reduce((a, p) => a + p.observed, 0);
      expect(sum).toBeGreaterThanOrEqual(f.observed.requests as number);
      expect(sum).toBeLessThanOrEqual((f.observed.cloudtrail_requests as number) + (f.observed.s3access_requests as number));
      expect(s.points.every((p) => p.high === 0)).toBe(true);
    }
    const plain = transport.find((f) => f.kind === 'no-tls')!;
    expect(plain.series!.points.reduce((a, p) => a + p.observed, 0)).toBe(plain.observed.requests);
  }, 120_000);

  it('the hourly-activity hunt counts the same denials in the spike window', async () => {
    const { findings } = await sampleReport();
    const f = findings.find((x) => x.detector === 'volume-spike' && x.kind === 'errors')!;
    const db = await sampleDb();
    try {
      const h = getHunt('hourly-activity');
      const bound = bindHunt(h, new Map([['principal', f.subject.principal!]]), { engine: 'duckdb', since: f.window.start, until: f.window.end });
      const rows = await rowsOf(db, h.sql, bound.ordered);
      const denied = Math.max(...rows.map((r) => Number(r.denied)));
      expect(denied).toBe(f.series!.points.find((p) => p.t === f.window.start)!.observed);
    } finally {
      db.close();
    }
  }, 120_000);
});
