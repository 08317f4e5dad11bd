/**
 * Turns log objects into RecordBatches of the event schema: inline for one object (or stdin),
 * in worker threads when there are several and more than one worker is allowed.
 */
import { availableParallelism } from 'node:os';
import type { RecordBatch } from 'apache-arrow';
import { EventBatchBuilder, DEFAULT_BATCH_ROWS } from '../arrow/batch-builder.js';
import { StrictModeError } from '../errors.js';
import { formatIssue, type ParseIssue } from '../issues.js';
import { openObject } from '../sources/open.js';
import type { LogObject } from '../sources/types.js';
import { PARSERS } from '../../parsers/index.js';
import { DEFAULT_LIMITS, type ReadLimits } from './limits.js';
import { Channel } from './channel.js';
import { readObject, type ObjectResult } from './read-object.js';
import { RunSummary } from './summary.js';

export interface IngestOptions {
  /** Worker threads; 1 parses in this thread. Default: number of cores. */
  workers?: number;
  batchRows?: number;
  limits?: ReadLimits;
  /** Any parse issue ends the run with StrictModeError. */
  strict?: boolean;
  onIssue?: (issue: ParseIssue) => void;
  onObject?: (result: ObjectResult) => void;
}

export interface IngestRun {
  batches: AsyncGenerator<RecordBatch>;
  summary: RunSummary;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export function ingest(objects: AsyncIterable<LogObject>, opts: IngestOptions = {}): IngestRun {
  const summary = new RunSummary();
  const settings = {
    workers: opts.workers ?? defaultWorkers(),
    batchRows: opts.batchRows ?? DEFAULT_BATCH_ROWS,
    limits: opts.limits ?? DEFAULT_LIMITS,
    strict: opts.strict ?? false,
  };
  const onIssue = (issue: ParseIssue): void => {
    summary.addIssue(issue);
    opts.onIssue?.(issue);
  };
  const onObject = (r: ObjectResult): void => {
    summary.addObject(r);
    opts.onObject?.(r);
    if (settings.strict && r.issues > 0) {
      const first = summary.sampleIssues[0];
      throw new StrictModeError(`--strict: parse issue in ${r.uri}${first ? `: ${formatIssue(first)}` : ''}`);
    }
  };
  const batches = (async function* () {
    const [head, rest] = await peekObjects(objects, 2);
    const all = prepend(head, rest);
    if (settings.workers > 1 && head.length > 1 && !head.some((o) => o.ref.kind === 'stdin')) {
      const { ingestInWorkers } = await import('./pool.js');
      yield* ingestInWorkers(all, { ...settings, onIssue, onObject });
    } else {
      yield* ingestInline(all, { ...settings, onIssue, onObject });
    }
  })();
  return { batches, summary };
}

interface Settings {
  batchRows: number;
  limits: ReadLimits;
  onIssue(issue: ParseIssue): void;
  onObject(r: ObjectResult): void;
}

async function* ingestInline(objects: AsyncIterable<LogObject>, s: Settings): AsyncGenerator<RecordBatch> {
  const builder = new EventBatchBuilder(s.batchRows);
  const out = new Channel<RecordBatch>(2);
  const produce = async (): Promise<void> => {
    for await (const obj of objects) {
      const result = await readObject(obj, {
        open: openObject,
        builder,
        parsers: PARSERS,
        limits: s.limits,
        emitBatch: (b) => out.send(b),
        issue: s.onIssue,
      });
      s.onObject(result);
    }
    if (!builder.isEmpty) await out.send(builder.flush());
  };
  produce().then(
    () => out.close(),
    (err: unknown) => out.fail(err),
  );
  try {
    yield* out;
  } finally {
    out.close();
  }
}

async function peekObjects(objects: AsyncIterable<LogObject>, n: number): Promise<[LogObject[], AsyncIterator<LogObject>]> {
  const it = objects[Symbol.asyncIterator]();
  const head: LogObject[] = [];
  while (head.length < n) {
    const r = await it.next();
    if (r.done) break;
    head.push(r.value);
  }
  return [head, it];
}

async function* prepend(head: LogObject[], rest: AsyncIterator<LogObject>): AsyncGenerator<LogObject> {
  yield* head;
  for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
}
