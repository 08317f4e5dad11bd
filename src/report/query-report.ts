/**
 * The HTML report of a query (`query … --report file.html`): what was asked (hunt, parameters,
 * SQL, engine), what was loaded, and the result rows in a table that sorts and filters in the
 * browser. Rows beyond MAX_ROWS are left out (and counted); export them with --format.
 */
import { writeFile } from 'node:fs/promises';
import { DataType, type RecordBatch, type Schema } from 'apache-arrow';
import { batchReaders, jsonCell } from '../output/export-values.js';
import { html } from './escape.js';
import { interactiveTable, page, type ColumnKind, type TableData } from './page.js';

export const MAX_ROWS = 20_000;

export interface QueryReportInput {
  title: string;
  description?: string;
  sql: string;
  /** Parameter names (or ?1, ?2 …) and values as given. */
  params: [string, string][];
  engine: string;
  schema: Schema;
  batches: readonly RecordBatch[];
  /** What the local engine loaded: name → value. */
  load?: Record<string, string | number>;
  generatedAt?: Date;
}

function kindOf(type: DataType): ColumnKind {
  if (DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type)) return 'number';
  if (DataType.isTimestamp(type) || DataType.isDate(type)) return 'time';
  return 'text';
}

function cell(v: ReturnType<typeof jsonCell>): string | number | null {
  if (v === null) return null;
  return typeof v === 'boolean' ? String(v) : v;
}

export function renderQueryReport(input: QueryReportInput): string {
  const total = input.batches.reduce((n, b) => n + b.numRows, 0);
  const rows: TableData['rows'] = [];
  for (const batch of input.batches) {
    const read = batchReaders(batch);
    for (let r = 0; r < batch.numRows && rows.length < MAX_ROWS; r++) rows.push(read.map((f) => cell(jsonCell(f(r)))));
  }
  const data: TableData = { columns: input.schema.fields.map((f) => ({ name: f.name, kind: kindOf(f.type) })), rows };
  const facts: [string, string][] = [['engine', input.engine], ...input.params.map(([k, v]): [string, string] => [`param ${k}`, v])];
  for (const [k, v] of Object.entries(input.load ?? {})) facts.push([k.replaceAll('_', ' '), typeof v === 'number' ? v.toLocaleString('en-US') : v]);
  const truncated = total > rows.length ? `<p class="muted">${html(`Showing the first ${rows.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows; export all of them with --format csv|json|ndjson|arrow.`)}</p>` : '';
  const body = `<section><h2>Query</h2>${input.description ? `<p>${html(input.description)}</p>` : ''}
<dl class="kv">${facts.map(([k, v]) => `<dt>${html(k)}</dt><dd>${html(v)}</dd>`).join('')}</dl>
<details><summary>SQL</summary><pre class="sql">${html(input.sql)}</pre></details></section>
<section><h2>Results (${html(total.toLocaleString('en-US'))} rows)</h2>${truncated}${interactiveTable('results-data', data, { placeholder: 'filter rows' })}</section>`;
  return page(input.title, `trailhound query · ${input.engine} · generated ${(input.generatedAt ?? new Date()).toISOString()}`, body);
}

export async function writeQueryReport(path: string, input: QueryReportInput): Promise<void> {
  await writeFile(path, renderQueryReport(input));
}
