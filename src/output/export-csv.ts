/**
 * Query results as CSV (RFC 4180: comma separated, CRLF line ends, fields with a quote, comma or
 * line break quoted and quotes doubled).
 *
 * Spreadsheet formula injection: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a
 * carriage return is a formula (or becomes one) when the file is opened in Excel, LibreOffice or
 * Google Sheets — and log fields such as user agents and keys are chosen by whoever sent the
 * request. Such cells are prefixed with `'`, which spreadsheets show as text. Numeric columns are
 * left alone (a number cannot carry a formula). Header names get the same treatment.
 */
import type { RecordBatch, Schema } from 'apache-arrow';
import { batchReaders, cellText, isTextField } from './export-values.js';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** A text cell made inert for spreadsheets. */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeader(schema: Schema): string {
  return `${schema.fields.map((f) => csvField(neutralizeFormula(f.name))).join(',')}\r\n`;
}

export function csvRows(batch: RecordBatch): string {
  const read = batchReaders(batch);
  const text = batch.schema.fields.map(isTextField);
  let out = '';
  for (let r = 0; r < batch.numRows; r++) {
    out += `${read.map((f, c) => csvField(text[c] ? neutralizeFormula(cellText(f(r))) : cellText(f(r)))).join(',')}\r\n`;
  }
  return out;
}
