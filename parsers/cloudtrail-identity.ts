/**
 * userIdentity → normalised principal, cached per distinct identity. The cache key is the raw
 * bytes of the fields the normalisation reads (hashed from a few words, confirmed by a full
 * compare), so a repeating identity costs no strings; each entry also keeps its principal columns
 * ready to append (UTF-8 bytes, and dictionary indices valid for the current batch).
 */
import { normalizeUserIdentity, type NormalizedPrincipal, type UserIdentityFields } from './principal.js';
import { F } from './cloudtrail-fields.js';
import { utf8Bytes, type ValueReader } from './cloudtrail-values.js';
import { ABSENT, NULL, OBJECT, STRING, type SelectiveScanner } from './json-scan.js';

/** The userIdentity fields normalizeUserIdentity reads. */
const IDENTITY_SLOTS = Int16Array.from([F.uiType, F.uiArn, F.uiAccountId, F.uiPrincipalId, F.uiUserName, F.uiInvokedBy, F.issuerType, F.issuerArn]);
const MAX_FIELD_BYTES = 0xffff;

export class IdentityEntry {
  readonly arnBytes: Uint8Array | null;
  readonly sessionBytes: Uint8Array | null;
  /** Batch generation the dictionary indices below belong to. */
  generation = -1;
  principalIndex = 0;
  typeIndex = -1;
  accountIndex = -1;

  constructor(
    readonly principal: NormalizedPrincipal,
    /** A field the normalisation read had invalid UTF-8 (repaired in the values above). */
    readonly invalidUtf8: boolean,
  ) {
    this.arnBytes = principal.arn === null ? null : utf8Bytes(principal.arn);
    this.sessionBytes = principal.session === null ? null : utf8Bytes(principal.session);
  }
}

function mix(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x5bd1e995);
  return h ^ (h >>> 15);
}

export class IdentityCache {
  /** Keys of all entries, back to back: per field its kind, and for strings a 2-byte length and the bytes. */
  private arena = new Uint8Array(1 << 16);
  private arenaView = new DataView(this.arena.buffer);
  private arenaUsed = 0;
  private keyStart: number[] = [];
  private entries: IdentityEntry[] = [];
  private slots = new Int32Array(1024).fill(-1);
  private hashes = new Int32Array(1024);

  constructor(
    private readonly sc: SelectiveScanner,
    private readonly values: ValueReader,
    private readonly maxEntries = 50_000,
  ) {}

  /** The identity of the record the scanner just described (in `buf`). */
  lookup(buf: Uint8Array): IdentityEntry {
    const sc = this.sc;
    const kind = sc.kind;
    const view = sc.view;
    const present = kind[F.userIdentity] === OBJECT;
    let h = present ? 0x2545f491 : 0x3c6ef372;
    for (let f = 0; f < IDENTITY_SLOTS.length; f++) {
      const slot = IDENTITY_SLOTS[f];
      const k = kind[slot];
      if (k === STRING) {
        const s = sc.start[slot];
        const e = sc.end[slot];
        const len = e - s;
        if (len > MAX_FIELD_BYTES) return this.uncached(present);
        h = mix(h, len + 16);
        if (len >= 8) h = mix(mix(h, view.getInt32(e - 4, true)), view.getInt32(e - 8, true));
        else for (let j = s; j < e; j++) h = mix(h, buf[j]);
      } else if (k === ABSENT || k === NULL || k >= OBJECT) {
        // Reads as null: keyed by its kind alone.
        h = mix(h, k);
      } else {
        // Escapes and numbers/booleans are decoded the slow way, uncached.
        return this.uncached(present);
      }
    }
    const mask = this.slots.length - 1;
    let i = h & mask;
    for (;;) {
      const idx = this.slots[i];
      if (idx === -1) break;
      if (this.hashes[i] === h && this.matches(idx, buf, view, present)) return this.entries[idx];
      i = (i + 1) & mask;
    }
    if (this.entries.length >= this.maxEntries) {
      this.clear();
      i = h & (this.slots.length - 1);
    }
    const entry = this.uncached(present);
    const idx = this.entries.length;
    this.entries.push(entry);
    this.store(buf, present);
    this.slots[i] = idx;
    this.hashes[i] = h;
    if (this.entries.length * 2 > this.slots.length) this.rehash();
    return entry;
  }

  private matches(idx: number, buf: Uint8Array, view: DataView, present: boolean): boolean {
    const sc = this.sc;
    const a = this.arena;
    const av = this.arenaView;
    let p = this.keyStart[idx];
    if (a[p++] !== (present ? 1 : 0)) return false;
    for (let f = 0; f < IDENTITY_SLOTS.length; f++) {
      const slot = IDENTITY_SLOTS[f];
      const k = sc.kind[slot];
      if (a[p++] !== k) return false;
      if (k !== STRING) continue;
      const s = sc.start[slot];
      const len = sc.end[slot] - s;
      if ((a[p] | (a[p + 1] << 8)) !== len) return false;
      p += 2;
      let o = 0;
      for (; o + 4 <= len; o += 4) if (av.getInt32(p + o, true) !== view.getInt32(s + o, true)) return false;
      for (; o < len; o++) if (a[p + o] !== buf[s + o]) return false;
      p += len;
    }
    return true;
  }

  private store(buf: Uint8Array, present: boolean): void {
    const sc = this.sc;
    let need = 1 + IDENTITY_SLOTS.length * 3;
    for (let f = 0; f < IDENTITY_SLOTS.length; f++) {
      const slot = IDENTITY_SLOTS[f];
      if (sc.kind[slot] === STRING) need += sc.end[slot] - sc.start[slot];
    }
    if (this.arenaUsed + need > this.arena.length) {
      const next = new Uint8Array(Math.max(2 * this.arena.length, this.arenaUsed + need));
      next.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = next;
      this.arenaView = new DataView(next.buffer);
    }
    const a = this.arena;
    let p = this.arenaUsed;
    this.keyStart.push(p);
    a[p++] = present ? 1 : 0;
    for (let f = 0; f < IDENTITY_SLOTS.length; f++) {
      const slot = IDENTITY_SLOTS[f];
      const k = sc.kind[slot];
      a[p++] = k;
      if (k !== STRING) continue;
      const s = sc.start[slot];
      const len = sc.end[slot] - s;
      a[p++] = len & 0xff;
      a[p++] = len >>> 8;
      a.set(buf.subarray(s, s + len), p);
      p += len;
    }
    this.arenaUsed = p;
  }

  private uncached(present: boolean): IdentityEntry {
    const v = this.values;
    const before = v.invalidUtf8;
    v.invalidUtf8 = false;
    const principal = this.normalize(present);
    const entry = new IdentityEntry(principal, v.invalidUtf8);
    v.invalidUtf8 ||= before;
    return entry;
  }

  private normalize(present: boolean): NormalizedPrincipal {
    if (!present) return normalizeUserIdentity({ present: false });
    const v = this.values;
    const fields: UserIdentityFields = {
      present: true,
      type: v.text(F.uiType),
      arn: v.text(F.uiArn),
      accountId: v.text(F.uiAccountId),
      principalId: v.text(F.uiPrincipalId),
      userName: v.text(F.uiUserName),
      invokedBy: v.text(F.uiInvokedBy),
      issuerType: v.text(F.issuerType),
      issuerArn: v.text(F.issuerArn),
    };
    return normalizeUserIdentity(fields);
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    const slots = new Int32Array(size).fill(-1);
    const hashes = new Int32Array(size);
    const mask = size - 1;
    for (let j = 0; j < this.slots.length; j++) {
      const idx = this.slots[j];
      if (idx === -1) continue;
      let i = this.hashes[j] & mask;
      while (slots[i] !== -1) i = (i + 1) & mask;
      slots[i] = idx;
      hashes[i] = this.hashes[j];
    }
    this.slots = slots;
    this.hashes = hashes;
  }

  private clear(): void {
    this.arenaUsed = 0;
    this.keyStart = [];
    this.entries = [];
    this.slots = new Int32Array(1024).fill(-1);
    this.hashes = new Int32Array(1024);
  }
}
