/**
 * A parse worker: reads the objects it is given and posts full batches back as Arrow IPC
 * buffers (transferred, not copied). It waits for acks so the main thread sets the pace.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RecordBatchStreamWriter, type RecordBatch } from 'apache-arrow';
import { EventBatchBuilder } from '../arrow/batch-builder.js';
import { openObject } from '../sources/open.js';
import { PARSERS } from '../../parsers/index.js';
import { readObject } from './read-object.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const builder = new EventBatchBuilder(init.batchRows);
let credits = init.credits;
let creditWaiter: (() => void) | undefined;

function post(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

async function sendBatch(batch: RecordBatch): Promise<void> {
  while (credits <= 0) await new Promise<void>((resolve) => (creditWaiter = resolve));
  credits--;
  const ipc = RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true);
  post({ type: 'batch', ipc }, [ipc.buffer as ArrayBuffer]);
}

let work: Promise<void> = Promise.resolve();

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'ack') {
    credits++;
    const w = creditWaiter;
    creditWaiter = undefined;
    w?.();
    return;
  }
  work = work.then(() => handle(msg)).catch((err: Error) => post({ type: 'failed', message: err.message, stack: err.stack }));
});

async function handle(msg: ToWorker): Promise<void> {
  if (msg.type === 'object') {
    const result = await readObject(msg.object, {
      open: openObject,
      builder,
      parsers: PARSERS,
      limits: init.limits,
      emitBatch: sendBatch,
      issue: (issue) => post({ type: 'issue', issue }),
    });
    post({ type: 'object-done', result });
  } else if (msg.type === 'flush') {
    if (!builder.isEmpty) await sendBatch(builder.flush());
    post({ type: 'flushed' });
  }
}
