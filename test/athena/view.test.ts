/**
 * The trailhound_events view: the event schema's columns in order (then the partition columns) in
 * both branches, and the access-log operation → action / read-only mapping of the streaming parser.
 */
import { describe, expect, it } from 'vitest';
import { normalizeArn } from '../../parsers/principal.js';
import { describeOperation, KNOWN_OPERATIONS } from '../../parsers/s3-operations.js';
import { ddlStatements, resolveDdlConfig } from '../../src/athena/ddl.js';
import { COLUMN_NAMES } from '../../src/schema.js';

const PARTITION_COLUMNS = ['partition_date', 'partition_account', 'partition_region'];

function view(partitioned: boolean): string {
  const statements = ddlStatements(
    resolveDdlConfig({ database: 'sec', cloudtrail: 's3://trail-bucket/', accessLogs: 's3://target-bucket/', partitionedAccessLogs: partitioned, accounts: '111122223333', buckets: 'data-bucket' }),
  );
  return statements.find((s) => s.name === 'trailhound_events')!.sql;
}

/** The output names of the top-level SELECT list of one UNION ALL branch. */
function selectAliases(branch: string): string[] {
  const start = branch.indexOf('SELECT') + 'SELECT'.length;
  const items: string[] = [];
  let depth = 0;
  let from = start;
  for (let i = start; i < branch.length; i++) {
    const c = branch[i];
    if (c === "'" || c === '"') {
      i = branch.indexOf(c, i + 1);
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && c === ',') {
      items.push(branch.slice(from, i));
      from = i + 1;
    } else if (depth === 0 && /^\sFROM\s/.test(branch.slice(i, i + 6))) {
      items.push(branch.slice(from, i));
      break;
    }
  }
  return items.map((item) => {
    const m = /(?:\bAS\s+)?"?([a-z_]+)"?\s*$/.exec(item.trim());
    return m ? m[1] : item.trim();
  });
}

describe('trailhound_events view', () => {
  it.each([false, true])('partitioned access logs = %s: each branch has the event columns in schema order, then the partition columns', (partitioned) => {
    const branches = view(partitioned).split('\nUNION ALL\n');
    expect(branches).toHaveLength(2);
    for (const branch of branches) expect(selectAliases(branch)).toEqual([...COLUMN_NAMES, ...PARTITION_COLUMNS]);
  });

  it('reads the log object as origin_uri and pins log_kind / event_source', () => {
    const sql = view(false);
    expect(sql).toContain('"$path" AS origin_uri');
    expect(sql).toContain("'cloudtrail' AS log_kind");
    expect(sql).toContain("'s3access' AS log_kind");
    expect(sql).toContain("'s3.amazonaws.com' AS event_source");
    expect(sql).toContain('CAST(NULL AS integer) AS origin_index');
  });

  it('maps every operation the parser knows to the same action', () => {
    const sql = view(false);
    const byKey = new Map([...sql.matchAll(/WHEN '([A-Z0-9_.]+)' THEN '([A-Za-z0-9_.]+)'/g)].map((m) => [m[1], m[2]]));
    const byBucket = new Map(
      [...sql.matchAll(/WHEN op = '([A-Z0-9_.]+)' AND key_raw IS NULL THEN '([A-Za-z]+)'/g)].map((m) => [m[1], m[2]]),
    );
    for (const op of KNOWN_OPERATIONS) {
      const info = describeOperation(op);
      // the view's ELSE keeps the operation itself, like the parser for operations it does not know
      expect(byKey.get(op) ?? op, op).toBe(info.action);
      expect(byBucket.get(op) ?? byKey.get(op) ?? op, `${op} without a key`).toBe(info.bucketAction);
    }
    for (const op of byKey.keys()) expect(KNOWN_OPERATIONS, op).toContain(op);
  });

  it('derives read_only like the parser: its table where it differs from the HTTP method, the method otherwise', () => {
    const sql = view(false);
    const exceptions = new Map([...sql.matchAll(/WHEN op = '([A-Z0-9_.]+)' THEN (true|false)/g)].map((m) => [m[1], m[2] === 'true']));
    // the view's method rule, as written there
    const byMethod = (op: string): boolean | null => {
      if (/^(S3|BATCH)[.][^.]*[.]/.test(op)) return false;
      if (/^(REST|WEBSITE)[.](GET|HEAD|OPTIONS)[.]/.test(op)) return true;
      if (/^(REST|WEBSITE)[.](PUT|POST|DELETE|COPY)[.]/.test(op)) return false;
      return null;
    };
    expect(sql).toContain("regexp_like(op, '^(S3|BATCH)[.][^.]*[.]') THEN false");
    expect(sql).toContain("regexp_like(op, '^(REST|WEBSITE)[.](GET|HEAD|OPTIONS)[.]') THEN true");
    expect(sql).toContain("regexp_like(op, '^(REST|WEBSITE)[.](PUT|POST|DELETE|COPY)[.]') THEN false");
    for (const op of [...KNOWN_OPERATIONS, 'REST.OPTIONS.PREFLIGHT', 'REST.GET.SOMETHING_NEW', 'S3.NEW.THING', 'SOAP.Foo']) {
      expect(exceptions.get(op) ?? byMethod(op), op).toBe(describeOperation(op).readOnly);
    }
  });

  it('normalises principals with the parser rules (assumed-role → role ARN without path, anonymous, unknown)', () => {
    const sql = view(false);
    expect(sql).toContain("'arn:$1:iam::$2:role/$3'");
    expect(sql).toContain("'arn:$1:iam::$2:role/$4'");
    expect(sql).toContain("WHEN 'none' THEN 'unknown'");
    expect(sql).toContain("WHEN requester IS NULL THEN 'anonymous'");
    expect(sql).toContain("WHEN internal THEN 'AmazonS3'");
  });

  it('turns IAM and STS ARNs into the principal, type, account and session the parser gives', () => {
    // Evaluates the view's own regular expressions (Trino: regexp_like = find, regexp_replace = all
    // matches, $n = group n; the patterns use nothing that differs from JavaScript).
    const sql = view(false);
    const block = /CASE\s+WHEN regexp_like\(requester, '([^']+)'\)\s+THEN regexp_replace\(requester, '([^']+)', '([^']+)'\)\s+WHEN regexp_like\(requester, '([^']+)'\)\s+THEN regexp_replace\(requester, '([^']+)', '([^']+)'\)\s+WHEN regexp_like\(requester, '([^']+)'\) THEN requester\s+END AS arn_norm/.exec(sql);
    expect(block, 'arn_norm expression').not.toBeNull();
    const [, like1, re1, to1, like2, re2, to2, like3] = block!;
    const types = [...sql.matchAll(/WHEN regexp_like\(requester, '(\^arn:[^']+)'\) THEN '([A-Za-z]+)'/g)].map((m) => [m[1], m[2]] as const);
    expect(types.map((t) => t[1])).toEqual(['AssumedRole', 'Role', 'Root', 'IAMUser', 'FederatedUser']);
    const account = /nullif\(regexp_extract\(requester, '([^']+)', 2\), ''\) AS arn_account/.exec(sql)![1];
    const session = /regexp_extract\(requester, '([^']+)', 1\) AS arn_session/.exec(sql)![1];

    const like = (x: string, p: string): boolean => new RegExp(p).test(x);
    const extract = (x: string, p: string, g: number): string | null => new RegExp(p).exec(x)?.[g] ?? null;
    const sqlNormalize = (arn: string) => {
      const principal = like(arn, like1)
        ? arn.replace(new RegExp(re1, 'g'), to1)
        : like(arn, like2)
          ? arn.replace(new RegExp(re2, 'g'), to2)
          : like(arn, like3)
            ? arn
            : null;
      const type = types.find(([p]) => like(arn, p))?.[1] ?? null;
      const acct = extract(arn, account, 2);
      return { principal, type, account: acct === '' ? null : acct, session: extract(arn, session, 1) };
    };
    for (const arn of [
      'arn:aws:sts::111122223333:assumed-role/Reader/session-1',
      'arn:aws:sts::111122223333:assumed-role/Reader/i-0abc/with/slashes',
      'arn:aws:sts::111122223333:assumed-role/Reader',
      'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/Reader',
      'arn:aws:iam::111122223333:role/Reader',
      'arn:aws-us-gov:sts::111122223333:assumed-role/Admin/bob@example.com',
      'arn:aws-cn:iam::111122223333:root',
      'arn:aws:sts::111122223333:root',
      'arn:aws:iam::111122223333:user/alice',
      'arn:aws:iam::111122223333:user/path/alice',
      'arn:aws:sts::111122223333:federated-user/bob',
      'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2EXAMPLE',
      'arn:aws:iam::111122223333:group/admins',
      'arn:aws:s3:::some-bucket',
      'arn:aws:lambda:us-east-1:111122223333:function:f',
    ]) {
      const n = normalizeArn(arn);
      expect(sqlNormalize(arn), arn).toEqual({ principal: n?.principal ?? null, type: n?.type ?? null, account: n?.account ?? null, session: n?.session ?? null });
    }
  });
});
