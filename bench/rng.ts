/**
 * A small seeded PRNG (sfc32) for the bench data generator: the same seed always gives the same
 * bytes, on any machine. Math.random is never used.
 */
import { Sfc32 } from '../src/random/sfc32.js';

const HEX = '0123456789abcdef';
const HEX_UPPER = '0123456789ABCDEF';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class Rng extends Sfc32 {
  constructor(seed: number) {
    super(0x9e3779b9, 0x243f6a88, 0xb7e15162, seed >>> 0);
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    return this.nextUint32();
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let x = this.next() * total;
    for (const [v, w] of items) {
      x -= w;
      if (x < 0) return v;
    }
    return items[items.length - 1][0];
  }

  hex(n: number): string {
    return this.chars(HEX, n);
  }

  hexUpper(n: number): string {
    return this.chars(HEX_UPPER, n);
  }

  base64(n: number): string {
    return this.chars(BASE64, n);
  }

  alnum(n: number): string {
    return this.chars(ALNUM, n);
  }

  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${'89ab'[this.int(4)]}${this.hex(3)}-${this.hex(12)}`;
  }

  /** n characters from an alphabet of at most 64 symbols, 5 draws per 32-bit number. */
  private chars(alphabet: string, n: number): string {
    let s = '';
    let bits = 0;
    let pool = 0;
    for (let i = 0; i < n; i++) {
      if (bits < 6) {
        pool = this.u32();
        bits = 30;
      }
      s += alphabet[(pool & 63) % alphabet.length];
      pool >>>= 6;
      bits -= 6;
    }
    return s;
  }
}
