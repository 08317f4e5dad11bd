/**
 * (c) / (e) trailhound → Arrow through the library API: `ingest(LocalSource.list(), { workers })`,
 * consuming every batch. Bytes are the decompressed bytes the parsers saw (`summary.bytes`).
 * With several workers, a probe first times an ingest of the two smallest objects alone: that is
 * the pool's start-up cost (spawning workers, loading modules), reported beside the timed run,
 * which pays it again because every `ingest` starts its own pool.
 *
 *   node --import tsx bench/measure-trailhound.ts DATA_DIR cloudtrail|s3access WORKERS [BATCH_ROWS]
 */
import type { LogObject } from '../src/sources/types.js';
import { DEFAULT_BATCH_ROWS } from '../src/arrow/batch-builder.js';
import { ingest } from '../src/ingest/ingest.js';
import { accessLogDir, childArgs, cloudTrailDir, intArg, issueNotes, listAll, report, timed } from './common.js';

const args = childArgs();
const [kind, workersArg, batchArg] = args.rest;
if (kind !== 'cloudtrail' && kind !== 's3access') throw new Error(`kind must be cloudtrail or s3access, got ${String(kind)}`);
const workers = intArg(workersArg, 'WORKERS');
const batchRows = batchArg === undefined ? DEFAULT_BATCH_ROWS : intArg(batchArg, 'BATCH_ROWS');
const dir = kind === 'cloudtrail' ? cloudTrailDir(args) : accessLogDir(args);
const expected = kind === 'cloudtrail' ? args.manifest.cloudtrail.records : args.manifest.s3access.lines;

async function probePoolStart(): Promise<number | undefined> {
  if (workers < 2) return undefined;
  const all: LogObject[] = [];
  for await (const o of listAll([dir])) all.push(o);
  const smallest = all.sort((a, b) => (a.size ?? 0) - (b.size ?? 0)).slice(0, 2);
  if (smallest.length < 2) return undefined;
  const [, s] = await timed(async () => {
    const run = ingest(
      (async function* () {
        yield* smallest;
      })(),
      { workers, batchRows },
    );
    for await (const b of run.batches) void b;
  });
  return s;
}

const poolStartS = await probePoolStart();
const [{ rows, batches, summary }, seconds] = await timed(async () => {
  const run = ingest(listAll([dir]), { workers, batchRows });
  let rows = 0;
  let batches = 0;
  for await (const b of run.batches) {
    rows += b.numRows;
    batches++;
  }
  return { rows, batches, summary: run.summary };
});
if (rows !== summary.records) throw new Error(`batches hold ${rows} rows, summary counts ${summary.records} records`);
const notes: Record<string, number | string> = { batches, ...issueNotes(summary) };
if (rows !== expected) notes.expected = expected;
if (poolStartS !== undefined) notes.poolStartS = poolStartS;
report({ bytes: summary.bytes, records: rows, seconds, notes });
