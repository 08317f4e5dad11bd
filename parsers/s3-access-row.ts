/**
 * Writes one tokenized access log line into the event columns, straight from the line's bytes.
 *
 * Dictionary indices only live until the builder flushes, and the builder is shared with whoever
 * parsed the previous object, so every cached index belongs to an "epoch" that ends whenever the
 * builder's row count is not the one this writer left behind.
 */
import type { EventBatchBuilder } from '../src/arrow/batch-builder.js';
import type { BoolWriter, DictWriter, Int16Writer, Int32Writer, Int64Writer, Utf8Writer } from '../src/arrow/writers.js';
import { LOG_KIND } from '../src/schema.js';
import { normalizeRequester, RequesterCache, type NormalizedPrincipal } from './principal.js';
import { decodeKeyString, indexOfPercent, KeyDecoder } from './s3-access-key.js';
import { FIELD, isNullToken, type AccessLogTokenizer } from './s3-access-tokenizer.js';
import { describeOperation, type OperationInfo } from './s3-operations.js';

const EVENT_SOURCE = 's3.amazonaws.com';
const INT32_MAX = 0x7fffffff;
const MAX_PRINCIPAL_SLOTS = 50_000;
const LAST_REQUESTER_BYTES = 256;

/**
 * Per-column memo of recent dictionary indices, direct-mapped by a few bytes of the value: a hit
 * costs one byte compare instead of hashing the value and probing the dictionary.
 */
const MEMO_OPERATION = 0;
const MEMO_BUCKET = 1;
const MEMO_OWNER = 2;
const MEMO_ERROR = 3;
const MEMO_CIPHER = 4;
const MEMO_TLS = 5;
const MEMO_COLUMNS = 6;
const MEMO_WAYS = 16;

/** Tells apart values of one column cheaply: REST.GET.OBJECT and REST.PUT.OBJECT differ at 5. */
function memoWay(buf: Uint8Array, s: number, e: number): number {
  const n = e - s;
  return (n * 31 + buf[s + ((n * 3) >> 3)] * 7 + buf[s + (n >> 1)] + buf[e - 1]) & (MEMO_WAYS - 1);
}

/** Values the tokenizer has already validated: each is told apart by one byte or its length. */
const SIGV2 = 'SigV2';
const SIGV4 = 'SigV4';
const AUTH_HEADER = 'AuthHeader';
const QUERY_STRING = 'QueryString';

/** Dictionary indices of one normalised principal in the current batch. */
interface PrincipalSlot {
  readonly of: NormalizedPrincipal;
  epoch: number;
  principal: number;
  type: number;
  account: number;
  /** UTF-8 length of the session name: it is the tail of the Requester field. */
  sessionBytes: number;
}

function numberAt(buf: Uint8Array, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) v = v * 10 + (buf[i] - 48);
  return v;
}

function isCanonicalTlsPrefix(buf: Uint8Array, s: number): boolean {
  return buf[s] === 0x54 && buf[s + 1] === 0x4c && buf[s + 2] === 0x53 && buf[s + 3] === 0x76;
}

function isTlsPrefixAnyCase(buf: Uint8Array, s: number): boolean {
  return (buf[s] | 0x20) === 0x74 && (buf[s + 1] | 0x20) === 0x6c && (buf[s + 2] | 0x20) === 0x73 && (buf[s + 3] | 0x20) === 0x76;
}

const TLS_PREFIX = [0x54, 0x4c, 0x53, 0x76]; // TLSv

export class AccessLogRowWriter {
  private readonly requesters = new RequesterCache();
  private readonly keys = new KeyDecoder();
  private readonly slots = new Map<NormalizedPrincipal, PrincipalSlot>();
  private readonly anonymous = normalizeRequester(null);
  private readonly amazonS3 = normalizeRequester('AmazonS3');
  private readonly memo = new Int32Array(MEMO_COLUMNS * MEMO_WAYS);
  private operations: (OperationInfo | undefined)[] = [];
  /** Action dictionary index per operation dictionary index: [2i] with a key, [2i + 1] without. */
  private actions: number[] = [];
  private tlsScratch = new Uint8Array(32);
  /** The previous row's Requester bytes and principal: clients send runs of requests. */
  private readonly lastRequester = new Uint8Array(LAST_REQUESTER_BYTES);
  private lastRequesterLength = -1;
  private lastPrincipal: NormalizedPrincipal = this.anonymous;
  private lastSlot: PrincipalSlot | undefined;
  /** Dictionary indices of SigV2, SigV4, AuthHeader, QueryString in the current batch. */
  private readonly validated = new Int32Array(4);
  private epoch = 0;
  /** The builder generation the cached dictionary indices belong to (see EventBatchBuilder.generation). */
  private builderGeneration = -1;
  private logKind = 0;
  private eventSource = 0;
  private origin = 0;

  private readonly time: Int64Writer;
  private readonly logKindColumn: DictWriter;
  private readonly eventSourceColumn: DictWriter;
  private readonly action: DictWriter;
  private readonly operation: DictWriter;
  private readonly principal: DictWriter;
  private readonly principalType: DictWriter;
  private readonly principalArn: Utf8Writer;
  private readonly sessionName: Utf8Writer;
  private readonly principalAccount: DictWriter;
  private readonly sourceIp: Utf8Writer;
  private readonly userAgent: Utf8Writer;
  private readonly bucket: DictWriter;
  private readonly objectKey: Utf8Writer;
  private readonly ownerAccount: DictWriter;
  private readonly httpStatus: Int16Writer;
  private readonly errorCode: DictWriter;
  private readonly bytesOut: Int64Writer;
  private readonly objectSize: Int64Writer;
  private readonly totalTime: Int32Writer;
  private readonly tlsVersion: DictWriter;
  private readonly cipherSuite: DictWriter;
  private readonly signatureVersion: DictWriter;
  private readonly authType: DictWriter;
  private readonly requestId: Utf8Writer;
  private readonly hostId: Utf8Writer;
  private readonly readOnly: BoolWriter;
  private readonly originUri: DictWriter;
  private readonly originIndex: Int32Writer;

  constructor(
    private readonly builder: EventBatchBuilder,
    private readonly uri: string,
  ) {
    const c = builder.cols;
    this.time = c.time;
    this.logKindColumn = c.log_kind;
    this.eventSourceColumn = c.event_source;
    this.action = c.action;
    this.operation = c.operation;
    this.principal = c.principal;
    this.principalType = c.principal_type;
    this.principalArn = c.principal_arn;
    this.sessionName = c.session_name;
    this.principalAccount = c.principal_account;
    this.sourceIp = c.source_ip;
    this.userAgent = c.user_agent;
    this.bucket = c.bucket;
    this.objectKey = c.object_key;
    this.ownerAccount = c.owner_account;
    this.httpStatus = c.http_status;
    this.errorCode = c.error_code;
    this.bytesOut = c.bytes_out;
    this.objectSize = c.object_size;
    this.totalTime = c.total_time_ms;
    this.tlsVersion = c.tls_version;
    this.cipherSuite = c.cipher_suite;
    this.signatureVersion = c.signature_version;
    this.authType = c.auth_type;
    this.requestId = c.request_id;
    this.hostId = c.host_id;
    this.readOnly = c.read_only;
    this.originUri = c.origin_uri;
    this.originIndex = c.origin_index;
  }

  /** Appends the row of a tokenized line and closes it; returns true when the batch is full. */
  write(buf: Uint8Array, tok: AccessLogTokenizer, timeMs: number, line: number, invalidUtf8: boolean): boolean {
    const st = tok.start;
    const en = tok.end;
    const fields = tok.fieldCount;
    this.startRow();
    this.time.append(timeMs);
    this.logKindColumn.appendIndex(this.logKind);
    this.eventSourceColumn.appendIndex(this.eventSource);

    const hasKey = !isNullToken(buf, st[FIELD.key], en[FIELD.key]);
    const internal = this.writeOperation(buf, st[FIELD.operation], en[FIELD.operation], hasKey);
    this.writePrincipal(buf, st[FIELD.requester], en[FIELD.requester], internal, invalidUtf8);
    this.utf8(this.sourceIp, buf, st[FIELD.remoteIp], en[FIELD.remoteIp]);
    this.utf8(this.userAgent, buf, st[FIELD.userAgent], en[FIELD.userAgent]);
    this.dict(this.bucket, MEMO_BUCKET, buf, st[FIELD.bucket], en[FIELD.bucket]);
    if (hasKey) this.writeKey(buf, st[FIELD.key], en[FIELD.key], invalidUtf8);
    this.dict(this.ownerAccount, MEMO_OWNER, buf, st[FIELD.bucketOwner], en[FIELD.bucketOwner]);
    this.number16(this.httpStatus, buf, st[FIELD.httpStatus], en[FIELD.httpStatus]);
    this.dict(this.errorCode, MEMO_ERROR, buf, st[FIELD.errorCode], en[FIELD.errorCode]);
    // "Bytes Sent: `-` if zero" (AWS); the other numbers' `-` means unknown.
    const bs = st[FIELD.bytesSent];
    const be = en[FIELD.bytesSent];
    this.bytesOut.append(isNullToken(buf, bs, be) ? 0 : numberAt(buf, bs, be));
    this.number64(this.objectSize, buf, st[FIELD.objectSize], en[FIELD.objectSize]);
    this.number32(this.totalTime, buf, st[FIELD.totalTime], en[FIELD.totalTime]);
    this.utf8(this.requestId, buf, st[FIELD.requestId], en[FIELD.requestId]);
    if (fields > FIELD.hostId) this.utf8(this.hostId, buf, st[FIELD.hostId], en[FIELD.hostId]);
    if (fields > FIELD.signatureVersion) this.writeSignatureVersion(buf, st[FIELD.signatureVersion], en[FIELD.signatureVersion]);
    if (fields > FIELD.cipherSuite) this.dict(this.cipherSuite, MEMO_CIPHER, buf, st[FIELD.cipherSuite], en[FIELD.cipherSuite]);
    if (fields > FIELD.authType) this.writeAuthType(buf, st[FIELD.authType], en[FIELD.authType]);
    if (fields > FIELD.tlsVersion) this.writeTls(buf, st[FIELD.tlsVersion], en[FIELD.tlsVersion]);
    this.originUri.appendIndex(this.origin);
    this.originIndex.append(line);

    return this.builder.endRow();
  }

  private startRow(): void {
    if (this.builder.generation === this.builderGeneration) return;
    this.builderGeneration = this.builder.generation;
    this.epoch++;
    this.memo.fill(-1);
    this.operations = [];
    this.actions = [];
    this.logKind = this.logKindColumn.intern(LOG_KIND.s3access);
    this.eventSource = this.eventSourceColumn.intern(EVENT_SOURCE);
    this.origin = this.originUri.intern(this.uri);
    this.validated.fill(-1);
  }

  private validatedIndex(slot: number, w: DictWriter, value: string): number {
    let idx = this.validated[slot];
    if (idx < 0) idx = this.validated[slot] = w.intern(value);
    return idx;
  }

  /** SigV2, SigV4 or null (the tokenizer rejected anything else). */
  private writeSignatureVersion(buf: Uint8Array, s: number, e: number): void {
    if (e - s !== 5) return;
    const v2 = buf[s + 4] === 0x32;
    this.signatureVersion.appendIndex(this.validatedIndex(v2 ? 0 : 1, this.signatureVersion, v2 ? SIGV2 : SIGV4));
  }

  /** AuthHeader, QueryString or null (the tokenizer rejected anything else). */
  private writeAuthType(buf: Uint8Array, s: number, e: number): void {
    const n = e - s;
    if (n === AUTH_HEADER.length) this.authType.appendIndex(this.validatedIndex(2, this.authType, AUTH_HEADER));
    else if (n === QUERY_STRING.length) this.authType.appendIndex(this.validatedIndex(3, this.authType, QUERY_STRING));
  }

  private utf8(w: Utf8Writer, buf: Uint8Array, s: number, e: number): void {
    if (!isNullToken(buf, s, e)) w.appendBytes(buf, s, e);
  }

  /** Dictionary append through the memo; returns the dictionary index, or -1 for null. */
  private dict(w: DictWriter, column: number, buf: Uint8Array, s: number, e: number): number {
    if (isNullToken(buf, s, e)) return -1;
    const slot = column * MEMO_WAYS + memoWay(buf, s, e);
    let idx = this.memo[slot];
    if (idx < 0 || !w.dict.values.equalsBytes(idx, buf, s, e)) {
      idx = w.dict.internBytes(buf, s, e);
      this.memo[slot] = idx;
    }
    w.appendIndex(idx);
    return idx;
  }

  private number16(w: Int16Writer, buf: Uint8Array, s: number, e: number): void {
    if (!isNullToken(buf, s, e)) w.append(numberAt(buf, s, e));
  }

  private number32(w: Int32Writer, buf: Uint8Array, s: number, e: number): void {
    if (isNullToken(buf, s, e)) return;
    const v = numberAt(buf, s, e);
    if (v <= INT32_MAX) w.append(v);
  }

  private number64(w: Int64Writer, buf: Uint8Array, s: number, e: number): void {
    if (!isNullToken(buf, s, e)) w.append(numberAt(buf, s, e));
  }

  /** Operation, action and read_only; returns whether S3 itself performed the request (`S3.*`). */
  private writeOperation(buf: Uint8Array, s: number, e: number, hasKey: boolean): boolean {
    if (isNullToken(buf, s, e)) return false;
    const idx = this.dict(this.operation, MEMO_OPERATION, buf, s, e);
    let info = this.operations[idx];
    if (info === undefined) {
      info = describeOperation(this.operation.dict.values.stringAt(idx));
      this.operations[idx] = info;
      this.actions[2 * idx] = this.action.intern(info.action);
      this.actions[2 * idx + 1] = this.action.intern(info.bucketAction);
    }
    this.action.appendIndex(this.actions[hasKey ? 2 * idx : 2 * idx + 1]);
    if (info.readOnly !== null) this.readOnly.append(info.readOnly);
    return info.internal;
  }

  private writePrincipal(buf: Uint8Array, s: number, e: number, internal: boolean, invalidUtf8: boolean): void {
    const p = internal ? this.amazonS3 : isNullToken(buf, s, e) ? this.anonymous : this.requester(buf, s, e);
    let slot = this.lastSlot;
    if (slot === undefined || slot.of !== p) {
      slot = this.slots.get(p) ?? this.newSlot(p);
      this.lastSlot = slot;
    }
    if (slot.epoch !== this.epoch) this.refreshSlot(slot, p);
    this.principal.appendIndex(slot.principal);
    if (slot.type >= 0) this.principalType.appendIndex(slot.type);
    if (slot.account >= 0) this.principalAccount.appendIndex(slot.account);
    // normalizeRequester's `arn` is always the Requester field itself, so copy its bytes.
    if (p.arn !== null) this.principalArn.appendBytes(buf, s, e);
    if (p.session !== null) {
      if (invalidUtf8) this.sessionName.appendString(p.session);
      else this.sessionName.appendBytes(buf, e - slot.sessionBytes, e);
    }
  }

  private requester(buf: Uint8Array, s: number, e: number): NormalizedPrincipal {
    const n = e - s;
    const last = this.lastRequester;
    if (n === this.lastRequesterLength) {
      // From the end: requesters of one account share their prefix and differ in the name.
      let i = n - 1;
      while (i >= 0 && last[i] === buf[s + i]) i--;
      if (i < 0) return this.lastPrincipal;
    }
    const p = this.requesters.lookup(buf, s, e);
    if (n <= LAST_REQUESTER_BYTES) {
      for (let i = 0; i < n; i++) last[i] = buf[s + i];
      this.lastRequesterLength = n;
      this.lastPrincipal = p;
    }
    return p;
  }

  private newSlot(p: NormalizedPrincipal): PrincipalSlot {
    if (this.slots.size >= MAX_PRINCIPAL_SLOTS) this.slots.clear();
    const slot: PrincipalSlot = { of: p, epoch: -1, principal: 0, type: -1, account: -1, sessionBytes: p.session === null ? 0 : Buffer.byteLength(p.session) };
    this.slots.set(p, slot);
    return slot;
  }

  private refreshSlot(slot: PrincipalSlot, p: NormalizedPrincipal): void {
    slot.epoch = this.epoch;
    slot.principal = this.principal.intern(p.principal);
    slot.type = p.type === null ? -1 : this.principalType.intern(p.type);
    slot.account = p.account === null ? -1 : this.principalAccount.intern(p.account);
  }

  private writeKey(buf: Uint8Array, s: number, e: number, invalidUtf8: boolean): void {
    const percent = indexOfPercent(buf, s, e);
    if (percent < 0) {
      this.objectKey.appendBytes(buf, s, e);
    } else if (invalidUtf8) {
      const raw = Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('utf8');
      this.objectKey.appendString(decodeKeyString(raw));
    } else if (this.keys.decode(buf, s, e, percent)) {
      this.objectKey.appendBytes(this.keys.bytes, 0, this.keys.length);
    } else {
      this.objectKey.appendBytes(buf, s, e);
    }
  }

  /** `TLSV1.2` (AWS's own samples) and any other letter case → `TLSv1.2`. */
  private writeTls(buf: Uint8Array, s: number, e: number): void {
    const n = e - s;
    if (n < 4 || isCanonicalTlsPrefix(buf, s) || !isTlsPrefixAnyCase(buf, s)) {
      this.dict(this.tlsVersion, MEMO_TLS, buf, s, e);
      return;
    }
    if (this.tlsScratch.length < n) this.tlsScratch = new Uint8Array(n);
    const out = this.tlsScratch;
    for (let i = 0; i < 4; i++) out[i] = TLS_PREFIX[i];
    for (let i = 4; i < n; i++) out[i] = buf[s + i];
    this.dict(this.tlsVersion, MEMO_TLS, out, 0, n);
  }
}
