/**
 * (f) analyze end-to-end vs parse-only on the same CloudTrail + access-log data, 1 worker.
 * `parse`: ingest and consume every batch. `analyze`: the same, plus `DetectorRunner.observe`
 * on every batch and `finish()` with every registered detector.
 *
 *   node --import tsx bench/measure-analyze.ts DATA_DIR parse|analyze
 */
import type { RecordBatch } from 'apache-arrow';
import { ingest } from '../src/ingest/ingest.js';
import type { AnyDetector } from '../src/detect/detector.js';
import { DetectorRunner } from '../src/detect/runner.js';
import { accessLogDir, childArgs, cloudTrailDir, listAll, report, timed } from './common.js';

const args = childArgs();
const mode = args.rest[0];
if (mode !== 'parse' && mode !== 'analyze') throw new Error(`mode must be parse or analyze, got ${String(mode)}`);

let detectors: readonly AnyDetector[] = [];
if (mode === 'analyze') {
  try {
    detectors = (await import('../detectors/index.js')).DETECTORS;
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    report({ bytes: 0, records: 0, seconds: 0, skipped: `detectors not available (${why})` });
    process.exit(0);
  }
}

const [{ rows, summary, runner, findings }, seconds] = await timed(async () => {
  const run = ingest(listAll([cloudTrailDir(args), accessLogDir(args)]), { workers: 1 });
  const runner = mode === 'analyze' ? new DetectorRunner({ detectors }) : undefined;
  const observe = runner ? (b: RecordBatch) => runner.observe(b) : undefined;
  let rows = 0;
  for await (const b of run.batches) {
    rows += b.numRows;
    observe?.(b);
  }
  const findings = runner ? runner.finish() : [];
  return { rows, summary: run.summary, runner, findings };
});
const notes: Record<string, number | string> = { issues: summary.issueCount };
if (runner) {
  notes.detectors = runner.detectorIds.join(',');
  notes.findings = findings.length;
  notes.duplicates = runner.duplicates;
}
report({ bytes: summary.bytes, records: rows, seconds, notes });
