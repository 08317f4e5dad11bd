/**
 * S3 server access logs (FORMATS.md §1): newline-delimited text lines → event rows, on bytes from
 * the chunk to the Arrow buffers. Only the unfinished last line is kept between chunks, and never
 * more than MAX_LINE_BYTES of it.
 */
import { isUtf8 } from 'node:buffer';
import { excerpt, type IssueReason } from '../src/issues.js';
import { LOG_KIND } from '../src/schema.js';
import { AccessLogRowWriter } from './s3-access-row.js';
import { AccessLogTimeParser } from './s3-access-time.js';
import { AccessLogTokenizer, FAILURE, FIELD } from './s3-access-tokenizer.js';
import { MAX_LINE_BYTES, type ParseContext, type ParserModule, type StreamParser } from './types.js';

const LF = 0x0a;
const CR = 0x0d;
const TAB = 0x09;
const SP = 0x20;

function isLineSpace(b: number): boolean {
  return b === SP || b === TAB || b === CR;
}

function hasBom(buf: Uint8Array, s: number, e: number): boolean {
  return e - s >= 3 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf;
}

class AccessLogStreamParser implements StreamParser {
  private readonly tokenizer = new AccessLogTokenizer();
  private readonly times = new AccessLogTimeParser();
  private readonly rows: AccessLogRowWriter;
  private pending: Uint8Array = new Uint8Array(4096);
  private pendingLength = 0;
  /** Inside a line already reported as too long: bytes are dropped up to its newline. */
  private skipping = false;
  private lineNumber = 0;

  constructor(private readonly ctx: ParseContext) {
    this.rows = new AccessLogRowWriter(ctx.builder, ctx.uri);
  }

  push(chunk: Uint8Array): void {
    const n = chunk.length;
    if (n === 0) return;
    // Buffer for its memchr-backed indexOf; a plain Uint8Array view for the byte work, whose
    // subarray (in the column writers) is cheaper than a Buffer's.
    const search = Buffer.from(chunk.buffer, chunk.byteOffset, n);
    const buf = new Uint8Array(chunk.buffer, chunk.byteOffset, n);
    let pos = 0;
    if (this.skipping || this.pendingLength > 0) {
      const nl = search.indexOf(LF);
      if (nl < 0) {
        this.keep(buf, 0, n);
        return;
      }
      this.finishPending(buf, nl);
      pos = nl + 1;
    }
    const lastNewline = search.lastIndexOf(LF);
    if (lastNewline >= pos) {
      // A newline never splits a UTF-8 sequence: if the whole run of complete lines is valid,
      // every line is, and no line needs its own check.
      const mayBeInvalid = !isUtf8(buf.subarray(pos, lastNewline));
      while (pos <= lastNewline) {
        const nl = search.indexOf(LF, pos);
        this.line(buf, search, pos, nl, mayBeInvalid);
        pos = nl + 1;
      }
    }
    if (pos < n) this.keep(buf, pos, n);
  }

  end(): void {
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    if (this.pendingLength > 0) this.pendingLine();
  }

  /** Buffers part of an unfinished line, or starts skipping it once it is too long. */
  private keep(buf: Uint8Array, s: number, e: number): void {
    if (this.skipping) return;
    const total = this.pendingLength + (e - s);
    if (total > MAX_LINE_BYTES) {
      this.pendingLength = 0;
      this.skipping = true;
      this.tooLong(++this.lineNumber);
      return;
    }
    if (total > this.pending.length) {
      const next = new Uint8Array(Math.min(MAX_LINE_BYTES, Math.max(total, this.pending.length * 2)));
      next.set(this.pending.subarray(0, this.pendingLength));
      this.pending = next;
    }
    this.pending.set(buf.subarray(s, e), this.pendingLength);
    this.pendingLength = total;
  }

  private finishPending(buf: Uint8Array, newline: number): void {
    if (!this.skipping) this.keep(buf, 0, newline);
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    this.pendingLine();
  }

  private pendingLine(): void {
    const length = this.pendingLength;
    this.pendingLength = 0;
    const line = this.pending.subarray(0, length);
    this.line(line, Buffer.from(line.buffer, line.byteOffset, length), 0, length, true);
  }

  /** `haystack`: a Buffer over the same bytes, for memchr searches. */
  private line(buf: Uint8Array, haystack: Buffer, s: number, e: number, mayBeInvalidUtf8: boolean): void {
    const lineNumber = ++this.lineNumber;
    if (e - s > MAX_LINE_BYTES) {
      this.tooLong(lineNumber);
      return;
    }
    while (e > s && isLineSpace(buf[e - 1])) e--;
    if (lineNumber === 1 && hasBom(buf, s, e)) s += 3;
    let first = s;
    while (first < e && isLineSpace(buf[first])) first++;
    if (first === e) return;
    const tok = this.tokenizer;
    if (!tok.tokenize(buf, haystack, s, e)) {
      this.report(lineNumber, 'malformed_line', `${tok.failure}: ${excerpt(buf, s, e)}`);
      return;
    }
    const timeMs = this.times.parse(buf, tok.start[FIELD.time], tok.end[FIELD.time]);
    if (timeMs !== timeMs) {
      this.report(lineNumber, 'malformed_line', `${FAILURE.time}: ${excerpt(buf, s, e)}`);
      return;
    }
    const invalidUtf8 = mayBeInvalidUtf8 && !isUtf8(buf.subarray(s, e));
    const full = this.rows.write(buf, tok, timeMs, lineNumber, invalidUtf8);
    this.ctx.counters.records++;
    if (invalidUtf8) {
      this.ctx.builder.takeInvalidUtf8();
      this.report(lineNumber, 'invalid_utf8', `invalid UTF-8 replaced with U+FFFD: ${excerpt(buf, s, e)}`);
    }
    if (full) this.ctx.emitBatch(this.ctx.builder.flush());
  }

  private tooLong(lineNumber: number): void {
    this.report(lineNumber, 'line_too_long', `line longer than ${MAX_LINE_BYTES} bytes skipped`);
  }

  private report(line: number, reason: IssueReason, message: string): void {
    this.ctx.issue({ uri: this.ctx.uri, line, reason, message });
  }
}

const MAX_SNIFF_TOKEN = 512;

/** End of a printable token starting at `p`, or -1 when it is empty, too long or hits a control byte. */
function sniffToken(head: Uint8Array, p: number): number {
  let q = p;
  while (q < head.length && head[q] > SP && head[q] !== 0x7f && q - p <= MAX_SNIFF_TOKEN) q++;
  return q > p && q < head.length && head[q] === SP && q - p <= MAX_SNIFF_TOKEN ? q : -1;
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

function isLetter(b: number): boolean {
  const lower = b | 0x20;
  return lower >= 0x61 && lower <= 0x7a;
}

/** First non-empty line: `<owner> <bucket> [dd/Mmm/yyyy:` (FORMATS.md §1.2). */
export function looksLikeAccessLog(head: Uint8Array): boolean {
  let p = 0;
  while (p < head.length && (isLineSpace(head[p]) || head[p] === LF)) p++;
  if (hasBom(head, p, head.length)) p += 3;
  for (let token = 0; token < 2; token++) {
    const q = sniffToken(head, p);
    if (q < 0) return false;
    p = q;
    while (p < head.length && head[p] === SP) p++;
  }
  if (p + 13 > head.length || head[p] !== 0x5b) return false;
  const h = head;
  return (
    isDigit(h[p + 1]) && isDigit(h[p + 2]) && h[p + 3] === 0x2f &&
    isLetter(h[p + 4]) && isLetter(h[p + 5]) && isLetter(h[p + 6]) && h[p + 7] === 0x2f &&
    isDigit(h[p + 8]) && isDigit(h[p + 9]) && isDigit(h[p + 10]) && isDigit(h[p + 11]) && h[p + 12] === 0x3a
  );
}

export const s3AccessParser: ParserModule = {
  kind: LOG_KIND.s3access,
  sniff: looksLikeAccessLog,
  create: (ctx: ParseContext): StreamParser => new AccessLogStreamParser(ctx),
};
