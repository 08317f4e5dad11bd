/**
 * Shared by both writers: grouping calls into delivery slots and writing one log object.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { DeliveryQuirk } from './api-call.js';
import { MINUTE } from './clock.js';

export interface WriteStats {
  objects: number;
  /** Records or lines written, counting re-deliveries. */
  entries: number;
}

/**
 * Delivery slots of a call: its own interval (shifted when delivered late) and, for a
 * re-delivered call, the following interval too.
 */
export function deliverySlots(time: number, quirk: DeliveryQuirk, intervalMinutes: number): number[] {
  const interval = intervalMinutes * MINUTE;
  const slot = Math.floor((time + quirk.lateMinutes * MINUTE) / interval);
  return quirk.duplicate ? [slot, slot + 1] : [slot];
}

/**
 * Writes log objects with a bounded number of writes in flight (the run is I/O bound when
 * objects are written one after the other).
 */
export class LogObjectWriter {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly dirs = new Map<string, Promise<unknown>>();
  private failure: unknown = undefined;

  constructor(private readonly concurrency = 16) {}

  async write(path: string, body: string, gzip: boolean): Promise<void> {
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    // Level 9 and no timestamp in the gzip header (Node writes mtime 0): identical bytes per seed.
    const bytes = gzip ? gzipSync(body, { level: 9 }) : body;
    const dir = dirname(path);
    let ready = this.dirs.get(dir);
    if (!ready) {
      ready = mkdir(dir, { recursive: true });
      this.dirs.set(dir, ready);
    }
    const task: Promise<void> = ready
      .then(() => writeFile(path, bytes))
      .then(
        () => void this.inFlight.delete(task),
        (err: unknown) => {
          this.inFlight.delete(task);
          this.failure ??= err;
        },
      );
    this.inFlight.add(task);
    if (this.failure !== undefined) throw this.failure;
  }

  async flush(): Promise<void> {
    await Promise.all(this.inFlight);
    if (this.failure !== undefined) throw this.failure;
  }
}
