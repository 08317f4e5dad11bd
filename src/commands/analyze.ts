import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { analyze } from '../analyze.js';
import { loadConfig, type TrailhoundConfig } from '../config.js';
import { severityRank, SEVERITIES, type Finding, type Severity } from '../detect/finding.js';
import { ConfigError, TrailhoundError } from '../errors.js';
import { log } from '../log.js';
import { formatFindings, type FindingFormat } from '../output/findings.js';
import { Progress } from '../progress.js';
import { DEFAULT_LOOKBACK_MS } from '../sources/checkpoint.js';
import { parseDuration, parseWindow } from '../sources/s3-time.js';
import { applyS3Tuning, s3ReadAhead } from '../sources/s3-tuning.js';
import { defaultWorkers } from '../ingest/ingest.js';
import { openStateStore } from '../state/open.js';
import { DETECTORS } from '../../detectors/index.js';
import { ingestOptions, s3Settings, type ReadOptions } from './common.js';
import type { CommandOutcome } from './outcome.js';
import { writeRunSummary } from './run-summary.js';

export interface AnalyzeOptions extends ReadOptions {
  /** Also write a self-contained HTML report to this file. */
  report?: string;
  format?: FindingFormat;
  /** A file, or `s3://bucket/prefix/` for one findings object per run. */
  out?: string;
  config?: string;
  /** A directory or `s3://bucket/prefix/`, or false for `--no-state` (nothing is read or saved). */
  state?: string | false;
  detectors?: string;
  failOn?: string;
  since?: string;
  until?: string;
  lookback?: string;
  /** Loop mode: one run per interval until SIGTERM/SIGINT. */
  every?: string;
  concurrency?: string;
  retries?: string;
}

interface Prepared {
  config: TrailhoundConfig;
  failOn?: Severity;
  format: FindingFormat;
  lookbackMs: number;
}

/** Crash injection for the exactly-once tests: `TRAILHOUND_FAILPOINT=<name>` kills the process there. */
function failpoint(name: string): void {
  if (process.env.TRAILHOUND_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}

export async function run(sources: string[], o: AnalyzeOptions): Promise<CommandOutcome> {
  const config = await loadConfig(o.config, DETECTORS);
  const failOn = o.failOn as Severity | undefined;
  if (failOn !== undefined && !SEVERITIES.includes(failOn)) throw new ConfigError(`--fail-on must be one of ${SEVERITIES.join(', ')}`);
  const toS3 = o.out?.startsWith('s3://') ?? false;
  const format: FindingFormat = o.format ?? (o.out ? 'ndjson' : process.stdout.isTTY ? 'table' : 'ndjson');
  if (toS3 && format === 'table') throw new ConfigError('--out s3://… takes --format ndjson or ocsf');
  const lookbackMs = o.lookback === undefined ? DEFAULT_LOOKBACK_MS : parseDuration(o.lookback, '--lookback');
  parseWindow(o.since, o.until);
  applyS3Tuning(o);
  const prepared: Prepared = { config, failOn, format, lookbackMs };

  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop.signal.aborted) {
      // A second signal: stop now, the default way.
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      process.kill(process.pid, signal);
      return;
    }
    log().info({ signal }, 'stopping: finishing the objects under way, then writing findings and committing state');
    stop.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    if (o.every === undefined) return await runOnce(sources, o, prepared, stop.signal);
    if (failOn !== undefined) throw new ConfigError('--fail-on has no meaning with --every (a loop has no single outcome)');
    return await loop(sources, o, prepared, parseDuration(o.every, '--every'), stop.signal);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

/** `--every`: one run per interval; a failed run is logged and the next one tries again. Ends with exit 0 on SIGTERM/SIGINT. */
async function loop(sources: string[], o: AnalyzeOptions, p: Prepared, intervalMs: number, signal: AbortSignal): Promise<CommandOutcome> {
  for (let n = 1; !signal.aborted; n++) {
    const started = Date.now();
    try {
      const outcome = await runOnce(sources, o, p, signal);
      log().info({ run: n, partial: outcome.partial ?? false, duration_ms: Date.now() - started }, 'run finished');
    } catch (err) {
      if (!(err instanceof TrailhoundError)) throw err;
      log().error({ run: n, err: err.message, hint: err.hint }, 'run failed; the next run tries again');
    }
    const wait = Math.max(0, intervalMs - (Date.now() - started));
    if (signal.aborted) break;
    log().info({ next_in_ms: wait }, 'waiting for the next run');
    await sleep(wait, undefined, { signal }).catch(() => undefined);
  }
  log().info('stopped');
  return {};
}

async function runOnce(sources: string[], o: AnalyzeOptions, p: Prepared, signal: AbortSignal): Promise<CommandOutcome> {
  const s3 = s3Settings(o);
  const window = parseWindow(o.since, o.until);
  const state = o.state === false ? undefined : await openStateStore(o.state ?? '.trailhound', s3);
  const { planSources } = await import('../sources/s3-plan.js');
  const ingest = ingestOptions(o);
  const readAhead = s3ReadAhead(ingest.workers ?? defaultWorkers());
  const plan = planSources(sources, s3, { window, lookbackMs: p.lookbackMs, incremental: state !== undefined, readAhead });
  const started = new Date();
  let progress: Progress | undefined;
  const result = await analyze({
    objects: plan.objects,
    incremental: plan.incremental,
    detectors: DETECTORS,
    config: p.config,
    only: o.detectors ? o.detectors.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    state,
    ingest,
    signal,
    onStart: (summary) => (progress = new Progress(summary).start()),
  }).finally(() => progress?.stop());

  let written: Record<string, unknown> = {};
  let outputs;
  try {
    if (o.out?.startsWith('s3://')) {
      const { S3FindingsSink, newRunId } = await import('../output/s3-findings.js');
      const sink = new S3FindingsSink(o.out, s3, p.format === 'ocsf' ? 'ocsf' : 'ndjson');
      const w = await sink.write(result.findings, state ? result : undefined, newRunId(started), started, () => failpoint('after-journal'));
      failpoint('after-findings');
      outputs = w.outputs;
      written = { findings_written: w.written, findings_unchanged: w.unchanged, ...(w.key ? { findings_object: sink.uriOf(w.key) } : {}) };
    } else {
      const text = formatFindings(result.findings, p.format);
      if (o.out) await writeFile(o.out, text);
      else process.stdout.write(text);
    }
    if (o.report) {
      const { writeReport } = await import('../report/findings-report.js');
      await writeReport(o.report, {
        findings: result.findings,
        summary: result.summary,
        sources,
        facts: {
          duplicates: result.runner.duplicates,
          replayed_objects: result.replayedObjects,
          ...(result.failedObjects.length ? { failed_objects: result.failedObjects.length } : {}),
        },
      });
    }
  } catch (err) {
    await result.abandon();
    throw err;
  }
  failpoint('before-commit');
  await result.commit(outputs ? { outputs } : {});
  failpoint('after-commit');
  writeRunSummary(result.summary, result.findings, {
    duplicates: result.runner.duplicates,
    replayedObjects: result.replayedObjects,
    evictions: Object.fromEntries(result.runner.evictions),
    ...written,
    ...(result.failedObjects.length ? { failed_objects: result.failedObjects } : {}),
    ...(result.tainted ? { state_committed: 'outputs only (an object failed mid-read; this run is repeated next time)' } : {}),
    ...(signal.aborted ? { stopped_early: true } : {}),
  });
  return { partial: result.summary.issueCount > 0, failOn: p.failOn !== undefined && hasAtLeast(result.findings, p.failOn) };
}

function hasAtLeast(findings: readonly Finding[], s: Severity): boolean {
  return findings.some((f) => severityRank(f.severity) >= severityRank(s));
}
