/**
 * Parses objects in worker threads, one object per worker at a time. Batches come back as
 * Arrow IPC buffers; each is acknowledged once the consumer has taken it (bounded memory).
 * Batch order follows completion order; the rows are the same as single-threaded parsing.
 */
import { Worker } from 'node:worker_threads';
import { tableFromIPC, type RecordBatch } from 'apache-arrow';
import type { ParseIssue } from '../issues.js';
import type { LogObject } from '../sources/types.js';
import { Channel } from './channel.js';
import type { ReadLimits } from './limits.js';
import type { ObjectResult } from './read-object.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

interface PoolSettings {
  workers: number;
  batchRows: number;
  limits: ReadLimits;
  onIssue(issue: ParseIssue): void;
  onObject(r: ObjectResult): void;
}

const CREDITS = 2;

/** The compiled worker, or — when running from TypeScript sources (tests, tsx) — a bootstrap that registers tsx first. */
function spawnWorker(init: WorkerInit): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./worker.js', self), { workerData: init });
  const entry = new URL('./worker.ts', self).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: init });
}

interface Slot {
  worker: Worker;
  busy: boolean;
}

export async function* ingestInWorkers(objects: AsyncIterable<LogObject>, s: PoolSettings): AsyncGenerator<RecordBatch> {
  const out = new Channel<{ batch: RecordBatch; slot: Slot }>(s.workers * CREDITS);
  const iterator = objects[Symbol.asyncIterator]();
  const init: WorkerInit = { batchRows: s.batchRows, limits: s.limits, credits: CREDITS };
  const slots: Slot[] = [];
  let listing = true;
  let failed = false;
  let flushedCount = 0;
  let resolveFlushed: (() => void) | undefined;
  let inFlight = 0;
  let resolveIdle: (() => void) | undefined;

  const fail = (err: unknown): void => {
    if (failed) return;
    failed = true;
    out.fail(err);
  };

  let listingChain: Promise<void> = Promise.resolve();
  const assign = (slot: Slot): Promise<void> =>
    (listingChain = listingChain.then(async () => {
      if (!listing || failed) return;
      const r = await iterator.next();
      if (r.done) {
        listing = false;
        if (inFlight === 0) resolveIdle?.();
        return;
      }
      slot.busy = true;
      inFlight++;
      slot.worker.postMessage({ type: 'object', object: r.value } satisfies ToWorker);
    }));

  for (let i = 0; i < s.workers; i++) {
    const worker = spawnWorker(init);
    const slot: Slot = { worker, busy: false };
    slots.push(slot);
    worker.on('error', fail);
    worker.on('message', (msg: FromWorker) => {
      switch (msg.type) {
        case 'batch': {
          const batch = tableFromIPC(msg.ipc).batches[0];
          void out.send({ batch, slot });
          break;
        }
        case 'issue':
          s.onIssue(msg.issue);
          break;
        case 'object-done':
          slot.busy = false;
          inFlight--;
          try {
            s.onObject(msg.result);
          } catch (err) {
            fail(err);
            return;
          }
          void assign(slot).then(() => {
            if (!listing && inFlight === 0) resolveIdle?.();
          }, fail);
          break;
        case 'flushed':
          flushedCount++;
          if (flushedCount === slots.length) resolveFlushed?.();
          break;
        case 'failed':
          fail(new Error(`parse worker failed: ${msg.message}`));
          break;
      }
    });
  }

  const drive = async (): Promise<void> => {
    const idle = new Promise<void>((resolve) => (resolveIdle = resolve));
    for (const slot of slots) await assign(slot);
    if (listing || inFlight > 0) await idle;
    if (failed) return;
    const flushed = new Promise<void>((resolve) => (resolveFlushed = resolve));
    for (const slot of slots) slot.worker.postMessage({ type: 'flush' } satisfies ToWorker);
    await flushed;
    out.close();
  };
  drive().catch(fail);

  try {
    for await (const { batch, slot } of out) {
      yield batch;
      slot.worker.postMessage({ type: 'ack' } satisfies ToWorker);
    }
  } finally {
    out.close();
    await Promise.all(slots.map((x) => x.worker.terminate()));
  }
}
