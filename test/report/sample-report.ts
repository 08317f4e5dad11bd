/**
 * The analyze report of the bundled samples (findings of every detector, series from volume-spike
 * and insecure-transport), shared by the report tests and the screenshot in docs/.
 */
import { analyze } from '../../src/analyze.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import type { Finding } from '../../src/detect/finding.js';
import type { RunSummary } from '../../src/ingest/summary.js';
import { bundledSampleSources } from '../../src/paths.js';
import { renderReport } from '../../src/report/findings-report.js';
import { listAll } from '../../src/sources/index.js';
import { DETECTORS } from '../../detectors/index.js';

export interface SampleRun {
  findings: Finding[];
  summary: RunSummary;
  html: string;
}

let cached: Promise<SampleRun> | undefined;

export function sampleReport(): Promise<SampleRun> {
  cached ??= (async () => {
    const result = await analyze({ objects: listAll(bundledSampleSources()), detectors: DETECTORS, config: DEFAULT_CONFIG, ingest: { workers: 2 } });
    await result.commit();
    const html = renderReport({
      findings: result.findings,
      summary: result.summary,
      sources: ['samples/'],
      facts: { duplicates: result.runner.duplicates },
      generatedAt: new Date('2026-03-12T06:00:00Z'),
    });
    return { findings: result.findings, summary: result.summary, html };
  })();
  return cached;
}
