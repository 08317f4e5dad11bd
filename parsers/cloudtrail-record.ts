/**
 * One scanned CloudTrail record → one row of the event schema, written straight from the bytes.
 * Column mapping: DESIGN.md "The event schema" (CloudTrail column).
 */
import type { EventBatchBuilder } from '../src/arrow/batch-builder.js';
import type { Utf8Storage } from '../src/arrow/columns.js';
import { DictWriter, Utf8Writer } from '../src/arrow/writers.js';
import { LOG_KIND } from '../src/schema.js';
import { F } from './cloudtrail-fields.js';
import { IdentityCache } from './cloudtrail-identity.js';
import { parseEventTime } from './cloudtrail-time.js';
import { ValueReader, isText } from './cloudtrail-values.js';
import { ABSENT, ESCAPED_STRING, NULL, OBJECT, STRING, type SelectiveScanner } from './json-scan.js';

export const enum WriteResult {
  Written,
  /** Written with a null time: eventTime is missing. */
  WrittenWithoutTime,
  /** Written with a null time: eventTime is present but not a time (e.g. "redacted"). */
  WrittenWithInvalidTime,
  /** Not written: a schema placeholder whose eventTime is the literal "eventTime", not an event. */
  Placeholder,
  /** Not written: a string escape is invalid, so the record is not JSON. */
  BadEscape,
}

const INSIGHT = 'AwsCloudTrailInsight';
const OPEN_SQUARE = 0x5b;
const CLOSE_SQUARE = 0x5d;

const MEMO_BYTES = 64;
const MEMO_ENTRIES = 4;

/**
 * The last few values appended to a dictionary column and their indices: these columns take few
 * distinct values (regions, accounts, TLS versions, actions), and a compare is cheaper than the
 * dictionary's hash and probe.
 */
class DictMemo {
  private readonly bytes = new Uint8Array(MEMO_BYTES * MEMO_ENTRIES);
  private readonly lengths = new Int32Array(MEMO_ENTRIES).fill(-1);
  private readonly indices = new Int32Array(MEMO_ENTRIES);
  private generation = -1;
  private next = 0;

  append(w: DictWriter, src: Uint8Array, start: number, end: number, generation: number): void {
    const n = end - start;
    const bytes = this.bytes;
    const lengths = this.lengths;
    if (generation !== this.generation) {
      lengths.fill(-1);
      this.generation = generation;
    }
    for (let e = 0; e < MEMO_ENTRIES; e++) {
      if (lengths[e] !== n) continue;
      const base = e * MEMO_BYTES;
      let j = 0;
      while (j < n && bytes[base + j] === src[start + j]) j++;
      if (j === n) {
        w.appendIndex(this.indices[e]);
        return;
      }
    }
    const index = w.dict.internBytes(src, start, end);
    w.appendIndex(index);
    if (n > MEMO_BYTES) return;
    const e = this.next;
    const base = e * MEMO_BYTES;
    let high = 0;
    for (let j = 0; j < n; j++) {
      const c = src[start + j];
      bytes[base + j] = c;
      high |= c;
    }
    // Invalid UTF-8 must reach the dictionary every time so the row is flagged; only ASCII is memoised.
    if (high >= 0x80) {
      lengths[e] = -1;
      return;
    }
    lengths[e] = n;
    this.indices[e] = index;
    this.next = (e + 1) % MEMO_ENTRIES;
  }
}

/** The log object rows come from: its URI and that URI's dictionary index in the current batch. */
export class RowOrigin {
  index = 0;
  generation = -1;

  constructor(readonly uri: string) {}
}

/**
 * One per batch builder, shared by the parsers of successive objects so that per-object setup is
 * nearly free (small files are common) and the identity cache stays warm across files.
 */
export class CloudTrailRowWriter {
  readonly values: ValueReader;
  /** Set by the last write: a written value had invalid UTF-8 (replaced with U+FFFD). */
  invalidUtf8 = false;
  private readonly identities: IdentityCache;
  private readonly storages: Utf8Storage[];
  private readonly memo = {
    event_source: new DictMemo(),
    action: new DictMemo(),
    invoked_by: new DictMemo(),
    region: new DictMemo(),
    bucket: new DictMemo(),
    owner_account: new DictMemo(),
    error_code: new DictMemo(),
    tls_version: new DictMemo(),
    cipher_suite: new DictMemo(),
    signature_version: new DictMemo(),
    auth_type: new DictMemo(),
    event_type: new DictMemo(),
  };
  /** Counts batches: dictionary indices cached anywhere are valid only for the generation they were made in. */
  private generation = 0;
  /** The builder generation the cached dictionary indices belong to. */
  private builderGeneration = -1;
  private kindIndex = 0;
  private buf: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly sc: SelectiveScanner,
    private readonly builder: EventBatchBuilder,
  ) {
    this.values = new ValueReader(sc);
    this.identities = new IdentityCache(sc, this.values);
    this.storages = [];
    for (const w of Object.values(builder.cols) as unknown[]) {
      if (w instanceof Utf8Writer) this.storages.push(w.storage);
      else if (w instanceof DictWriter) this.storages.push(w.dict.values);
    }
    this.newBatch();
  }

  /**
   * Append the record the scanner just described. `at` goes to origin_index. Returns whether the
   * row was written; a row that fills the batch is left for the caller to flush (`builder.rows`).
   */
  write(buf: Uint8Array, at: number, origin: RowOrigin): WriteResult {
    const sc = this.sc;
    const kind = sc.kind;
    const v = this.values;
    this.buf = buf;
    v.reset(buf);
    this.clearInvalidUtf8();

    let time = NaN;
    const tk = kind[F.eventTime];
    const missingTime = tk === ABSENT || tk === NULL;
    if (tk === STRING) time = parseEventTime(buf, sc.start[F.eventTime], sc.end[F.eventTime]);
    else if (tk === ESCAPED_STRING) {
      const t = v.text(F.eventTime);
      if (t !== null) {
        const bytes = Buffer.from(t, 'utf8');
        time = parseEventTime(bytes, 0, bytes.length);
      }
    }
    const invalidTime = !missingTime && Number.isNaN(time);
    if (invalidTime && v.badEscape) return WriteResult.BadEscape;
    if (invalidTime && v.text(F.eventTime) === 'eventTime') return WriteResult.Placeholder;

    const b = this.builder;
    const cols = b.cols;
    if (b.generation !== this.builderGeneration) this.newBatch();
    if (origin.generation !== this.generation) {
      origin.index = cols.origin_uri.intern(origin.uri);
      origin.generation = this.generation;
    }
    if (!missingTime && !invalidTime) cols.time.append(time);
    cols.log_kind.appendIndex(this.kindIndex);

    const insight = kind[F.insightDetails] === OBJECT;
    this.dict(cols.event_source, this.memo.event_source, insight && isText(kind[F.insightEventSource]) ? F.insightEventSource : F.eventSource);
    this.dict(cols.action, this.memo.action, insight && isText(kind[F.insightEventName]) ? F.insightEventName : F.eventName);

    const id = this.identities.lookup(buf);
    if (id.generation !== this.generation) {
      const p = id.principal;
      id.principalIndex = cols.principal.intern(p.principal);
      id.typeIndex = p.type === null ? -1 : cols.principal_type.intern(p.type);
      id.accountIndex = p.account === null ? -1 : cols.principal_account.intern(p.account);
      id.generation = this.generation;
    }
    cols.principal.appendIndex(id.principalIndex);
    if (id.typeIndex >= 0) cols.principal_type.appendIndex(id.typeIndex);
    if (id.accountIndex >= 0) cols.principal_account.appendIndex(id.accountIndex);
    if (id.arnBytes !== null) cols.principal_arn.appendBytes(id.arnBytes, 0, id.arnBytes.length);
    if (id.sessionBytes !== null) cols.session_name.appendBytes(id.sessionBytes, 0, id.sessionBytes.length);
    this.dict(cols.invoked_by, this.memo.invoked_by, F.uiInvokedBy);

    this.accessKeyId(cols.access_key_id);
    this.utf8(cols.source_ip, F.sourceIPAddress);
    this.userAgent(cols.user_agent);
    this.dict(cols.region, this.memo.region, F.awsRegion);
    this.dict(cols.bucket, this.memo.bucket, F.bucketName);
    this.utf8(cols.object_key, F.key);
    this.dict(cols.owner_account, this.memo.owner_account, F.recipientAccountId);
    this.dict(cols.error_code, this.memo.error_code, F.errorCode);
    const out = v.integer(F.bytesOut);
    if (out !== null) cols.bytes_out.append(out);
    const inn = v.integer(F.bytesIn);
    if (inn !== null) cols.bytes_in.append(inn);
    this.dict(cols.tls_version, this.memo.tls_version, F.tlsVersion);
    this.dict(cols.cipher_suite, this.memo.cipher_suite, isText(kind[F.tlsCipherSuite]) ? F.tlsCipherSuite : F.aedCipherSuite);
    this.dict(cols.signature_version, this.memo.signature_version, F.signatureVersion);
    this.dict(cols.auth_type, this.memo.auth_type, F.authenticationMethod);
    this.utf8(cols.request_id, F.requestID);
    this.utf8(cols.host_id, F.hostId);
    this.utf8(cols.event_id, F.eventID);
    const readOnly = v.boolean(F.readOnly);
    if (readOnly !== null) cols.read_only.append(readOnly);
    if (isText(kind[F.eventType])) this.dict(cols.event_type, this.memo.event_type, F.eventType);
    else if (insight) cols.event_type.appendString(INSIGHT);
    this.utf8(cols.vpc_endpoint_id, F.vpcEndpointId);
    this.rawJson(cols.request_parameters, F.requestParameters);
    cols.origin_uri.appendIndex(origin.index);
    cols.origin_index.append(at);

    if (v.badEscape) {
      b.abandonRow();
      this.clearInvalidUtf8();
      return WriteResult.BadEscape;
    }
    const storageSawInvalid = this.clearInvalidUtf8();
    this.invalidUtf8 = v.invalidUtf8 || id.invalidUtf8 || storageSawInvalid;
    b.endRow();
    return missingTime ? WriteResult.WrittenWithoutTime : invalidTime ? WriteResult.WrittenWithInvalidTime : WriteResult.Written;
  }

  /**
   * Dictionary indices are per batch, and the builder is shared with other objects' parsers (of
   * either log kind), any of which may have flushed it: on a new builder generation, start a new
   * generation of our cached indices and re-intern the constants.
   */
  private newBatch(): void {
    this.generation++;
    this.builderGeneration = this.builder.generation;
    this.kindIndex = this.builder.cols.log_kind.intern(LOG_KIND.cloudtrail);
  }

  private dict(w: DictWriter, memo: DictMemo, slot: number): void {
    const k = this.sc.kind[slot];
    if (k === STRING) memo.append(w, this.buf, this.sc.start[slot], this.sc.end[slot], this.generation);
    else if (k !== ABSENT) this.slowText(w, slot);
  }

  private utf8(w: Utf8Writer, slot: number): void {
    const k = this.sc.kind[slot];
    if (k === STRING) w.appendBytes(this.buf, this.sc.start[slot], this.sc.end[slot]);
    else if (k !== ABSENT) this.slowText(w, slot);
  }

  private slowText(w: DictWriter | Utf8Writer, slot: number): void {
    const t = this.values.text(slot);
    if (t !== null) w.appendString(t);
  }

  private accessKeyId(w: Utf8Writer): void {
    const sc = this.sc;
    const k = sc.kind[F.uiAccessKeyId];
    if (k === STRING) {
      if (sc.end[F.uiAccessKeyId] > sc.start[F.uiAccessKeyId]) w.appendBytes(this.buf, sc.start[F.uiAccessKeyId], sc.end[F.uiAccessKeyId]);
    } else if (k !== ABSENT) {
      const t = this.values.text(F.uiAccessKeyId);
      if (t) w.appendString(t);
    }
  }

  /** S3 data events wrap the user agent in brackets: `[aws-cli/2.15 …]` → `aws-cli/2.15 …`. */
  private userAgent(w: Utf8Writer): void {
    const sc = this.sc;
    const k = sc.kind[F.userAgent];
    if (k === STRING) {
      let s = sc.start[F.userAgent];
      let e = sc.end[F.userAgent];
      const b = this.buf;
      if (e - s >= 2 && b[s] === OPEN_SQUARE && b[e - 1] === CLOSE_SQUARE) {
        s++;
        e--;
      }
      w.appendBytes(b, s, e);
    } else if (k !== ABSENT) {
      const t = this.values.text(F.userAgent);
      if (t !== null) w.appendString(t.length >= 2 && t.startsWith('[') && t.endsWith(']') ? t.slice(1, -1) : t);
    }
  }

  /** The value's JSON text exactly as logged (strings keep their quotes and escapes). */
  private rawJson(w: Utf8Writer, slot: number): void {
    const sc = this.sc;
    const k = sc.kind[slot];
    if (k === ABSENT || k === NULL) return;
    const quoted = k === STRING || k === ESCAPED_STRING ? 1 : 0;
    w.appendBytes(this.buf, sc.start[slot] - quoted, sc.end[slot] + quoted);
  }

  /** Reads and clears the column storages' invalid-UTF-8 flags. */
  private clearInvalidUtf8(): boolean {
    let hit = false;
    const st = this.storages;
    for (let i = 0; i < st.length; i++) {
      if (st[i].invalidUtf8) {
        st[i].invalidUtf8 = false;
        hit = true;
      }
    }
    return hit;
  }
}
