/**
 * Column writers that build Arrow buffers straight from bytes: no per-row objects,
 * no intermediate JS strings on the fast path (notes/fast-parsing.md).
 */
import { isUtf8 } from 'node:buffer';

const textEncoder = new TextEncoder();

function grow(buf: Uint8Array<ArrayBuffer>, need: number): Uint8Array<ArrayBuffer> {
  if (need <= buf.length) return buf;
  let size = buf.length * 2;
  while (size < need) size *= 2;
  const next = new Uint8Array(size);
  next.set(buf);
  return next;
}

/** Validity bitmap shared by all writers; counts nulls as they are appended. */
export class Validity {
  bits: Uint8Array<ArrayBuffer> = new Uint8Array(1024);
  nullCount = 0;

  set(row: number, valid: boolean): void {
    const byte = row >>> 3;
    if (byte >= this.bits.length) this.bits = grow(this.bits, byte + 1);
    if (valid) this.bits[byte] |= 1 << (row & 7);
    else {
      this.bits[byte] &= ~(1 << (row & 7));
      this.nullCount++;
    }
  }

  reset(): void {
    this.bits.fill(0);
    this.nullCount = 0;
  }

  slice(length: number): Uint8Array {
    return this.bits.slice(0, (length + 7) >>> 3);
  }
}

/**
 * Variable-length UTF-8 storage: values are byte ranges in `data`, delimited by `offsets`.
 * Invalid UTF-8 is replaced with U+FFFD and flagged in `invalidUtf8` so the parser can report it.
 */
export class Utf8Storage {
  data: Uint8Array<ArrayBuffer> = new Uint8Array(1 << 16);
  offsets = new Int32Array(1024);
  length = 0;
  /** Set when a value had invalid UTF-8; the parser reads and clears it. */
  invalidUtf8 = false;

  private ensureRow(): void {
    if (this.length + 2 > this.offsets.length) {
      const next = new Int32Array(this.offsets.length * 2);
      next.set(this.offsets);
      this.offsets = next;
    }
  }

  /** Append bytes [start, end) of `src`; returns the row index. */
  pushBytes(src: Uint8Array, start: number, end: number): number {
    this.ensureRow();
    const off = this.offsets[this.length];
    const n = end - start;
    if (off + n > this.data.length) this.data = grow(this.data, off + n);
    const data = this.data;
    let high = 0;
    if (n < 48) {
      for (let i = 0; i < n; i++) {
        const b = src[start + i];
        high |= b;
        data[off + i] = b;
      }
    } else {
      const sub = src.subarray(start, end);
      data.set(sub, off);
      for (let i = start; i < end && high < 0x80; i++) high |= src[i];
    }
    if (high >= 0x80 && !isUtf8(src.subarray(start, end))) {
      return this.replaceLast(off, Buffer.from(src.buffer, src.byteOffset + start, n).toString('utf8'));
    }
    this.offsets[++this.length] = off + n;
    return this.length - 1;
  }

  private replaceLast(off: number, repaired: string): number {
    this.invalidUtf8 = true;
    const bytes = textEncoder.encode(repaired);
    if (off + bytes.length > this.data.length) this.data = grow(this.data, off + bytes.length);
    this.data.set(bytes, off);
    this.offsets[++this.length] = off + bytes.length;
    return this.length - 1;
  }

  pushString(s: string): number {
    this.ensureRow();
    const off = this.offsets[this.length];
    const max = s.length * 3;
    if (off + max > this.data.length) this.data = grow(this.data, off + max);
    const { written } = textEncoder.encodeInto(s, this.data.subarray(off));
    this.offsets[++this.length] = off + written;
    return this.length - 1;
  }

  pushEmpty(): void {
    this.ensureRow();
    this.offsets[this.length + 1] = this.offsets[this.length];
    this.length++;
  }

  equalsBytes(row: number, src: Uint8Array, start: number, end: number): boolean {
    const s = this.offsets[row];
    const n = this.offsets[row + 1] - s;
    if (n !== end - start) return false;
    const data = this.data;
    for (let i = 0; i < n; i++) if (data[s + i] !== src[start + i]) return false;
    return true;
  }

  stringAt(row: number): string {
    return Buffer.from(this.data.buffer, this.data.byteOffset + this.offsets[row], this.offsets[row + 1] - this.offsets[row]).toString('utf8');
  }

  truncate(rows: number): void {
    this.length = rows;
  }

  reset(): void {
    this.length = 0;
    this.offsets[0] = 0;
  }

  valueOffsets(): Int32Array {
    return this.offsets.slice(0, this.length + 1);
  }

  values(): Uint8Array {
    return this.data.slice(0, this.offsets[this.length]);
  }
}

/** FNV-1a over a byte range. */
function hashBytes(src: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ src[i], 0x01000193);
  return h >>> 0;
}

/**
 * Dictionary values interned by hashing their bytes (open addressing, full compare on hit),
 * so repeating strings cost one hash and no allocation.
 */
export class DictionaryStorage {
  readonly values = new Utf8Storage();
  private slots = new Int32Array(1024).fill(-1);
  private hashes = new Uint32Array(1024);
  private byString = new Map<string, number>();

  get size(): number {
    return this.values.length;
  }

  internBytes(src: Uint8Array, start: number, end: number): number {
    const h = hashBytes(src, start, end);
    const mask = this.slots.length - 1;
    let i = h & mask;
    for (;;) {
      const idx = this.slots[i];
      if (idx === -1) break;
      if (this.hashes[i] === h && this.values.equalsBytes(idx, src, start, end)) return idx;
      i = (i + 1) & mask;
    }
    const flagged = this.values.invalidUtf8;
    this.values.invalidUtf8 = false;
    const idx = this.values.pushBytes(src, start, end);
    if (this.values.invalidUtf8) {
      // Stored bytes were repaired (U+FFFD) and no longer equal the raw ones: intern the repaired
      // value instead, so repeated bad input maps to one dictionary entry.
      const repaired = Buffer.from(this.values.stringAt(idx), 'utf8');
      this.values.truncate(idx);
      const at = this.internBytes(repaired, 0, repaired.length);
      this.values.invalidUtf8 = true;
      return at;
    }
    this.values.invalidUtf8 = flagged;
    this.slots[i] = idx;
    this.hashes[i] = h;
    if (this.values.length * 2 > this.slots.length) this.rehash();
    return idx;
  }

  internString(s: string): number {
    const hit = this.byString.get(s);
    if (hit !== undefined) return hit;
    const bytes = Buffer.from(s, 'utf8');
    const idx = this.internBytes(bytes, 0, bytes.length);
    this.byString.set(s, idx);
    return idx;
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    const slots = new Int32Array(size).fill(-1);
    const hashes = new Uint32Array(size);
    const mask = size - 1;
    const old = this.slots;
    for (let j = 0; j < old.length; j++) {
      const idx = old[j];
      if (idx === -1) continue;
      const h = this.hashes[j];
      let i = h & mask;
      while (slots[i] !== -1) i = (i + 1) & mask;
      slots[i] = idx;
      hashes[i] = h;
    }
    this.slots = slots;
    this.hashes = hashes;
  }

  reset(): void {
    this.values.reset();
    this.slots = new Int32Array(1024).fill(-1);
    this.hashes = new Uint32Array(1024);
    this.byString.clear();
  }
}
