/**
 * Writes query results (Arrow batches from either engine) in the chosen format to a byte sink,
 * streaming batch by batch except for the terminal table, which needs every row for its widths.
 * `arrow` is an Arrow IPC file (random access, `.arrow`), readable by DuckDB, pandas and Arrow.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { RecordBatchFileWriter, type RecordBatch, type Schema } from 'apache-arrow';
import { ConfigError } from '../errors.js';
import { csvHeader, csvRows } from './export-csv.js';
import { jsonRows } from './export-json.js';
import { renderResultTable } from './export-table.js';

export const EXPORT_FORMATS = ['table', 'csv', 'json', 'ndjson', 'arrow'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportSummary {
  rows: number;
}

async function write(sink: Writable, chunk: string | Uint8Array): Promise<void> {
  if (!sink.write(chunk)) await once(sink, 'drain');
}

/** Counts rows as they pass (the table renderer and the Arrow writer consume the batches). */
async function* counted(batches: AsyncIterable<RecordBatch>, summary: ExportSummary): AsyncGenerator<RecordBatch> {
  for await (const b of batches) {
    summary.rows += b.numRows;
    yield b;
  }
}

export async function exportResults(format: ExportFormat, schema: Schema, batches: AsyncIterable<RecordBatch>, sink: Writable): Promise<ExportSummary> {
  const summary: ExportSummary = { rows: 0 };
  const all = counted(batches, summary);
  switch (format) {
    case 'table':
      await write(sink, await renderResultTable(schema, all));
      break;
    case 'csv':
      await write(sink, csvHeader(schema));
      for await (const b of all) await write(sink, csvRows(b));
      break;
    case 'ndjson':
      for await (const b of all) {
        const rows = jsonRows(b);
        if (rows.length) await write(sink, `${rows.join('\n')}\n`);
      }
      break;
    case 'json': {
      let first = true;
      await write(sink, '[');
      for await (const b of all) {
        for (const row of jsonRows(b)) {
          await write(sink, `${first ? '\n' : ',\n'}${row}`);
          first = false;
        }
      }
      await write(sink, first ? ']\n' : '\n]\n');
      break;
    }
    case 'arrow': {
      const writer = new RecordBatchFileWriter();
      writer.reset(undefined, schema);
      const pump = (async () => {
        for await (const chunk of writer) await write(sink, chunk as Uint8Array);
      })();
      for await (const b of all) writer.write(b);
      writer.finish();
      await pump;
      break;
    }
  }
  return summary;
}

/** Opens `--out FILE` (or stdout); `arrow` refuses a terminal. */
export function openSink(out: string | undefined, format: ExportFormat): { sink: Writable; close(): Promise<void> } {
  if (out === undefined || out === '-') {
    if (format === 'arrow' && process.stdout.isTTY) throw new ConfigError('--format arrow writes binary: give --out FILE or redirect stdout');
    return { sink: process.stdout, close: async () => undefined };
  }
  const file = createWriteStream(out);
  return {
    sink: file,
    close: () =>
      new Promise<void>((resolve, reject) => {
        file.once('error', reject);
        file.end(() => resolve());
      }),
  };
}
