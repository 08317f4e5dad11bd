/**
 * Query results as an aligned table for a terminal. Every header and cell goes through safeText:
 * escape sequences and control characters in log data are shown escaped, never interpreted.
 */
import type { RecordBatch, Schema } from 'apache-arrow';
import { renderTable, safeText } from './terminal.js';
import { batchReaders, cellText } from './export-values.js';

export async function renderResultTable(schema: Schema, batches: AsyncIterable<RecordBatch>, maxWidth = 60): Promise<string> {
  const rows: string[][] = [];
  for await (const batch of batches) {
    const read = batchReaders(batch);
    for (let r = 0; r < batch.numRows; r++) rows.push(read.map((f) => cellText(f(r))));
  }
  const headers = schema.fields.map((f) => safeText(f.name));
  return `${renderTable(headers, rows, maxWidth)}\n\n${rows.length} row(s)\n`;
}
