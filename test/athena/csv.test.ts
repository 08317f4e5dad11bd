import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser, decodeUtf8, parseCsv, type CsvRecord } from '../../src/athena/csv.js';
import { QueryError } from '../../src/errors.js';

function parseAll(text: string, cuts: number[] = []): CsvRecord[] {
  const p = new CsvParser();
  const out: CsvRecord[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    out.push(...p.push(text.slice(from, cut)));
    from = cut;
  }
  out.push(...p.end());
  return out;
}

/** How Athena writes a record: every value quoted, quotes doubled, NULL as nothing. */
function athenaCsv(records: CsvRecord[]): string {
  return records.map((r) => r.map((v) => (v === null ? '' : `"${v.replaceAll('"', '""')}"`)).join(',') + '\n').join('');
}

describe('Athena CSV parser', () => {
  it('reads quoted fields with commas, doubled quotes and embedded newlines', () => {
    const text = '"a","b"\n"x, y","say ""hi"""\n"line 1\nline 2","last"\n';
    expect(parseAll(text)).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['line 1\nline 2', 'last'],
    ]);
  });

  it('tells NULL (empty, unquoted) from the empty string ("")', () => {
    expect(parseAll('"a",,""\n,"",\n')).toEqual([
      ['a', null, ''],
      [null, '', null],
    ]);
  });

  it('keeps a record that is a single NULL (an empty line) and handles CRLF and a missing final newline', () => {
    expect(parseAll('"c"\n\n"x"\n')).toEqual([['c'], [null], ['x']]);
    expect(parseAll('"a","b"\r\n"c",\r\n"d","e"')).toEqual([['a', 'b'], ['c', null], ['d', 'e']]);
    expect(parseAll('')).toEqual([]);
  });

  it('gives the same records however the text is cut into chunks', () => {
    const value = fc.option(fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r\n', ' ', 'é', '😀') }), { nil: null });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }).chain((cols) => fc.tuple(fc.array(fc.array(value, { minLength: cols, maxLength: cols }), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 5 }))), ([records, rawCuts]) => {
        const text = athenaCsv(records);
        const cuts = [...new Set(rawCuts.map((c) => (text.length === 0 ? 0 : c % text.length)))].sort((a, b) => a - b);
        expect(parseAll(text, cuts)).toEqual(records);
      }),
      { numRuns: 500, seed: 9 },
    );
  });

  it('rejects malformed input as a QueryError', () => {
    expect(() => parseAll('"a"x,"b"\n')).toThrow(QueryError);
    expect(() => parseAll('"unterminated\n')).toThrow(/not closed/);
    expect(() => parseAll('a"b\n')).toThrow(QueryError);
  });

  it('decodes UTF-8 split inside a character', async () => {
    const bytes = Buffer.from('"é😀","x"\n', 'utf8');
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
    }
    const records: CsvRecord[] = [];
    for await (const r of parseCsv(decodeUtf8(chunks()))) records.push(r);
    expect(records).toEqual([['é😀', 'x']]);
  });
});
