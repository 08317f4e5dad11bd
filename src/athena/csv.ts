/**
 * Streaming parser for the CSV result objects Athena writes (RFC 4180): fields separated by commas,
 * records by newlines; a quoted field may hold commas, newlines and doubled quotes (`""` = `"`).
 * Athena quotes every value and writes NULL as an empty *unquoted* field, so `""` (the empty
 * string) and `` (NULL) differ: the parser returns null for the latter.
 *
 * Input arrives in arbitrary text chunks; a record may span any number of them.
 */
import { QueryError } from '../errors.js';

export type CsvRecord = (string | null)[];

const enum State {
  /** At the start of a field (after a comma or a line break, or at the very beginning). */
  FieldStart,
  Unquoted,
  Quoted,
  /** Just read a `"` inside a quoted field: either a doubled quote or the closing one. */
  QuoteInQuoted,
  /** Just read a `\r` that ended a record; a following `\n` belongs to it. */
  AfterCr,
}

export class CsvParser {
  private state = State.FieldStart;
  private field = '';
  private quoted = false;
  private record: CsvRecord = [];
  /** Whether the current record has any content (so an empty last line is not a record). */
  private inRecord = false;
  private line = 1;

  /** Feeds a chunk of text; returns the records it completed. */
  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    const n = text.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case State.AfterCr:
          this.state = State.FieldStart;
          if (text.charCodeAt(i) === 0x0a) i++;
          break;
        case State.FieldStart: {
          const c = text.charCodeAt(i);
          if (c === 0x22) {
            this.quoted = true;
            this.inRecord = true;
            this.state = State.Quoted;
            i++;
          } else {
            this.state = State.Unquoted;
          }
          break;
        }
        case State.Unquoted: {
          let j = i;
          while (j < n) {
            const c = text.charCodeAt(j);
            if (c === 0x2c || c === 0x0a || c === 0x0d) break;
            if (c === 0x22) this.fail('a quote inside an unquoted field');
            j++;
          }
          if (j > i) {
            this.field += text.slice(i, j);
            this.inRecord = true;
          }
          i = j;
          if (i < n) i = this.delimiter(text, i, out);
          break;
        }
        case State.Quoted: {
          const q = text.indexOf('"', i);
          const end = q < 0 ? n : q;
          for (let k = i; k < end; k++) if (text.charCodeAt(k) === 0x0a) this.line++;
          this.field += text.slice(i, end);
          if (q < 0) {
            i = n;
          } else {
            this.state = State.QuoteInQuoted;
            i = q + 1;
          }
          break;
        }
        case State.QuoteInQuoted: {
          const c = text.charCodeAt(i);
          if (c === 0x22) {
            this.field += '"';
            this.state = State.Quoted;
            i++;
          } else if (c === 0x2c || c === 0x0a || c === 0x0d) {
            i = this.delimiter(text, i, out);
          } else {
            this.fail('text after a closing quote');
          }
          break;
        }
      }
    }
    return out;
  }

  /** Ends the input; returns the last record when it was not followed by a line break. */
  end(): CsvRecord[] {
    if (this.state === State.Quoted) this.fail('a quoted field is not closed at the end of the object');
    if (this.state === State.AfterCr || (!this.inRecord && this.record.length === 0)) return [];
    this.endField();
    return [this.takeRecord()];
  }

  /** Handles the `,`, `\n` or `\r` at `i`; returns the next index. */
  private delimiter(text: string, i: number, out: CsvRecord[]): number {
    const c = text.charCodeAt(i);
    this.endField();
    if (c === 0x2c) {
      this.inRecord = true;
      this.state = State.FieldStart;
      return i + 1;
    }
    out.push(this.takeRecord());
    this.line++;
    this.state = c === 0x0d ? State.AfterCr : State.FieldStart;
    return i + 1;
  }

  private endField(): void {
    // Athena writes NULL as nothing at all, and the empty string as "".
    this.record.push(this.field === '' && !this.quoted ? null : this.field);
    this.field = '';
    this.quoted = false;
  }

  private takeRecord(): CsvRecord {
    const r = this.record;
    this.record = [];
    this.inRecord = false;
    return r;
  }

  private fail(what: string): never {
    throw new QueryError(`malformed CSV in the Athena result object: ${what} (line ${this.line})`);
  }
}

/** Parses a whole stream of text chunks (e.g. a decoded S3 object body). */
export async function* parseCsv(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser();
  for await (const chunk of chunks) yield* parser.push(chunk);
  yield* parser.end();
}

/** UTF-8 bytes → text chunks, never splitting a multi-byte character. */
export async function* decodeUtf8(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of bytes) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}
