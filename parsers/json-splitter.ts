/**
 * Streaming structural splitter for JSON log objects. It finds each element of a top-level
 * `{"Records":[…]}` array or top-level JSON array, and each top-level value otherwise (NDJSON,
 * concatenated or pretty-printed objects), and hands it to a sink while the selective scanner's
 * slots still describe it.
 *
 * Memory: only the bytes of the value in progress are carried between chunks. An incomplete value
 * is rescanned only once the carried bytes have doubled, so a value spanning many chunks costs
 * linear time; a value larger than `maxValueBytes` is reported and skipped structurally without
 * being buffered.
 *
 * Positions: once the first top-level value is a Records wrapper or an array, the object is in
 * record mode and `at` is the 0-based element index across the object's arrays; otherwise it is
 * in line mode and `at` is the 1-based line where the value starts (NDJSON).
 */
import type { IssueReason } from '../src/issues.js';
import { NEED_MORE, STREAM_ARRAY, SYNTAX_ERROR, skipSpace, skipValue, type SelectiveScanner } from './json-scan.js';

export interface SplitterSink {
  /** A complete object `[start, end)` of `buf` was scanned; the scanner's slots describe it. */
  value(buf: Uint8Array, start: number, end: number, at: number): void;
  problem(reason: IssueReason, message: string, at: number, buf?: Uint8Array, start?: number, end?: number): void;
}

const enum State {
  /** Between top-level values. */
  Top,
  /** Inside an array, expecting an element (or `]`). */
  Element,
  /** Inside an array, after an element: `,` or `]`. */
  AfterElement,
  /** Walking over bytes nobody reads (a wrapper's tail, a value over the size cap). */
  Skip,
  /** After a syntax error: drop bytes up to a line that starts with `{` or `[`. */
  Resync,
}

const enum Mode {
  Undecided,
  Lines,
  Records,
}

const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const UNKNOWN = -2;
const MIN_CARRY = 1 << 16;
const BRIDGE_MIN = 1 << 14;

export const DEFAULT_MAX_VALUE_BYTES = 16 * 1024 * 1024;

/** A plain Uint8Array for the hot loops (Buffer subarrays are slow to make) and a Buffer view for indexOf/toString. */
class Bytes {
  constructor(
    readonly u8: Uint8Array,
    readonly buffer: Buffer,
  ) {}

  static of(chunk: Uint8Array): Bytes {
    const plain = Buffer.isBuffer(chunk) ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length) : chunk;
    return new Bytes(plain, Buffer.from(plain.buffer, plain.byteOffset, plain.length));
  }

  static alloc(size: number): Bytes {
    return Bytes.of(new Uint8Array(size));
  }
}

const EMPTY = Bytes.alloc(0);

export class JsonSplitter {
  /** The window: bytes `[pos, limit)` are unread; `buf`/`text` are two views of the same memory. */
  private buf: Uint8Array = EMPTY.u8;
  private text: Buffer = EMPTY.buffer;
  private pos = 0;
  private limit = 0;
  private own: Bytes = EMPTY;
  private state = State.Top;
  private mode = Mode.Undecided;
  private line = 1;
  private recordIndex = 0;
  /** Position of the next newline at or after the last count, `limit` for none, UNKNOWN after a push. */
  private nextNewline = UNKNOWN;
  /** Carried bytes needed before an incomplete value is rescanned. */
  private waitFor = 0;
  private inWrapper = false;
  private skipDepth = 0;
  private skipInString = false;
  private skipEscape = false;
  private afterSkip = State.Top;
  private skippingTail = false;
  private atLineStart = false;
  /** The sink is handling the object's first top-level value (which decides the position mode). */
  private inFirstValue = false;
  private started = false;
  private sawValue = false;

  constructor(
    private readonly scanner: SelectiveScanner,
    private readonly sink: SplitterSink,
    private readonly maxValueBytes = DEFAULT_MAX_VALUE_BYTES,
  ) {}

  /** True when positions are 1-based line numbers, false when they are 0-based record indices. */
  get byLine(): boolean {
    return this.mode !== Mode.Records;
  }

  /**
   * Position for an element of a Records array the sink found inside a complete top-level value
   * (one the scanner could not stream, e.g. `"R\u0065cords"`): numbered like streamed elements.
   */
  nestedRecordPosition(valueAt: number): number {
    if (this.inFirstValue) this.mode = Mode.Records;
    return this.mode === Mode.Records ? this.recordIndex++ : valueAt;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const bytes = Bytes.of(chunk);
    if (this.pos >= this.limit) {
      this.use(bytes);
      this.pos = 0;
      this.limit = chunk.length;
      this.waitFor = 0;
      this.run(false);
    } else if (this.limit - this.pos + chunk.length < this.waitFor) {
      // A value bigger than the chunks: collect until a rescan can pay off.
      this.append(chunk);
    } else {
      this.waitFor = 0;
      this.bridge(bytes);
    }
    this.keepPending();
  }

  /**
   * Finish the value in progress on a small bridge — the carried bytes plus just enough of the new
   * chunk (doubling until it completes) — then go on in the chunk itself, which is never copied.
   */
  private bridge(chunk: Bytes): void {
    const n = chunk.u8.length;
    let taken = 0;
    for (;;) {
      const upTo = Math.min(n, Math.max(2 * taken, BRIDGE_MIN, 2 * (this.limit - this.pos)));
      this.append(chunk.u8.subarray(taken, upTo));
      taken = upTo;
      this.run(false);
      const chunkStart = this.limit - taken;
      if (this.pos >= chunkStart) {
        const at = this.pos - chunkStart;
        this.use(chunk);
        this.pos = at;
        this.limit = n;
        this.run(false);
        return;
      }
      if (taken === n) return;
    }
  }

  end(): void {
    this.nextNewline = UNKNOWN;
    this.waitFor = 0;
    this.run(true);
    const at = this.here();
    switch (this.state) {
      case State.Element:
      case State.AfterElement:
        this.sink.problem('malformed_json', 'input ends inside an array (truncated?)', at);
        break;
      case State.Skip:
        if (this.skippingTail) this.sink.problem('malformed_json', 'input ends before the object around the Records array is closed', at);
        break;
      default:
        if (!this.sawValue) this.sink.problem('empty_file', 'no JSON value in the object', at);
    }
    this.state = State.Resync;
    this.own = EMPTY;
    this.use(EMPTY);
    this.pos = this.limit = 0;
  }

  private run(final: boolean): void {
    if (!this.started && !this.skipBom(final)) return;
    for (;;) {
      switch (this.state) {
        case State.Top:
          if (!this.top(final)) return;
          break;
        case State.Element:
          if (!this.element(final)) return;
          break;
        case State.AfterElement:
          if (!this.afterElement()) return;
          break;
        case State.Skip:
          if (!this.skip()) return;
          break;
        case State.Resync:
          if (!this.resync()) return;
          break;
      }
    }
  }

  private skipBom(final: boolean): boolean {
    const b = this.buf;
    if (this.limit - this.pos < 3 && !final) return false;
    if (this.limit - this.pos >= 3 && b[this.pos] === 0xef && b[this.pos + 1] === 0xbb && b[this.pos + 2] === 0xbf) this.pos += 3;
    this.started = true;
    return true;
  }

  /** Returns false when it needs more bytes. */
  private top(final: boolean): boolean {
    const b = this.buf;
    const limit = this.limit;
    const i = skipSpace(b, this.pos, limit);
    this.advance(i);
    if (i >= limit) return false;
    this.sawValue = true;
    const c = b[i];
    if (c === OPEN_BRACE) {
      const r = this.scanner.scan(b, i, limit, true);
      if (r >= 0) {
        this.inFirstValue = this.mode === Mode.Undecided;
        if (this.inFirstValue) this.mode = Mode.Lines;
        this.sink.value(b, i, r, this.take());
        this.inFirstValue = false;
        this.advance(r);
      } else if (r === STREAM_ARRAY) {
        if (this.mode === Mode.Undecided) this.mode = Mode.Records;
        this.inWrapper = true;
        this.state = State.Element;
        this.advance(this.scanner.streamAt);
      } else if (r === NEED_MORE) {
        return this.incomplete(final, i, State.Top);
      } else {
        if (this.mode === Mode.Undecided) this.mode = Mode.Lines;
        this.malformed(i, 'not valid JSON');
      }
      return true;
    }
    if (c === OPEN_BRACKET) {
      if (this.mode === Mode.Undecided) this.mode = Mode.Records;
      this.inWrapper = false;
      this.state = State.Element;
      this.advance(i + 1);
      return true;
    }
    if (this.mode === Mode.Undecided) this.mode = Mode.Lines;
    return this.strayLine(final, i);
  }

  /** A top-level value that is not an object or array: judge its line as a whole. */
  private strayLine(final: boolean, i: number): boolean {
    const b = this.text;
    let nl = b.indexOf(NEWLINE, i);
    if (nl < 0 || nl >= this.limit) {
      if (!final && this.limit - i > this.maxValueBytes) {
        this.malformed(i, `line exceeds ${this.maxValueBytes} bytes and is not JSON`);
        return true;
      }
      if (!final) {
        this.waitFor = Math.max(MIN_CARRY, 2 * (this.limit - i));
        return false;
      }
      nl = this.limit;
    }
    const text = b.toString('utf8', i, nl).trim();
    const at = this.take();
    if (isJson(text)) this.sink.problem('unknown_format', `top-level JSON value is not an object: ${clip(text)}`, at, this.buf, i, nl);
    else this.sink.problem('malformed_json', 'not valid JSON', at, this.buf, i, nl);
    this.advance(nl);
    return true;
  }

  private element(final: boolean): boolean {
    const b = this.buf;
    const limit = this.limit;
    const i = skipSpace(b, this.pos, limit);
    this.advance(i);
    if (i >= limit) return false;
    const c = b[i];
    if (c === CLOSE_BRACKET) {
      this.closeArray(i + 1);
      return true;
    }
    const r = c === OPEN_BRACE ? this.scanner.scan(b, i, limit, false) : skipValue(b, i, limit);
    if (r >= 0) {
      const at = this.take();
      if (c === OPEN_BRACE) this.sink.value(b, i, r, at);
      else this.sink.problem('unknown_format', 'array element is not an object', at, b, i, r);
      this.advance(r);
      this.state = State.AfterElement;
      return true;
    }
    if (r === NEED_MORE) return this.incomplete(final, i, State.AfterElement);
    this.malformed(i, 'array element is not valid JSON');
    return true;
  }

  private afterElement(): boolean {
    const b = this.buf;
    const i = skipSpace(b, this.pos, this.limit);
    this.advance(i);
    if (i >= this.limit) return false;
    const c = b[i];
    if (c === COMMA) {
      this.state = State.Element;
      this.advance(i + 1);
    } else if (c === CLOSE_BRACKET) {
      this.closeArray(i + 1);
    } else {
      this.malformed(i, 'expected "," or "]" after an array element');
    }
    return true;
  }

  private closeArray(p: number): void {
    this.advance(p);
    if (this.inWrapper) {
      // The rest of the wrapper object (other keys, closing brace) is read by nobody.
      this.startSkip(1, State.Top, true);
    } else {
      this.state = State.Top;
    }
  }

  private startSkip(depth: number, then: State, tail: boolean): void {
    this.skipDepth = depth;
    this.skipInString = false;
    this.skipEscape = false;
    this.afterSkip = then;
    this.skippingTail = tail;
    this.state = State.Skip;
  }

  private skip(): boolean {
    const b = this.buf;
    const limit = this.limit;
    let depth = this.skipDepth;
    let inString = this.skipInString;
    let escape = this.skipEscape;
    let i = this.pos;
    for (; i < limit; i++) {
      const c = b[i];
      if (inString) {
        if (escape) escape = false;
        else if (c === BACKSLASH) escape = true;
        else if (c === QUOTE) {
          inString = false;
          // A string skipped on its own (an oversized scalar element) ends here.
          if (depth === 0) {
            this.advance(i + 1);
            this.state = this.afterSkip;
            return true;
          }
        }
      } else if (c === QUOTE) {
        inString = true;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        depth++;
      } else if (c === 0x7d || c === CLOSE_BRACKET) {
        if (--depth === 0) {
          this.advance(i + 1);
          this.state = this.afterSkip;
          return true;
        }
      }
    }
    this.skipDepth = depth;
    this.skipInString = inString;
    this.skipEscape = escape;
    this.advance(limit);
    return false;
  }

  private resync(): boolean {
    const b = this.text;
    for (;;) {
      if (this.atLineStart) {
        if (this.pos >= this.limit) return false;
        this.atLineStart = false;
        const c = this.buf[this.pos];
        if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          this.state = State.Top;
          return true;
        }
      }
      const nl = b.indexOf(NEWLINE, this.pos);
      if (nl < 0 || nl >= this.limit) {
        this.advance(this.limit);
        return false;
      }
      this.advance(nl + 1);
      this.atLineStart = true;
    }
  }

  /** The value starting at `start` continues past the available bytes. */
  private incomplete(final: boolean, start: number, then: State): boolean {
    this.advance(start);
    const pending = this.limit - start;
    if (final) {
      this.sink.problem('malformed_json', 'input ends inside this value (truncated?)', this.take(), this.buf, start, this.limit);
      this.advance(this.limit);
      this.state = State.Resync;
      return false;
    }
    if (pending > this.maxValueBytes) {
      this.sink.problem('record_too_large', `value exceeds ${this.maxValueBytes} bytes; skipped`, this.take(), this.buf, start, start + 64);
      this.startSkip(0, then, false);
      return true;
    }
    this.waitFor = Math.min(this.maxValueBytes + 1, Math.max(MIN_CARRY, 2 * pending));
    return false;
  }

  private malformed(start: number, message: string): void {
    this.sink.problem('malformed_json', message, this.take(), this.buf, start, Math.min(this.limit, start + 80));
    this.advance(start + 1);
    this.atLineStart = false;
    this.state = State.Resync;
  }

  /** The position of the value at `pos`, consuming a record index in record mode. */
  private take(): number {
    return this.mode === Mode.Records ? this.recordIndex++ : this.line;
  }

  private here(): number {
    return this.mode === Mode.Records ? this.recordIndex : this.line;
  }

  /** Move to `to`, counting newlines on the way unless in record mode. */
  private advance(to: number): void {
    if (this.mode !== Mode.Records && to > this.pos) {
      const b = this.text;
      let nl = this.nextNewline;
      if (nl === UNKNOWN || nl < this.pos) nl = b.indexOf(NEWLINE, this.pos);
      while (nl >= 0 && nl < to) {
        this.line++;
        nl = b.indexOf(NEWLINE, nl + 1);
      }
      this.nextNewline = nl < 0 || nl > this.limit ? this.limit : nl;
    }
    this.pos = to;
  }

  private use(bytes: Bytes): void {
    this.buf = bytes.u8;
    this.text = bytes.buffer;
    this.nextNewline = UNKNOWN;
  }

  private append(chunk: Uint8Array): void {
    const pending = this.limit - this.pos;
    const need = pending + chunk.length;
    if (this.own.u8.length < need) {
      const next = Bytes.alloc(Math.max(need, 2 * this.own.u8.length, MIN_CARRY));
      next.u8.set(this.buf.subarray(this.pos, this.limit));
      this.own = next;
    } else if (this.buf === this.own.u8) {
      this.own.u8.copyWithin(0, this.pos, this.limit);
    } else {
      this.own.u8.set(this.buf.subarray(this.pos, this.limit));
    }
    this.own.u8.set(chunk, pending);
    this.use(this.own);
    this.pos = 0;
    this.limit = need;
  }

  /** Keep only the pending bytes, in our own buffer, so the caller's chunk can be released. */
  private keepPending(): void {
    if (this.pos >= this.limit || this.buf === this.own.u8) return;
    const pending = this.limit - this.pos;
    if (this.own.u8.length < pending) this.own = Bytes.alloc(Math.max(pending, MIN_CARRY));
    this.own.u8.set(this.buf.subarray(this.pos, this.limit));
    this.use(this.own);
    this.pos = 0;
    this.limit = pending;
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function clip(text: string): string {
  return JSON.stringify(text.length > 40 ? text.slice(0, 40) + '…' : text);
}
