import { log } from '../log.js';
import { renderTable } from '../output/terminal.js';
import { Progress } from '../progress.js';
import { StatsCollector, type LogStats } from '../stats.js';
import { startIngest, type ReadOptions } from './common.js';
import type { CommandOutcome } from './outcome.js';

export interface StatsOptions extends ReadOptions {
  format?: 'text' | 'json';
  top?: string;
}

export async function run(sources: string[], o: StatsOptions): Promise<CommandOutcome> {
  const { batches, summary } = startIngest(sources, o);
  const progress = new Progress(summary).start();
  const collector = new StatsCollector();
  try {
    for await (const batch of batches) collector.add(batch);
  } finally {
    progress.stop();
  }
  const stats = collector.result(Number(o.top ?? 10));
  const run = summary.toJSON();
  if (o.format === 'json') process.stdout.write(`${JSON.stringify({ ...stats, run }, null, 2)}\n`);
  else process.stdout.write(renderStats(stats, run));
  log().info({ summary: run }, 'stats done');
  return { partial: summary.issueCount > 0 };
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
