/**
 * A one-line progress display on stderr, only when stderr is a terminal.
 */
import type { RunSummary } from './ingest/summary.js';

export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private readonly enabled: boolean;

  constructor(private readonly summary: RunSummary, enabled = process.stderr.isTTY === true) {
    this.enabled = enabled;
  }

  start(): this {
    if (this.enabled) this.timer = setInterval(() => this.draw(), 250).unref();
    return this;
  }

  private draw(): void {
    const s = this.summary;
    const secs = Math.max(s.elapsedMs, 1) / 1000;
    const line = `objects ${s.objects}  records ${s.records}  ${Math.round(s.records / secs)} rec/s  ${(s.bytes / 1e6 / secs).toFixed(1)} MB/s  issues ${s.issueCount}`;
    process.stderr.write(`\r\x1b[2K${line}`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.enabled) process.stderr.write('\r\x1b[2K');
  }
}
