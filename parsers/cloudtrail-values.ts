/**
 * Reading captured JSON values the way JSON.parse would see them, with one coercion rule for all
 * columns. The fast paths work on bytes; escapes, numbers in string columns and strings in number
 * columns take the slow paths here. Semantics (mirrored by the test reference):
 * - text: a string as is; a number as `String(number)`; a boolean as `true`/`false`; anything else null.
 * - integer: a number, or a string holding a JSON number, truncated towards zero; null outside Int64 or otherwise.
 * - boolean: JSON true/false, or the strings "true"/"false" in any case; anything else null.
 */
import { isUtf8 } from 'node:buffer';
import { ESCAPED_STRING, FALSE, NUMBER, STRING, TRUE, type SelectiveScanner } from './json-scan.js';

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Kinds that read as text: strings, numbers and booleans. */
export function isText(kind: number): boolean {
  return kind >= STRING && kind <= FALSE;
}

/** A Buffer view of `bytes` (same memory) for the string-decoding slow paths. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** UTF-8 bytes of a string as a plain Uint8Array (what the hot paths are tuned for). */
export function utf8Bytes(s: string): Uint8Array {
  const b = Buffer.from(s, 'utf8');
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

export class ValueReader {
  buf: Uint8Array = new Uint8Array(0);
  private text_: Buffer | null = null;
  /** An escaped string could not be decoded: the record is not valid JSON. */
  badEscape = false;
  /** A decoded (escaped) string had invalid UTF-8; plain byte copies are checked by the column storage. */
  invalidUtf8 = false;

  constructor(private readonly sc: SelectiveScanner) {}

  reset(buf: Uint8Array): void {
    if (buf !== this.buf) this.text_ = null;
    this.buf = buf;
    this.badEscape = false;
    this.invalidUtf8 = false;
  }

  /** The slot as a JS string per the text rule (slow path; the caller handles plain strings from bytes). */
  text(slot: number): string | null {
    const sc = this.sc;
    const k = sc.kind[slot];
    if (k === STRING) return this.utf8(sc.start[slot], sc.end[slot]);
    if (k === ESCAPED_STRING) return this.decode(sc.start[slot], sc.end[slot]);
    if (k === NUMBER) {
      const raw = this.asText().toString('latin1', sc.start[slot], sc.end[slot]);
      return JSON_NUMBER.test(raw) ? String(Number(raw)) : null;
    }
    if (k === TRUE) return 'true';
    if (k === FALSE) return 'false';
    return null;
  }

  integer(slot: number): number | null {
    const sc = this.sc;
    const k = sc.kind[slot];
    if (k === NUMBER) {
      const b = this.buf;
      const s = sc.start[slot];
      const e = sc.end[slot];
      if (e - s <= 15) {
        let v = 0;
        let i = s;
        for (; i < e; i++) {
          const d = b[i] - 0x30;
          if (d < 0 || d > 9) break;
          v = v * 10 + d;
        }
        if (i === e && (b[s] !== 0x30 || e - s === 1)) return v;
      }
      return numberFrom(this.asText().toString('latin1', s, e));
    }
    if (k === STRING || k === ESCAPED_STRING) {
      const t = this.text(slot);
      return t === null ? null : numberFrom(t);
    }
    return null;
  }

  boolean(slot: number): boolean | null {
    const sc = this.sc;
    const k = sc.kind[slot];
    if (k === TRUE) return true;
    if (k === FALSE) return false;
    if (k !== STRING && k !== ESCAPED_STRING) return null;
    const t = this.text(slot);
    if (t === null || t.length > 5) return null;
    const lower = t.toLowerCase();
    return lower === 'true' ? true : lower === 'false' ? false : null;
  }

  private utf8(start: number, end: number): string {
    const b = this.buf;
    let high = 0;
    for (let i = start; i < end; i++) high |= b[i];
    if (high >= 0x80 && !isUtf8(b.subarray(start, end))) this.invalidUtf8 = true;
    return this.asText().toString('utf8', start, end);
  }

  private asText(): Buffer {
    return (this.text_ ??= asBuffer(this.buf));
  }

  private decode(start: number, end: number): string | null {
    const b = this.buf;
    if (!isUtf8(b.subarray(start, end))) this.invalidUtf8 = true;
    try {
      return JSON.parse(this.asText().toString('utf8', start - 1, end + 1)) as string;
    } catch {
      this.badEscape = true;
      return null;
    }
  }
}

const INT64_LIMIT = 2 ** 63;

/** A JSON number as an Int64 cell: truncated; null when it does not fit. */
function numberFrom(text: string): number | null {
  if (!JSON_NUMBER.test(text)) return null;
  const v = Math.trunc(Number(text));
  return v >= -INT64_LIMIT && v < INT64_LIMIT ? v : null;
}
