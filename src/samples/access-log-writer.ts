/**
 * Writes access-log lines as delivered log objects: one object per source bucket and delivery
 * interval, named with the simple-prefix layout `<YYYY-MM-DD-hh-mm-ss>-<16 hex>` (FORMATS.md §1.9)
 * under `<out>/s3access/<source-bucket>/`.
 */
import { join } from 'node:path';
import { toAccessLogLine } from './access-log-line.js';
import type { ApiCall } from './api-call.js';
import type { AccessLogGap } from './incidents.js';
import { accessLogStamp, MINUTE } from './clock.js';
import { deliverySlots, LogObjectWriter, type WriteStats } from './log-files.js';
import type { Random } from './random.js';

export interface AccessLogWriteOptions {
  intervalMinutes: number;
  gzip: boolean;
  /** Spans in which a bucket's access logging was off. */
  gaps: readonly AccessLogGap[];
}

export async function writeAccessLogs(
  out: string,
  calls: readonly ApiCall[],
  rng: Random,
  opts: AccessLogWriteOptions,
): Promise<WriteStats> {
  const objects = new Map<string, { bucket: string; slot: number; lines: { time: number; line: string }[] }>();
  for (const call of calls) {
    if (!call.inAccessLog || call.s3?.bucket == null) continue;
    const bucket = call.s3.bucket.name;
    if (opts.gaps.some((g) => g.bucket === bucket && call.time >= g.start && call.time < g.end)) continue;
    const line = toAccessLogLine(call);
    for (const slot of deliverySlots(call.time, call.delivery.accessLog, opts.intervalMinutes)) {
      const id = `${bucket}/${String(slot).padStart(10, '0')}`;
      let object = objects.get(id);
      if (!object) {
        object = { bucket, slot, lines: [] };
        objects.set(id, object);
      }
      object.lines.push({ time: call.time, line });
    }
  }

  const stats: WriteStats = { objects: 0, entries: 0 };
  const writer = new LogObjectWriter();
  for (const id of [...objects.keys()].sort()) {
    const object = objects.get(id)!;
    const r = rng.fork(id);
    const delivered = (object.slot + 1) * opts.intervalMinutes * MINUTE + r.int(2, 40) * MINUTE + r.int(0, 59_999);
    const path = join(out, 's3access', object.bucket, `${accessLogStamp(delivered)}-${r.hex(16, true)}`);
    const lines = [...object.lines].sort((a, b) => a.time - b.time).map((l) => l.line);
    await writer.write(path, lines.join('\n') + '\n', opts.gzip);
    stats.objects++;
    stats.entries += lines.length;
  }
  await writer.flush();
  return stats;
}
