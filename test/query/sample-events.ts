/**
 * The bundled samples parsed once per test file: the Arrow batches, the same events as plain JS
 * rows (read straight from the Arrow vectors: the independent side of every comparison), and an
 * in-memory DuckDB loaded from those batches.
 */
import type { RecordBatch } from 'apache-arrow';
import { startIngest } from '../../src/commands/common.js';
import { bundledSampleSources } from '../../src/paths.js';
import { LocalDb } from '../../src/query/local-db.js';
import { COLUMN_NAMES, type ColumnName } from '../../src/schema.js';

export type Ev = { [K in ColumnName]: string | number | boolean | null };

let batches: Promise<RecordBatch[]> | undefined;

export function sampleBatches(): Promise<RecordBatch[]> {
  batches ??= (async () => {
    const out: RecordBatch[] = [];
    for await (const b of startIngest(bundledSampleSources(), { workers: '2' }).batches) out.push(b);
    return out;
  })();
  return batches;
}

export async function sampleRows(): Promise<Ev[]> {
  const rows: Ev[] = [];
  for (const b of await sampleBatches()) {
    const vectors = COLUMN_NAMES.map((n) => b.getChild(n)!);
    for (let i = 0; i < b.numRows; i++) {
      const row = {} as Ev;
      COLUMN_NAMES.forEach((n, c) => {
        const v = vectors[c].get(i) as unknown;
        row[n] = v === undefined || v === null ? null : typeof v === 'bigint' ? Number(v) : (v as string | number | boolean);
      });
      rows.push(row);
    }
  }
  return rows;
}

/** A fresh in-memory database holding the sample events (appended column-wise from the batches). */
export async function sampleDb(): Promise<LocalDb> {
  const db = await LocalDb.open();
  const appender = await db.appender();
  for (const b of await sampleBatches()) appender.append(b);
  appender.close();
  return db;
}

/** Runs a statement and returns its rows as JSON-like objects (timestamps ISO, bigints as numbers). */
export async function rowsOf(db: LocalDb, sql: string, params: Parameters<LocalDb['query']>[1] = []): Promise<Record<string, unknown>[]> {
  const { batches } = await db.query(sql, params);
  const { jsonRows } = await import('../../src/output/export-json.js');
  const out: Record<string, unknown>[] = [];
  for await (const b of batches) for (const line of jsonRows(b)) out.push(JSON.parse(line) as Record<string, unknown>);
  return out;
}

export const iso = (ms: number | string | boolean | null): string | null => (typeof ms === 'number' ? new Date(ms).toISOString() : null);
