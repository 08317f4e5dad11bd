/**
 * (f) analyze end-to-end vs parse-only on the same CloudTrail + access-log data, 1 worker.
 * `parse`: ingest and consume every batch. `analyze`: the same, plus `DetectorRunner.observe`
 * on every batch and `finish()` with every registered detector. Each detector's observe/finish is
 * wrapped with a timer (one call per batch, so the cost is nil) to say where the time goes; the
 * rest of `runner.observe` is de-duplication and building the shared view.
 *
 *   node --import tsx bench/measure-analyze.ts DATA_DIR parse|analyze
 */
import type { RecordBatch } from 'apache-arrow';
import { ingest } from '../src/ingest/ingest.js';
import type { AnyDetector } from '../src/detect/detector.js';
import { DetectorRunner } from '../src/detect/runner.js';
import { accessLogDir, childArgs, cloudTrailDir, issueNotes, listAll, report, timed } from './common.js';

const args = childArgs();
const mode = args.rest[0];
if (mode !== 'parse' && mode !== 'analyze') throw new Error(`mode must be parse or analyze, got ${String(mode)}`);

let registered: readonly AnyDetector[] = [];
if (mode === 'analyze') {
  try {
    registered = (await import('../detectors/index.js')).DETECTORS;
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    report({ bytes: 0, records: 0, seconds: 0, skipped: `detectors not available (${why})` });
    process.exit(0);
  }
}

const spent = new Map<string, number>();
const clock = (key: string, t0: bigint): void => {
  spent.set(key, (spent.get(key) ?? 0) + Number(process.hrtime.bigint() - t0) / 1e9);
};
const detectors: AnyDetector[] = registered.map((d) => ({
  ...d,
  observe(state, view, ctx) {
    const t0 = process.hrtime.bigint();
    d.observe(state, view, ctx);
    clock(d.id, t0);
  },
  finish(state, ctx) {
    const t0 = process.hrtime.bigint();
    const out = d.finish(state, ctx);
    clock(d.id, t0);
    return out;
  },
}));

const [{ rows, summary, runner, findings }, seconds] = await timed(async () => {
  const run = ingest(listAll([cloudTrailDir(args), accessLogDir(args)]), { workers: 1 });
  const runner = mode === 'analyze' ? new DetectorRunner({ detectors }) : undefined;
  const observe = runner
    ? (b: RecordBatch) => {
        const t0 = process.hrtime.bigint();
        runner.observe(b);
        clock('runner', t0);
      }
    : undefined;
  let rows = 0;
  for await (const b of run.batches) {
    rows += b.numRows;
    observe?.(b);
  }
  const t0 = process.hrtime.bigint();
  const findings = runner ? runner.finish() : [];
  clock('runner', t0);
  return { rows, summary: run.summary, runner, findings };
});
const expected = args.manifest.cloudtrail.records + args.manifest.s3access.lines;
const notes: Record<string, number | string> = issueNotes(summary);
if (rows !== expected) notes.expected = expected;
if (runner) {
  notes.findings = findings.length;
  notes.duplicates = runner.duplicates;
  const inDetectors = registered.reduce((s, d) => s + (spent.get(d.id) ?? 0), 0);
  const runnerTotal = spent.get('runner') ?? 0;
  notes.timeSplit = [
    `ingest ${(seconds - runnerTotal).toFixed(1)} s`,
    `dedup+view ${(runnerTotal - inDetectors).toFixed(1)} s`,
    ...registered.map((d) => `${d.id} ${(spent.get(d.id) ?? 0).toFixed(1)} s`),
  ].join(', ');
}
report({ bytes: summary.bytes, records: rows, seconds, notes });
