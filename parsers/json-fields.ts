/**
 * The set of JSON fields a selective scan captures, compiled once into flat typed arrays.
 *
 * A spec is a tree: a leaf (`true`) captures its value's type and byte range; an object is a
 * holder that captures its own range and is descended into for its children; `'stream'` marks a
 * top-level array the scanner may stop at so its elements can be streamed (`{"Records":[…]}`).
 * Slots are numbered depth-first, so a holder's descendants are the slots right after it and a
 * repeated holder can reset them with one `fill`.
 */

export type FieldSpec = { readonly [key: string]: true | 'stream' | FieldSpec };

/** Key lookup: the key's length, first, last and third-from-last byte, hashed into a small table. */
export const TABLE_BITS = 9;

export class FieldSchema {
  readonly slotCount: number;
  /** Child context of a holder slot, or -1. */
  readonly child: Int16Array;
  /** Number of descendant slots of a holder (0 for leaves). */
  readonly descendants: Int16Array;
  /** 1 for a streamable top-level array slot. */
  readonly stream: Uint8Array;
  /** Key bytes per slot, for the full compare after a table hit. */
  readonly keys: Uint8Array[];
  /**
   * The same keys as little-endian 32-bit words at offsets 0, 4, 8 … and a last (overlapping) word
   * at len − 4, so a key of length ≥ 4 is confirmed with ⌈len/4⌉ unaligned reads.
   */
  readonly keyWords: Int32Array;
  readonly keyWordStart: Int32Array;
  /** `table[ctx << TABLE_BITS | hash]` → slot, or -1. */
  readonly table: Int16Array;
  readonly multiplier: number;
  private readonly paths = new Map<string, number>();

  constructor(spec: FieldSpec) {
    const child: number[] = [];
    const descendants: number[] = [];
    const stream: number[] = [];
    const keys: Uint8Array[] = [];
    const contexts: number[][] = [];
    const addContext = (node: FieldSpec, prefix: string): number => {
      const ctx = contexts.length;
      const members: number[] = [];
      contexts.push(members);
      for (const [key, value] of Object.entries(node)) {
        const slot = keys.length;
        members.push(slot);
        keys.push(new Uint8Array(Buffer.from(key, 'utf8')));
        child.push(-1);
        descendants.push(0);
        stream.push(value === 'stream' ? 1 : 0);
        const path = prefix + key;
        this.paths.set(path, slot);
        if (typeof value === 'object') {
          child[slot] = addContext(value, path + '.');
          descendants[slot] = keys.length - slot - 1;
        }
      }
      return ctx;
    };
    addContext(spec, '');
    this.slotCount = keys.length;
    this.child = Int16Array.from(child);
    this.descendants = Int16Array.from(descendants);
    this.stream = Uint8Array.from(stream);
    this.keys = keys;
    const words: number[] = [];
    const wordStart: number[] = [];
    for (const k of keys) {
      wordStart.push(words.length);
      if (k.length < 4) continue;
      const view = new DataView(k.buffer, k.byteOffset, k.length);
      for (let o = 0; o < k.length - 4; o += 4) words.push(view.getInt32(o, true));
      words.push(view.getInt32(k.length - 4, true));
    }
    wordStart.push(words.length);
    this.keyWords = Int32Array.from(words);
    this.keyWordStart = Int32Array.from(wordStart);
    const found = findMultiplier(contexts, keys);
    this.multiplier = found.multiplier;
    this.table = found.table;
  }

  /** Slot of a dotted path such as `userIdentity.sessionContext.sessionIssuer.arn`. */
  slot(path: string): number {
    const s = this.paths.get(path);
    if (s === undefined) throw new Error(`no field ${path} in the schema`);
    return s;
  }
}

/** The key signature the scanner computes from bytes; it must equal this for the key's own bytes. */
export function keyHash(len: number, first: number, last: number, thirdLast: number, multiplier: number): number {
  return Math.imul(len | (first << 8) | (last << 16) | (thirdLast << 24), multiplier) >>> (32 - TABLE_BITS);
}

function findMultiplier(contexts: number[][], keys: Uint8Array[]): { multiplier: number; table: Int16Array } {
  const table = new Int16Array(contexts.length << TABLE_BITS);
  // Deterministic search over odd multipliers; a handful of keys per context makes the first try likely.
  let m = 0x9e3779b1 | 0;
  for (let attempt = 0; attempt < 10_000; attempt++, m = (Math.imul(m, 0x5851f42d) + 0x14057b7f) | 1) {
    table.fill(-1);
    let ok = true;
    for (let ctx = 0; ctx < contexts.length && ok; ctx++) {
      for (const slot of contexts[ctx]) {
        const k = keys[slot];
        // The byte before a key's first byte is its opening quote, so short keys stay deterministic.
        const thirdLast = k.length >= 3 ? k[k.length - 3] : k.length === 2 ? 0x22 : -1;
        if (thirdLast < 0) throw new Error('one-byte keys are not supported by the field schema');
        const i = (ctx << TABLE_BITS) | keyHash(k.length, k[0], k[k.length - 1], thirdLast, m);
        if (table[i] !== -1) {
          ok = false;
          break;
        }
        table[i] = slot;
      }
    }
    if (ok) return { multiplier: m, table };
  }
  throw new Error('no collision-free key table found');
}
