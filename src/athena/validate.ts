/**
 * Checks for every value that goes into the DDL templates. DDL cannot take ExecutionParameters, so
 * these allow-lists are the only defence against a value that would close a string literal or an
 * identifier and smuggle SQL (or a different S3 location) into a statement. Nothing is escaped or
 * repaired: a value is either plainly safe or rejected with the reason.
 */

/** Glue/Athena names: lower case letters, digits and underscores (Athena lower-cases names anyway). */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,254}$/;
/** General-purpose bucket names (no upper case, no underscores, 3–63 characters). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/**
 * Characters allowed in an S3 key prefix we put inside a quoted DDL string: S3's "safe characters"
 * plus `=` and `+`. Excludes `'` `"` `\` `$` `{` `}` whitespace and control characters, so a prefix can
 * neither end the literal nor look like a `${…}` projection placeholder.
 */
const PREFIX = /^[A-Za-z0-9!_.*()=+\/-]*$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2,4}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const DAY = /^(\d{4})[-/](\d{2})[-/](\d{2})$/;

/** Collects every problem (`path: message`) so one run reports them all. */
export class Problems {
  readonly list: string[] = [];

  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }

  get ok(): boolean {
    return this.list.length === 0;
  }
}

function show(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

export function checkIdentifier(p: Problems, path: string, value: string): string {
  if (!IDENTIFIER.test(value)) p.add(path, `${show(value)} is not a table or database name (use a-z, 0-9 and _, starting with a letter or _)`);
  return value;
}

export interface S3Location {
  bucket: string;
  /** Key prefix, '' or ending in `/`. */
  prefix: string;
  /** `s3://bucket/prefix` */
  uri: string;
}

/**
 * An `s3://bucket/prefix/` folder. `addSlash` appends the `/` a folder needs (CloudTrail inserts one
 * after its prefix); without it a missing slash is an error, because S3 access logging uses its
 * prefix literally and Athena can only read folders.
 */
export function checkS3Folder(p: Problems, path: string, value: string, opts: { addSlash: boolean }): S3Location | undefined {
  const m = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(value);
  if (!m) {
    p.add(path, `${show(value)} is not an s3:// URI`);
    return undefined;
  }
  const bucket = m[1];
  let prefix = m[2] ?? '';
  let ok = true;
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    p.add(path, `${show(bucket)} is not a valid bucket name`);
    ok = false;
  }
  if (!PREFIX.test(prefix) || prefix.startsWith('/') || prefix.includes('//')) {
    p.add(path, `the prefix ${show(prefix)} may only use letters, digits and !_.*()=+-/ (no empty path segments)`);
    ok = false;
  }
  if (prefix !== '' && !prefix.endsWith('/')) {
    if (opts.addSlash) prefix += '/';
    else {
      p.add(path, `${show(value)} must end with '/': Athena reads folders, so the log prefix must end with a slash`);
      ok = false;
    }
  }
  return ok ? { bucket, prefix, uri: `s3://${bucket}/${prefix}` } : undefined;
}

export function checkAccount(p: Problems, path: string, value: string): string {
  if (!ACCOUNT.test(value)) p.add(path, `${show(value)} is not a 12-digit AWS account id`);
  return value;
}

export function checkRegion(p: Problems, path: string, value: string): string {
  if (!REGION.test(value)) p.add(path, `${show(value)} is not an AWS region name (like us-east-1)`);
  return value;
}

export function checkBucketName(p: Problems, path: string, value: string): string {
  if (!BUCKET.test(value) || value.includes('..')) p.add(path, `${show(value)} is not a valid bucket name`);
  return value;
}

export function checkOrgId(p: Problems, path: string, value: string): string {
  if (!ORG_ID.test(value)) p.add(path, `${show(value)} is not an organization id (o- followed by 10–32 lower-case letters or digits)`);
  return value;
}

/** A calendar day as `yyyy/MM/dd` (the date projection format); accepts `-` or `/` separators. */
export function checkDay(p: Problems, path: string, value: string): string {
  const m = DAY.exec(value);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && y >= 2006) {
      return `${m[1]}/${m[2]}/${m[3]}`;
    }
  }
  p.add(path, `${show(value)} is not a day (YYYY-MM-DD, 2006 or later)`);
  return value;
}

/** A comma-separated option as a de-duplicated list, each item checked. */
export function checkList(p: Problems, path: string, value: string, check: (p: Problems, path: string, v: string) => string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) p.add(path, 'is empty');
  return [...new Set(items.map((item, i) => check(p, `${path}[${i}]`, item)))];
}
