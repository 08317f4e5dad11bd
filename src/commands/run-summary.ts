/**
 * The run summary on stderr: a readable block at a terminal, a pino JSON line otherwise.
 */
import { SEVERITIES, type Finding } from '../detect/finding.js';
import type { RunSummary } from '../ingest/summary.js';
import { log } from '../log.js';

export function writeRunSummary(summary: RunSummary, findings: readonly Finding[], extra: Record<string, unknown> = {}): void {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length]).filter(([, n]) => n));
  const run = { ...summary.toJSON(), findings: findings.length, findings_by_severity: bySeverity, ...extra };
  if (process.stderr.isTTY) {
    const r = run as Record<string, unknown>;
    const issues = Object.entries(r.issues_by_reason as Record<string, number>).map(([k, v]) => `${k} ${v}`).join(', ');
    process.stderr.write(
      [
        `objects ${r.objects}, records ${r.records} (${Object.entries(r.records_by_kind as Record<string, number>).map(([k, v]) => `${k} ${v}`).join(', ')}), duplicates ${String(extra.duplicates ?? 0)}`,
        `parse issues ${r.issues}${issues ? ` (${issues})` : ''}`,
        `findings ${findings.length}${Object.keys(bySeverity).length ? ` (${Object.entries(bySeverity).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`,
        `${(Number(r.duration_ms) / 1000).toFixed(2)} s, ${r.records_per_second} records/s, ${r.mb_per_second} MB/s`,
      ].join('\n') + '\n',
    );
  } else {
    log().info({ summary: run }, 'run summary');
  }
}
