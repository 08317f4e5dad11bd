import { writeFile } from 'node:fs/promises';
import { analyze } from '../analyze.js';
import { loadConfig } from '../config.js';
import { severityRank, SEVERITIES, type Finding, type Severity } from '../detect/finding.js';
import { ConfigError } from '../errors.js';
import { formatFindings, type FindingFormat } from '../output/findings.js';
import { Progress } from '../progress.js';
import { LocalStateStore } from '../state/local-store.js';
import { listAll } from '../sources/index.js';
import { DETECTORS } from '../../detectors/index.js';
import { ingestOptions, s3Settings, type ReadOptions } from './common.js';
import type { CommandOutcome } from './outcome.js';
import { writeRunSummary } from './run-summary.js';

export interface AnalyzeOptions extends ReadOptions {
  format?: FindingFormat;
  out?: string;
  config?: string;
  /** A directory, or false for `--no-state` (nothing is read or saved). */
  state?: string | false;
  detectors?: string;
  failOn?: string;
}

export async function run(sources: string[], o: AnalyzeOptions): Promise<CommandOutcome> {
  const config = await loadConfig(o.config, DETECTORS);
  const failOn = o.failOn as Severity | undefined;
  if (failOn !== undefined && !SEVERITIES.includes(failOn)) throw new ConfigError(`--fail-on must be one of ${SEVERITIES.join(', ')}`);
  const format: FindingFormat = o.format ?? (o.out ? 'ndjson' : process.stdout.isTTY ? 'table' : 'ndjson');
  const state = o.state === false ? undefined : new LocalStateStore(o.state ?? '.trailhound');
  let progress: Progress | undefined;
  const result = await analyze({
    objects: listAll(sources, s3Settings(o)),
    detectors: DETECTORS,
    config,
    only: o.detectors ? o.detectors.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    state,
    ingest: ingestOptions(o),
    onStart: (summary) => (progress = new Progress(summary).start()),
  }).finally(() => progress?.stop());
  try {
    const text = formatFindings(result.findings, format);
    if (o.out) await writeFile(o.out, text);
    else process.stdout.write(text);
  } catch (err) {
    await result.abandon();
    throw err;
  }
  await result.commit();
  writeRunSummary(result.summary, result.findings, { duplicates: result.runner.duplicates, replayedObjects: result.replayedObjects, evictions: Object.fromEntries(result.runner.evictions) });
  return { partial: result.summary.issueCount > 0, failOn: failOn !== undefined && hasAtLeast(result.findings, failOn) };
}

function hasAtLeast(findings: readonly Finding[], s: Severity): boolean {
  return findings.some((f) => severityRank(f.severity) >= severityRank(s));
}
