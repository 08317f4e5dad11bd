/**
 * The Key field is URL-encoded (FORMATS.md §1.5). Decoding happens on bytes with the result of
 * `decodeURIComponent`: a malformed escape, or escapes that decode to invalid UTF-8, keep the raw key.
 */
import { isUtf8 } from 'node:buffer';

const PERCENT = 0x25;

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const lower = b | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

export function indexOfPercent(buf: Uint8Array, s: number, e: number): number {
  for (let i = s; i < e; i++) if (buf[i] === PERCENT) return i;
  return -1;
}

export class KeyDecoder {
  /** The decoded key after a successful `decode`: `bytes[0…length)`. */
  bytes = new Uint8Array(256);
  length = 0;

  /**
   * Decode [s, e), whose first `%` is at `firstPercent`. The raw bytes must be valid UTF-8 (then
   * byte-level decoding equals decodeURIComponent: a continuation byte can only come from an escape).
   * Returns false when the raw key must be kept.
   */
  decode(buf: Uint8Array, s: number, e: number, firstPercent: number): boolean {
    if (this.bytes.length < e - s) this.bytes = new Uint8Array(Math.max(e - s, this.bytes.length * 2));
    const out = this.bytes;
    let n = 0;
    for (let i = s; i < firstPercent; i++) out[n++] = buf[i];
    let high = 0;
    for (let i = firstPercent; i < e; i++) {
      const b = buf[i];
      if (b !== PERCENT) {
        out[n++] = b;
        continue;
      }
      if (i + 2 >= e) return false;
      const hi = hexValue(buf[i + 1]);
      const lo = hexValue(buf[i + 2]);
      if (hi < 0 || lo < 0) return false;
      const v = (hi << 4) | lo;
      high |= v;
      out[n++] = v;
      i += 2;
    }
    this.length = n;
    return high < 0x80 || isUtf8(out.subarray(0, n));
  }
}

/** The slow path for lines with invalid UTF-8: the string decodeURIComponent sees (U+FFFD for bad bytes). */
export function decodeKeyString(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    // URIError: a malformed escape; the raw key is the best we have (FORMATS.md §1.5).
    return raw;
  }
}
