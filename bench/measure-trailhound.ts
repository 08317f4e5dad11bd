/**
 * (c) / (e) trailhound → Arrow through the library API: `ingest(LocalSource.list(), { workers })`,
 * consuming every batch. Bytes are the decompressed bytes the parsers saw (`summary.bytes`).
 * With several workers, a probe first times an ingest of two one-record objects: that is the
 * pool's start-up cost (spawning workers, loading modules), reported beside the timed run, which
 * pays it again because every `ingest` starts its own pool.
 *
 *   node --import tsx bench/measure-trailhound.ts DATA_DIR cloudtrail|s3access WORKERS [BATCH_ROWS]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
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

/** Two one-record objects of the same kind, in a temporary directory. */
function tinyObjects(): string {
  const tmp = mkdtempSync(path.join(tmpdir(), 'trailhound-bench-probe-'));
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  const first = path.join(files[0].parentPath, files[0].name);
  if (kind === 'cloudtrail') {
    const doc = JSON.parse(gunzipSync(readFileSync(first)).toString('utf8')) as { Records: unknown[] };
    const body = gzipSync(JSON.stringify({ Records: doc.Records.slice(0, 1) }));
    for (const n of ['a.json.gz', 'b.json.gz']) writeFileSync(path.join(tmp, n), body);
  } else {
    const text = readFileSync(first, 'utf8');
    const line = text.slice(0, text.indexOf('\n') + 1);
    for (const n of ['a', 'b']) writeFileSync(path.join(tmp, n), line);
  }
  return tmp;
}

/** Wall time of an ingest of two one-record objects: the pool's start-up and shutdown. */
async function probePoolStart(): Promise<number | undefined> {
  if (workers < 2) return undefined;
  const tmp = tinyObjects();
  try {
    const [, s] = await timed(async () => {
      const run = ingest(listAll([tmp]), { workers, batchRows });
      for await (const b of run.batches) void b;
      if (run.summary.records !== 2 || run.summary.issueCount !== 0) throw new Error(`pool probe read ${run.summary.records} records with ${run.summary.issueCount} issues`);
    });
    return s;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
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
