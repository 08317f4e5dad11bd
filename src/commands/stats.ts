import { defaultWorkers, ingest } from '../ingest/ingest.js';
import { log } from '../log.js';
import { renderTable } from '../output/terminal.js';
import { Progress } from '../progress.js';
import { GapCollector, type StreamGaps } from '../sources/s3-gaps.js';
import { planSources } from '../sources/s3-plan.js';
import { parseWindow } from '../sources/s3-time.js';
import { applyS3Tuning, s3ReadAhead } from '../sources/s3-tuning.js';
import { StatsCollector, type LogStats } from '../stats.js';
import { ingestOptions, s3Settings, type ReadOptions } from './common.js';
import type { CommandOutcome } from './outcome.js';

export interface StatsOptions extends ReadOptions {
  format?: 'text' | 'json';
  top?: string;
  since?: string;
  until?: string;
  concurrency?: string;
  retries?: string;
}

export async function run(sources: string[], o: StatsOptions): Promise<CommandOutcome> {
  const window = parseWindow(o.since, o.until);
  applyS3Tuning(o);
  const gapCollector = new GapCollector(window);
  const options = ingestOptions(o);
  const readAhead = s3ReadAhead(options.workers ?? defaultWorkers());
  const plan = planSources(sources, s3Settings(o), { window, incremental: false, onListed: gapCollector.add, readAhead });
  for (const src of plan.s3) for (const stream of await src.streams()) gapCollector.declare(stream);
  const { batches, summary } = ingest(plan.objects, options);
  const progress = new Progress(summary).start();
  const collector = new StatsCollector();
  try {
    for await (const batch of batches) collector.add(batch);
  } finally {
    progress.stop();
  }
  const stats = collector.result(Number(o.top ?? 10));
  const run = summary.toJSON();
  const gaps = plan.s3.length ? gapCollector.result() : undefined;
  if (o.format === 'json') process.stdout.write(`${JSON.stringify({ ...stats, ...(gaps ? { delivery_gaps: gaps } : {}), run }, null, 2)}\n`);
  else process.stdout.write(renderStats(stats, run) + (gaps ? renderGaps(gaps) : ''));
  log().info({ summary: run }, 'stats done');
  return { partial: summary.issueCount > 0 };
}

const MAX_GAPS_SHOWN = 10;

function renderGaps(streams: readonly StreamGaps[]): string {
  const out = ['', 'delivery gaps (no log object delivered; S3 streams)'];
  const rows = streams.map((s) => {
    const shown = s.gaps.slice(0, MAX_GAPS_SHOWN).map((g) => `${g.from.slice(0, s.unit === 'day' ? 10 : 13)}${g.units > 1 ? ` +${g.units}${s.unit[0]}` : ''}`);
    if (s.gaps.length > MAX_GAPS_SHOWN) shown.push(`… ${s.gaps.length - MAX_GAPS_SHOWN} more`);
    return [s.stream, s.layout, s.objects, `${s.missing_units} ${s.unit}${s.missing_units === 1 ? '' : 's'}`, shown.join(', ') || '-'];
  });
  out.push(renderTable(['stream', 'layout', 'objects', 'missing', 'gaps (start, length)'], rows, 160));
  return `${out.join('\n')}\n`;
}

function renderStats(s: LogStats, run: Record<string, unknown>): string {
  const out: string[] = [];
  out.push(`records: ${s.records}  (${Object.entries(s.recordsByKind).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'})`);
  out.push(`time range: ${s.timeRange.first ?? '-'} … ${s.timeRange.last ?? '-'}${s.recordsWithoutTime ? `  (${s.recordsWithoutTime} without time)` : ''}`);
  out.push(`objects: ${String(run.objects)}  digests skipped: ${String(run.digests_skipped)}  non-events skipped: ${String(run.non_events_skipped)}`);
  for (const [title, rows] of Object.entries(s.top)) {
    out.push('', `top ${title.replace('_', ' ')}`);
    out.push(renderTable(['count', 'value'], rows.map((r) => [r.count, r.key]), 100));
  }
  const issues = Object.entries(run.issues_by_reason as Record<string, number>);
  out.push('', `parse issues: ${String(run.issues)}`);
  if (issues.length) out.push(renderTable(['count', 'reason'], issues.sort((a, b) => b[1] - a[1]).map(([k, v]) => [v, k])));
  return `${out.join('\n')}\n`;
}
