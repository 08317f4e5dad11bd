/** Messages between the ingest pool and its parse workers. */
import type { ParseIssue } from '../issues.js';
import type { LogObject } from '../sources/types.js';
import type { ReadLimits } from './limits.js';
import type { ObjectResult } from './read-object.js';

export interface WorkerInit {
  batchRows: number;
  limits: ReadLimits;
  /** Batches a worker may have in flight before it waits for an ack. */
  credits: number;
}

export type ToWorker =
  | { type: 'object'; object: LogObject }
  | { type: 'ack' }
  | { type: 'flush' };

export type FromWorker =
  | { type: 'batch'; ipc: Uint8Array }
  | { type: 'issue'; issue: ParseIssue }
  | { type: 'object-done'; result: ObjectResult }
  | { type: 'flushed' }
  | { type: 'failed'; message: string; stack?: string };
