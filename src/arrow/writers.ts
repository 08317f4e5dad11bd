/**
 * One writer per column kind. Parsers append one value (or null) per row; the
 * batch builder pads columns a row did not set and turns the buffers into Arrow Data.
 */
import { makeData, makeVector, Utf8, type Data, type DataType } from 'apache-arrow';
import { DictionaryStorage, Utf8Storage, Validity } from './columns.js';

// One writer serves several Arrow types of the same physical layout (Int64 and Timestamp).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyType = any;

export interface ColumnWriter {
  length: number;
  appendNull(): void;
  finish(type: DataType): Data;
  reset(): void;
  truncate(rows: number): void;
}

function growInt32(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  let size = a.length * 2;
  while (size < need) size *= 2;
  const next = new Int32Array(size);
  next.set(a);
  return next;
}

function nullCountOf(v: Validity, length: number): number {
  let valid = 0;
  const bits = v.bits;
  const full = length >>> 3;
  for (let i = 0; i < full; i++) {
    let b = bits[i];
    b = b - ((b >> 1) & 0x55);
    b = (b & 0x33) + ((b >> 2) & 0x33);
    valid += (b + (b >> 4)) & 0x0f;
  }
  for (let r = full << 3; r < length; r++) if (bits[r >>> 3] & (1 << (r & 7))) valid++;
  return length - valid;
}

abstract class BaseWriter implements ColumnWriter {
  length = 0;
  protected validity = new Validity();

  abstract appendNull(): void;
  abstract finish(type: DataType): Data;

  protected markValid(): void {
    this.validity.set(this.length, true);
  }

  protected markNull(): void {
    this.validity.set(this.length, false);
  }

  protected nullBitmap(): { nullCount: number; nullBitmap: Uint8Array | undefined } {
    const nullCount = nullCountOf(this.validity, this.length);
    return { nullCount, nullBitmap: nullCount > 0 ? this.validity.slice(this.length) : undefined };
  }

  truncate(rows: number): void {
    this.length = rows;
  }

  reset(): void {
    this.length = 0;
    this.validity.reset();
  }
}

export class Utf8Writer extends BaseWriter {
  readonly storage = new Utf8Storage();

  appendBytes(src: Uint8Array, start: number, end: number): void {
    this.markValid();
    this.storage.pushBytes(src, start, end);
    this.length++;
  }

  appendString(s: string): void {
    this.markValid();
    this.storage.pushString(s);
    this.length++;
  }

  appendNull(): void {
    this.markNull();
    this.storage.pushEmpty();
    this.length++;
  }

  override truncate(rows: number): void {
    super.truncate(rows);
    this.storage.truncate(rows);
  }

  finish(type: DataType): Data {
    const { nullCount, nullBitmap } = this.nullBitmap();
    return makeData({
      type: type as Utf8,
      length: this.length,
      nullCount,
      nullBitmap,
      valueOffsets: this.storage.valueOffsets(),
      data: this.storage.values(),
    });
  }

  override reset(): void {
    super.reset();
    this.storage.reset();
  }
}

export class DictWriter extends BaseWriter {
  readonly dict = new DictionaryStorage();
  private indices = new Int32Array(1024);

  /** Intern a value once and append it many times with appendIndex (e.g. origin_uri). */
  intern(s: string): number {
    return this.dict.internString(s);
  }

  appendIndex(idx: number): void {
    this.indices = growInt32(this.indices, this.length + 1);
    this.markValid();
    this.indices[this.length++] = idx;
  }

  appendBytes(src: Uint8Array, start: number, end: number): void {
    this.appendIndex(this.dict.internBytes(src, start, end));
  }

  appendString(s: string): void {
    this.appendIndex(this.dict.internString(s));
  }

  appendNull(): void {
    this.indices = growInt32(this.indices, this.length + 1);
    this.markNull();
    this.indices[this.length++] = 0;
  }

  finish(type: DataType): Data {
    const { nullCount, nullBitmap } = this.nullBitmap();
    const values = this.dict.values;
    const dictionary = makeVector(
      makeData({ type: new Utf8(), length: values.length, nullCount: 0, valueOffsets: values.valueOffsets(), data: values.values() }),
    );
    return makeData({
      type: type as AnyType,
      length: this.length,
      nullCount,
      nullBitmap,
      data: this.indices.slice(0, this.length),
      dictionary,
    });
  }

  override reset(): void {
    super.reset();
    this.dict.reset();
  }
}

/** Int64-backed columns (timestamps, byte counts): two Int32 words per value, no BigInt on the hot path. */
export class Int64Writer extends BaseWriter {
  private words = new Int32Array(2048);

  append(v: number): void {
    this.words = growInt32(this.words, 2 * this.length + 2);
    this.markValid();
    const i = 2 * this.length++;
    if (v >= 0 && v <= 0x1fffffffffffff) {
      this.words[i] = v >>> 0;
      this.words[i + 1] = Math.floor(v / 4294967296);
    } else {
      const big = BigInt.asIntN(64, BigInt(Math.trunc(v)));
      this.words[i] = Number(big & 0xffffffffn) | 0;
      this.words[i + 1] = Number(BigInt.asIntN(32, big >> 32n));
    }
  }

  appendNull(): void {
    this.words = growInt32(this.words, 2 * this.length + 2);
    this.markNull();
    const i = 2 * this.length++;
    this.words[i] = 0;
    this.words[i + 1] = 0;
  }

  finish(type: DataType): Data {
    const { nullCount, nullBitmap } = this.nullBitmap();
    const data = new BigInt64Array(this.words.slice(0, 2 * this.length).buffer);
    return makeData({ type: type as AnyType, length: this.length, nullCount, nullBitmap, data });
  }
}

export class Int32Writer extends BaseWriter {
  private values = new Int32Array(1024);

  append(v: number): void {
    this.values = growInt32(this.values, this.length + 1);
    this.markValid();
    this.values[this.length++] = v;
  }

  appendNull(): void {
    this.values = growInt32(this.values, this.length + 1);
    this.markNull();
    this.values[this.length++] = 0;
  }

  finish(type: DataType): Data {
    const { nullCount, nullBitmap } = this.nullBitmap();
    return makeData({ type: type as AnyType, length: this.length, nullCount, nullBitmap, data: this.values.slice(0, this.length) });
  }
}

export class Int16Writer extends BaseWriter {
  private values = new Int16Array(1024);

  append(v: number): void {
    if (this.length >= this.values.length) {
      const next = new Int16Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.markValid();
    this.values[this.length++] = v;
  }

  appendNull(): void {
    this.append(0);
    this.length--;
    this.markNull();
    this.length++;
  }

  finish(type: DataType): Data {
    const { nullCount, nullBitmap } = this.nullBitmap();
    return makeData({ type: type as AnyType, length: this.length, nullCount, nullBitmap, data: this.values.slice(0, this.length) });
  }
}

export class BoolWriter extends BaseWriter {
  private bits = new Validity();

  append(v: boolean): void {
    this.markValid();
    this.bits.set(this.length++, v);
  }

  appendNull(): void {
    this.markNull();
    this.bits.set(this.length++, false);
  }

  finish(type: DataType): Data {
    const { nullCount, nullBitmap } = this.nullBitmap();
    return makeData({ type: type as AnyType, length: this.length, nullCount, nullBitmap, data: this.bits.slice(this.length) });
  }

  override reset(): void {
    super.reset();
    this.bits.reset();
  }
}
