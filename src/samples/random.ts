/**
 * Seeded pseudo-random numbers for the sample generator (sfc32 seeded from a string hash).
 *
 * Every stream is identified by a key (`seed:root/workload/…`). `fork(label)` derives a child
 * stream from the parent's *key*, not from its current state, so adding draws to one workload
 * never shifts the output of another: the same seed gives byte-identical samples.
 */
import { Sfc32 } from '../random/sfc32.js';

export class Random extends Sfc32 {
  private constructor(readonly key: string) {
    super(...hash128(key));
  }

  static create(seed: number, label = 'root'): Random {
    return new Random(`${seed}:${label}`);
  }

  /** A stream that depends only on a fixed string (e.g. stable object sizes per key). */
  static fromKey(key: string): Random {
    return new Random(key);
  }

  fork(label: string): Random {
    return new Random(`${this.key}/${label}`);
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1][0];
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median; sigma is the spread in natural-log units. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 40) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  chars(length: number, alphabet: string): string {
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }

  hex(length: number, upper = false): string {
    return this.chars(length, upper ? '0123456789ABCDEF' : '0123456789abcdef');
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = this.nextUint32() & 0xff;
    return out;
  }

  /** An RFC 4122 version-4 shaped GUID (CloudTrail eventID). */
  uuid(): string {
    const h = this.hex(32);
    const variant = '89ab'[this.int(0, 3)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

export const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 128 bits of state from a string: four FNV-1a lanes, each finished with the murmur3 mixer. */
function hash128(key: string): [number, number, number, number] {
  const lanes: [number, number, number, number] = [0x811c9dc5, 0x050c5d1f, 0x6a09e667, 0x3c6ef372];
  for (let i = 0; i < key.length; i++) {
    const ch = key.charCodeAt(i);
    for (let l = 0; l < 4; l++) lanes[l] = Math.imul(lanes[l] ^ (ch + l * 0x9e37), 0x01000193);
  }
  for (let l = 0; l < 4; l++) {
    let h = lanes[l] ^ (key.length + l);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    lanes[l] = (h ^ (h >>> 16)) | 1;
  }
  return lanes;
}
