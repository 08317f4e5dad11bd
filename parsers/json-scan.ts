/**
 * Selective JSON scanner: walks one object on raw bytes, records the type and byte range of the
 * fields a `FieldSchema` asks for, and skips everything else structurally (quotes, escapes and
 * bracket depth only). It finds the end of the object as it goes, so the splitter never walks a
 * record twice. No strings, objects or exceptions on the way.
 *
 * Leniency (by design, for speed): skipped values are not validated — a bad literal, a raw
 * control character or a mismatched bracket type inside a value nobody reads is not noticed.
 * Everything on the path to a captured value is checked.
 */
import { TABLE_BITS, keyHash, type FieldSchema } from './json-fields.js';

/** Not enough bytes: the object continues past `limit`. */
export const NEED_MORE = -1;
/** The bytes are not JSON. */
export const SYNTAX_ERROR = -2;
/** A streamable array was found at the top level; its first element starts at `streamAt`. */
export const STREAM_ARRAY = -3;

/** Value kinds recorded per slot. */
export const ABSENT = 0;
export const STRING = 1;
/** A string containing backslash escapes: decode before use. */
export const ESCAPED_STRING = 2;
export const NUMBER = 3;
export const TRUE = 4;
export const FALSE = 5;
export const NULL = 6;
export const OBJECT = 7;
export const ARRAY = 8;

/** Holders nest as deep as the schema does; this bounds the stack. */
const MAX_HOLDER_DEPTH = 16;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Characters that may appear in a JSON number (the grammar is checked only when a number is used). */
function isNumberByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}

/** Position after the literal starting at `i`, or an error code. */
function skipLiteral(b: Uint8Array, i: number, limit: number): number {
  const c = b[i];
  const n = c === 0x66 ? 5 : 4; // false : true / null
  if (i + n > limit) {
    // Still report garbage early when the available prefix already mismatches.
    for (let k = 1; i + k < limit; k++) if (b[i + k] !== literalByte(c, k)) return SYNTAX_ERROR;
    return NEED_MORE;
  }
  for (let k = 1; k < n; k++) if (b[i + k] !== literalByte(c, k)) return SYNTAX_ERROR;
  return i + n;
}

function literalByte(first: number, k: number): number {
  return first === 0x74 ? TRUE_BYTES[k] : first === 0x66 ? FALSE_BYTES[k] : NULL_BYTES[k];
}
const ascii = new TextEncoder();
const TRUE_BYTES = ascii.encode('true');
const FALSE_BYTES = ascii.encode('false');
const NULL_BYTES = ascii.encode('null');

/** Skip an object or array starting at `i` (its opening bracket). Returns the position after it. */
export function skipComposite(b: Uint8Array, i: number, limit: number): number {
  let depth = 1;
  i++;
  for (;;) {
    if (i >= limit) return NEED_MORE;
    const c = b[i++];
    if (c === QUOTE) {
      for (;;) {
        if (i >= limit) return NEED_MORE;
        const d = b[i++];
        if (d === QUOTE) break;
        if (d === BACKSLASH) i++;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth === 0) return i;
    }
  }
}

/** Skip any JSON value starting at `i` (no leading whitespace). Returns the position after it. */
export function skipValue(b: Uint8Array, i: number, limit: number): number {
  if (i >= limit) return NEED_MORE;
  const c = b[i];
  if (c === QUOTE) {
    i++;
    for (;;) {
      if (i >= limit) return NEED_MORE;
      const d = b[i++];
      if (d === QUOTE) return i;
      if (d === BACKSLASH) i++;
    }
  }
  if (c === OPEN_BRACE || c === OPEN_BRACKET) return skipComposite(b, i, limit);
  if (c === 0x74 || c === 0x66 || c === 0x6e) return skipLiteral(b, i, limit);
  if (!isNumberByte(c)) return SYNTAX_ERROR;
  while (i < limit && isNumberByte(b[i])) i++;
  return i < limit ? i : NEED_MORE;
}

export function skipSpace(b: Uint8Array, i: number, limit: number): number {
  while (i < limit && isSpace(b[i])) i++;
  return i;
}

export class SelectiveScanner {
  /** Per slot: value kind (ABSENT when the field did not occur). */
  readonly kind: Uint8Array;
  /** Per slot: value start (strings: after the opening quote) and end (strings: at the closing quote). */
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** After STREAM_ARRAY: position just after the array's `[`. */
  streamAt = 0;
  /** A key in a scanned context contained an escape: the slots may miss a field; use the slow path. */
  escapedKey = false;

  private readonly child: Int16Array;
  private readonly descendants: Int16Array;
  private readonly stream: Uint8Array;
  private readonly keys: Uint8Array[];
  private readonly keyWords: Int32Array;
  private readonly keyWordStart: Int32Array;
  private readonly table: Int16Array;
  /** Unaligned word reads over the buffer of the last scan (key confirmation; callers may use it too). */
  view: DataView = new DataView(new ArrayBuffer(0));
  private viewOf: Uint8Array | null = null;
  private readonly multiplier: number;
  /** Open holders while scanning: their slot, start position and enclosing context. */
  private readonly holderSlot = new Int32Array(MAX_HOLDER_DEPTH);
  private readonly holderStart = new Int32Array(MAX_HOLDER_DEPTH);
  private readonly holderCtx = new Int32Array(MAX_HOLDER_DEPTH);

  constructor(schema: FieldSchema) {
    this.kind = new Uint8Array(schema.slotCount);
    this.start = new Int32Array(schema.slotCount);
    this.end = new Int32Array(schema.slotCount);
    this.child = schema.child;
    this.descendants = schema.descendants;
    this.stream = schema.stream;
    this.keys = schema.keys;
    this.keyWords = schema.keyWords;
    this.keyWordStart = schema.keyWordStart;
    this.table = schema.table;
    this.multiplier = schema.multiplier;
  }

  /**
   * Scan the object starting at `b[pos]` (which must be `{`). Returns the position after it, or
   * NEED_MORE / SYNTAX_ERROR / STREAM_ARRAY (only when `allowStream`).
   *
   * One loop with an explicit stack of open holders rather than recursion: a recursive walker,
   * inlined into itself, deoptimised on rare paths and sometimes never re-optimised (V8 kept only
   * its OSR code), which made throughput swing between runs by up to 4×.
   */
  scan(b: Uint8Array, pos: number, limit: number, allowStream: boolean): number {
    const kind = this.kind;
    kind.fill(ABSENT);
    this.escapedKey = false;
    if (b !== this.viewOf) {
      this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      this.viewOf = b;
    }
    const holderSlot = this.holderSlot;
    const holderStart = this.holderStart;
    const holderCtx = this.holderCtx;
    let depth = 0;
    let ctx = 0;
    let i = skipSpace(b, pos + 1, limit);
    if (i >= limit) return NEED_MORE;
    let c = b[i];
    // `c` is the byte at `i`: a key's opening quote, or `}` closing the current object.
    for (;;) {
      if (c === CLOSE_BRACE) {
        i++;
        if (depth === 0) return i;
        depth--;
        const slot = holderSlot[depth];
        kind[slot] = OBJECT;
        this.start[slot] = holderStart[depth];
        this.end[slot] = i;
        ctx = holderCtx[depth];
      } else {
        if (c !== QUOTE) return SYNTAX_ERROR;
        const ks = ++i;
        let escaped = false;
        for (;;) {
          if (i >= limit) return NEED_MORE;
          const d = b[i];
          if (d === QUOTE) break;
          if (d === BACKSLASH) {
            escaped = true;
            i += 2;
          } else i++;
        }
        const ke = i;
        if (b[i + 1] === COLON && i + 2 < limit && !isSpace(b[i + 2])) {
          // Minified `"key":value`, the common case.
          i += 2;
        } else {
          i = skipSpace(b, i + 1, limit);
          if (i >= limit) return NEED_MORE;
          if (b[i] !== COLON) return SYNTAX_ERROR;
          i = skipSpace(b, i + 1, limit);
          if (i >= limit) return NEED_MORE;
        }
        let slot = -1;
        if (escaped) this.escapedKey = true;
        else slot = this.lookup(b, ks, ke, ctx);
        const v = b[i];
        if (slot < 0) {
          if (v === QUOTE) {
            // Most skipped values are strings: skip them here rather than through a call.
            i++;
            for (;;) {
              if (i >= limit) return NEED_MORE;
              const d = b[i];
              i++;
              if (d === QUOTE) break;
              if (d === BACKSLASH) i++;
            }
          } else {
            i = skipValue(b, i, limit);
            if (i < 0) return i;
          }
        } else {
          const desc = this.descendants[slot];
          if (desc > 0) kind.fill(ABSENT, slot + 1, slot + 1 + desc);
          if (v === QUOTE) {
            const vs = i + 1;
            let k = STRING;
            i = vs;
            for (;;) {
              if (i >= limit) return NEED_MORE;
              const d = b[i];
              if (d === QUOTE) break;
              if (d === BACKSLASH) {
                k = ESCAPED_STRING;
                i += 2;
              } else i++;
            }
            kind[slot] = k;
            this.start[slot] = vs;
            this.end[slot] = i;
            i++;
          } else if (v === OPEN_BRACE && this.child[slot] >= 0) {
            // Descend into a holder; its slot is filled in when its `}` is reached.
            if (depth === MAX_HOLDER_DEPTH) return SYNTAX_ERROR;
            holderSlot[depth] = slot;
            holderStart[depth] = i;
            holderCtx[depth] = ctx;
            depth++;
            ctx = this.child[slot];
            kind[slot] = ABSENT;
            i = skipSpace(b, i + 1, limit);
            if (i >= limit) return NEED_MORE;
            c = b[i];
            continue;
          } else {
            const vs = i;
            if (v === OPEN_BRACKET && allowStream && depth === 0 && this.stream[slot] === 1) {
              kind[slot] = ARRAY;
              this.streamAt = i + 1;
              return STREAM_ARRAY;
            }
            kind[slot] = v === OPEN_BRACE ? OBJECT : v === OPEN_BRACKET ? ARRAY : v === 0x74 ? TRUE : v === 0x66 ? FALSE : v === 0x6e ? NULL : NUMBER;
            i = skipValue(b, i, limit);
            if (i < 0) return i;
            this.start[slot] = vs;
            this.end[slot] = i;
          }
        }
      }
      // After a value: `,` and the next key, or `}`.
      if (i >= limit) return NEED_MORE;
      c = b[i];
      if (c === COMMA && i + 1 < limit && b[i + 1] === QUOTE) {
        // Minified `,"next"`.
        c = QUOTE;
        i++;
        continue;
      }
      if (isSpace(c)) {
        i = skipSpace(b, i, limit);
        if (i >= limit) return NEED_MORE;
        c = b[i];
      }
      if (c === COMMA) {
        i = skipSpace(b, i + 1, limit);
        if (i >= limit) return NEED_MORE;
        c = b[i];
        if (c !== QUOTE) return SYNTAX_ERROR;
      } else if (c !== CLOSE_BRACE) {
        return SYNTAX_ERROR;
      }
    }
  }

  /**
   * Run every path of the walker once, on a sample that has them all, so its first optimisation
   * sees complete type feedback. Otherwise the first rare byte after optimisation (an escape in a
   * skipped string, say) deoptimises it, and V8 11 then sometimes keeps only on-stack-replacement
   * code for it: throughput stayed at half or less for the rest of the process.
   */
  warmUp(samples: readonly string[]): void {
    // Few calls, so nothing gets optimised before every path has run.
    for (const text of samples) {
      const bytes = new Uint8Array(Buffer.from(text, 'utf8'));
      this.scan(bytes, 0, bytes.length, true);
      this.scan(bytes, 0, bytes.length >>> 1, true);
    }
    this.kind.fill(ABSENT);
  }

  private lookup(b: Uint8Array, ks: number, ke: number, ctx: number): number {
    const len = ke - ks;
    if (len < 2) return -1;
    const h = keyHash(len, b[ks], b[ke - 1], b[ke - 3], this.multiplier);
    const slot = this.table[(ctx << TABLE_BITS) | h];
    if (slot < 0) return -1;
    const key = this.keys[slot];
    if (key.length !== len) return -1;
    if (len < 4) {
      for (let j = 0; j < len; j++) if (key[j] !== b[ks + j]) return -1;
      return slot;
    }
    const view = this.view;
    const words = this.keyWords;
    let w = this.keyWordStart[slot];
    let o = ks;
    const lastWord = ke - 4;
    for (; o < lastWord; o += 4) if (view.getInt32(o, true) !== words[w++]) return -1;
    return view.getInt32(lastWord, true) === words[w] ? slot : -1;
  }
}
