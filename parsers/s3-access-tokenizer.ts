/**
 * Single-pass byte tokenizer for one S3 server access log line (FORMATS.md §1.1–1.4).
 *
 * Fields are separated by spaces; a run of spaces counts as one separator (AWS writes `-` for an
 * empty field, so a doubled space is never a field of its own: reading it as one would shift every
 * later field). Field 3 is `[…]`; fields 9, 16 and 17 are `"…"` or a bare `-`, written raw with no
 * escaping, so a quoted field ends at *some* `"` followed by a space or the end of the line. The
 * first such quote is tried first; if what follows does not validate (status `\d{3}|-`, byte counts
 * and times numeric, field 20 `SigV2|SigV4|-`, field 22 `AuthHeader|QueryString|-`, no `"` inside the
 * bare fields AWS writes itself), the next candidate is tried (§1.4 validation and retry).
 */
import { ForwardSearch } from './s3-access-search.js';

export const FIELD = {
  bucketOwner: 0,
  bucket: 1,
  time: 2,
  remoteIp: 3,
  requester: 4,
  requestId: 5,
  operation: 6,
  key: 7,
  requestUri: 8,
  httpStatus: 9,
  errorCode: 10,
  bytesSent: 11,
  objectSize: 12,
  totalTime: 13,
  turnAroundTime: 14,
  referer: 15,
  userAgent: 16,
  versionId: 17,
  hostId: 18,
  signatureVersion: 19,
  cipherSuite: 20,
  authType: 21,
  hostHeader: 22,
  tlsVersion: 23,
  accessPointArn: 24,
  aclRequired: 25,
  sourceRegion: 26,
} as const;

/** Fields documented today; later ones are accepted and ignored. */
export const KNOWN_FIELDS = 27;
/** The 2014 format ends at Version Id. */
export const MIN_FIELDS = 18;

/**
 * Bound on quote closes tried per line: each try re-scans the rest of the line, so a hostile line
 * full of `" ` sequences must not cost quadratic or cubic time.
 */
const MAX_CLOSE_TRIES = 256;

const SP = 0x20;
const QUOTE = 0x22;
const DASH = 0x2d;
const LBRACKET = 0x5b;
/** Offset of `]` in `[06/Feb/2019:00:00:38 +0000]`. */
const TIME_TOKEN = 27;
const RBRACKET = 0x5d;

/** `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2EXAMPLE`: the one requester with spaces. */
const OAI_USER = Buffer.from('user/CloudFront', 'latin1');
const OAI_MIDDLE = Buffer.from(' Origin Access Identity ', 'latin1');

export const FAILURE = {
  tooFewFields: `fewer than ${MIN_FIELDS} fields`,
  time: 'time is not [dd/MMM/yyyy:HH:mm:ss ±hhmm]',
  requestUri: 'request-URI is neither quoted nor -',
  referer: 'referer is neither quoted nor -',
  userAgent: 'user agent is neither quoted nor -',
  unterminated: 'quoted field without a closing quote',
  quoteInBareField: 'quote inside a bare field',
  httpStatus: 'HTTP status is not 3 digits or -',
  number: 'byte count or time is not a number or -',
  signatureVersion: 'signature version is not SigV2, SigV4 or -',
  authType: 'authentication type is not AuthHeader, QueryString or -',
  tooManyQuotes: `no consistent reading of the quoted fields within ${MAX_CLOSE_TRIES} tries`,
} as const;

export function skipSpaces(buf: Uint8Array, p: number, e: number): number {
  while (p < e && buf[p] === SP) p++;
  return p;
}

/** `-` or `"-"`: AWS's null (FORMATS.md §1.1). */
export function isNullToken(buf: Uint8Array, s: number, e: number): boolean {
  const n = e - s;
  return (n === 1 && buf[s] === DASH) || (n === 3 && buf[s] === QUOTE && buf[s + 1] === DASH && buf[s + 2] === QUOTE);
}

function isDigits(buf: Uint8Array, s: number, e: number, maxDigits: number): boolean {
  const n = e - s;
  if (n < 1 || n > maxDigits) return false;
  for (let i = s; i < e; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return false;
  }
  return true;
}

function isSignatureVersion(buf: Uint8Array, s: number, e: number): boolean {
  if (e - s !== 5) return isNullToken(buf, s, e);
  return buf[s] === 0x53 && buf[s + 1] === 0x69 && buf[s + 2] === 0x67 && buf[s + 3] === 0x56 && (buf[s + 4] === 0x32 || buf[s + 4] === 0x34);
}

const AUTH_HEADER = Buffer.from('AuthHeader', 'latin1');
const QUERY_STRING = Buffer.from('QueryString', 'latin1');

function equalsAt(buf: Uint8Array, s: number, e: number, word: Uint8Array): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (buf[s + i] !== word[i]) return false;
  return true;
}

function isAuthType(buf: Uint8Array, s: number, e: number): boolean {
  return equalsAt(buf, s, e, AUTH_HEADER) || equalsAt(buf, s, e, QUERY_STRING) || isNullToken(buf, s, e);
}

/** Numbers are exact in a double up to 15 digits; longer is not a byte count S3 writes. */
const MAX_NUMBER_DIGITS = 15;

/**
 * Tokenizes one line (CR and trailing whitespace already trimmed) into byte ranges. After a
 * successful `tokenize`, field `f < min(fieldCount, KNOWN_FIELDS)` is `start[f]…end[f]`: quoted
 * fields without their quotes, `-` and `"-"` as written (see `isNullToken`).
 */
export class AccessLogTokenizer {
  readonly start = new Int32Array(KNOWN_FIELDS);
  readonly end = new Int32Array(KNOWN_FIELDS);
  /** Fields on the line, including unknown trailing ones. */
  fieldCount = 0;
  /** Why the last line did not tokenize: the first check that failed. */
  failure = '';
  private tries = 0;
  private readonly spaces = new ForwardSearch(SP);
  private readonly quotes = new ForwardSearch(QUOTE);

  /** `haystack` is a Buffer over the same bytes as `buf`, with the same indices. */
  tokenize(buf: Uint8Array, haystack: Buffer, s: number, e: number): boolean {
    this.spaces.use(haystack);
    this.quotes.use(haystack);
    this.failure = '';
    this.fieldCount = 0;
    this.tries = MAX_CLOSE_TRIES;
    const p = this.head(buf, s, e);
    return p >= 0 && this.quoted(buf, p, e, FIELD.requestUri);
  }

  private fail(reason: string): false {
    if (this.failure === '') this.failure = reason;
    return false;
  }

  private failAt(reason: string): -1 {
    this.fail(reason);
    return -1;
  }

  private tokenEnd(p: number, e: number): number {
    const q = this.spaces.next(p);
    return q < e ? q : e;
  }

  /** The first `"` at or after `p` that is followed by a space or the end of the line; -1 if none. */
  private nextClose(buf: Uint8Array, p: number, e: number): number {
    for (;;) {
      const q = this.quotes.next(p);
      if (q >= e) return -1;
      if (q + 1 === e || buf[q + 1] === SP) return q;
      p = q + 1;
    }
  }

  private bare(buf: Uint8Array, p: number, e: number, field: number): number {
    const q = this.tokenEnd(p, e);
    this.start[field] = p;
    this.end[field] = q;
    return q;
  }

  /** A bare field AWS writes itself: a `"` in it means a quoted field was closed too early. */
  private plain(buf: Uint8Array, p: number, e: number, field: number): number {
    const q = this.tokenEnd(p, e);
    if (this.quotes.next(p) < q && !isNullToken(buf, p, q)) return -1;
    this.start[field] = p;
    this.end[field] = q;
    return q;
  }

  /** Fields 1–8; returns where field 9 starts, or -1. */
  private head(buf: Uint8Array, s: number, e: number): number {
    let p = skipSpaces(buf, s, e);
    for (let f: number = FIELD.bucketOwner; f <= FIELD.key; f++) {
      if (p >= e) return this.failAt(FAILURE.tooFewFields);
      if (f === FIELD.time) {
        if (buf[p] !== LBRACKET) return this.failAt(FAILURE.time);
        let q = p + 1;
        if (p + TIME_TOKEN < e && buf[p + TIME_TOKEN] === RBRACKET) q = p + TIME_TOKEN;
        while (q < e && buf[q] !== RBRACKET) q++;
        if (q >= e || (q + 1 < e && buf[q + 1] !== SP)) return this.failAt(FAILURE.time);
        this.start[f] = p + 1;
        this.end[f] = q;
        p = q + 1;
      } else {
        p = this.bare(buf, p, e, f);
        if (f === FIELD.requester) p = this.cloudFrontIdentity(buf, p, e);
      }
      p = skipSpaces(buf, p, e);
    }
    if (p >= e) return this.failAt(FAILURE.tooFewFields);
    return p;
  }

  /** Extends the requester over `… Origin Access Identity <id>` when it is a CloudFront OAI. */
  private cloudFrontIdentity(buf: Uint8Array, p: number, e: number): number {
    const s = this.start[FIELD.requester];
    const n = OAI_USER.length;
    if (p - s < n || buf[p - 1] !== OAI_USER[n - 1] || !equalsAt(buf, p - n, p, OAI_USER)) return p;
    const m = OAI_MIDDLE.length;
    if (p + m >= e || !equalsAt(buf, p, p + m, OAI_MIDDLE) || buf[p + m] === SP) return p;
    const q = this.tokenEnd(p + m, e);
    this.end[FIELD.requester] = q;
    return q;
  }

  /** A quoted field (9, 16 or 17) starting at `p`, then everything after it. */
  private quoted(buf: Uint8Array, p: number, e: number, field: number): boolean {
    if (p >= e) return this.fail(FAILURE.tooFewFields);
    if (buf[p] !== QUOTE) {
      const q = this.tokenEnd(p, e);
      if (q - p !== 1 || buf[p] !== DASH) {
        return this.fail(field === FIELD.requestUri ? FAILURE.requestUri : field === FIELD.referer ? FAILURE.referer : FAILURE.userAgent);
      }
      this.start[field] = p;
      this.end[field] = q;
      return this.after(buf, q, e, field);
    }
    for (let c = this.nextClose(buf, p + 1, e); c >= 0; c = this.nextClose(buf, c + 1, e)) {
      if (--this.tries < 0) {
        this.failure = FAILURE.tooManyQuotes;
        return false;
      }
      this.start[field] = p + 1;
      this.end[field] = c;
      if (this.after(buf, c + 1, e, field)) return true;
    }
    return this.fail(FAILURE.unterminated);
  }

  private after(buf: Uint8Array, p: number, e: number, field: number): boolean {
    if (field === FIELD.requestUri) return this.afterRequestUri(buf, p, e);
    if (field === FIELD.referer) return this.quoted(buf, skipSpaces(buf, p, e), e, FIELD.userAgent);
    return this.afterUserAgent(buf, p, e);
  }

  /** Fields 10–15, validated, then the referer. */
  private afterRequestUri(buf: Uint8Array, p: number, e: number): boolean {
    for (let f: number = FIELD.httpStatus; f <= FIELD.turnAroundTime; f++) {
      p = skipSpaces(buf, p, e);
      if (p >= e) return this.fail(FAILURE.tooFewFields);
      p = this.plain(buf, p, e, f);
      if (p < 0) return this.fail(FAILURE.quoteInBareField);
    }
    const st = this.start;
    const en = this.end;
    const status = FIELD.httpStatus;
    const statusOk = isNullToken(buf, st[status], en[status]) || (en[status] - st[status] === 3 && isDigits(buf, st[status], en[status], 3));
    if (!statusOk) return this.fail(FAILURE.httpStatus);
    for (let f: number = FIELD.bytesSent; f <= FIELD.turnAroundTime; f++) {
      if (!isNullToken(buf, st[f], en[f]) && !isDigits(buf, st[f], en[f], MAX_NUMBER_DIGITS)) return this.fail(FAILURE.number);
    }
    return this.quoted(buf, skipSpaces(buf, p, e), e, FIELD.referer);
  }

  /** Fields 18–27 (as many as the line has), validated, then any unknown trailing fields. */
  private afterUserAgent(buf: Uint8Array, p: number, e: number): boolean {
    let count = FIELD.userAgent + 1;
    for (let f: number = FIELD.versionId; f < KNOWN_FIELDS; f++) {
      p = skipSpaces(buf, p, e);
      if (p >= e) break;
      p = this.plain(buf, p, e, f);
      if (p < 0) return this.fail(FAILURE.quoteInBareField);
      count++;
    }
    if (count < MIN_FIELDS) return this.fail(FAILURE.tooFewFields);
    const st = this.start;
    const en = this.end;
    if (count > FIELD.signatureVersion && !isSignatureVersion(buf, st[FIELD.signatureVersion], en[FIELD.signatureVersion])) {
      return this.fail(FAILURE.signatureVersion);
    }
    if (count > FIELD.authType && !isAuthType(buf, st[FIELD.authType], en[FIELD.authType])) return this.fail(FAILURE.authType);
    // AWS appends new fields at the end: count them, never judge them.
    for (p = skipSpaces(buf, p, e); p < e; p = skipSpaces(buf, this.tokenEnd(p, e), e)) count++;
    this.fieldCount = count;
    return true;
  }
}
