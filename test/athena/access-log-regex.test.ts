/**
 * The RegexSerDe pattern of the access-log tables, tested as Hive will use it: taken out of the
 * rendered DDL, unescaped exactly like Hive unescapes a string literal, then compiled the way
 * RegexSerDe does (DOTALL, Matcher.matches() on the whole line → `^(?:…)$` with the `s` flag).
 * The pattern only uses constructs that behave the same in Java and JavaScript: character classes
 * without nesting, greedy/lazy quantifiers, alternation, and optional groups that never repeat (JS
 * resets captures of a repeated group per iteration, Java does not; no group here repeats).
 *
 * Every fixture line must match; the groups must tile the line (each field whole, in order, nothing
 * skipped but separators), and every group the event schema uses must hold what the streaming
 * parser (parsers/s3-access.ts) puts in that column. Fields the schema does not carry are checked
 * against hand-written expectations.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { s3AccessParser } from '../../parsers/s3-access.js';
import { ddlStatements, resolveDdlConfig } from '../../src/athena/ddl.js';
import { hiveStringLiteral, propertyLiteral, unescapeHiveString } from '../../src/athena/hive-string.js';
import { parseBytes } from '../helpers/parse.js';

const FIXTURES = new URL('../../../shared/fixtures/real/s3access/', import.meta.url);

function regexOf(partitioned: boolean): string {
  const statements = ddlStatements(resolveDdlConfig({ database: 'd', accessLogs: 's3://target-bucket/logs/', partitionedAccessLogs: partitioned }));
  const table = statements.find((s) => s.name.startsWith('s3-access-log-table'))!;
  const literal = propertyLiteral(table.sql, 'input.regex');
  expect(literal, 'input.regex literal').toBeDefined();
  return unescapeHiveString(literal!);
}

const JAVA_REGEX = regexOf(false);
const LINE = new RegExp(`^(?:${JAVA_REGEX})$`, 's');

/** Column order of the table = group order. */
const COLUMNS = [
  'bucketowner', 'bucket_name', 'requestdatetime', 'remoteip', 'requester', 'requestid', 'operation', 'key',
  'request_uri', 'httpstatus', 'errorcode', 'bytessent', 'objectsize', 'totaltime', 'turnaroundtime', 'referrer',
  'useragent', 'versionid', 'hostid', 'sigv', 'ciphersuite', 'authtype', 'endpoint', 'tlsversion', 'accesspointarn',
  'aclrequired', 'sourceregion',
] as const;
const QUOTED_GROUPS = new Set([8, 15, 16]);

/** Groups 1–27 as captured (quoted fields keep their quotes, like the table); undefined = NULL. */
function rawGroups(line: string): (string | undefined)[] | null {
  const m = LINE.exec(line);
  return m ? m.slice(1, 28) : null;
}

/** Groups with quoted fields unquoted, as the view reads them. */
function groups(line: string): (string | undefined)[] | null {
  const raw = rawGroups(line);
  return raw && raw.map((g, i) => (g !== undefined && QUOTED_GROUPS.has(i) && g.length >= 2 && g.startsWith('"') ? g.slice(1, -1) : g));
}

/**
 * The groups, in order, cover the whole line: each starts where the previous one ended plus at
 * least one space, the time keeps its brackets, and after the last present group only spaces remain
 * (or, once field 27 is present, fields AWS may add later). So no field is split, merged or lost.
 */
function expectTiling(line: string, raw: (string | undefined)[]): void {
  let pos = 0;
  while (line[pos] === ' ') pos++;
  const present = raw.filter((g) => g !== undefined).length;
  for (let k = 0; k < present; k++) {
    const text = k === 2 ? `[${raw[k]}]` : (raw[k] as string);
    if (k > 0) {
      expect(line[pos], `separator before field ${k + 1}`).toBe(' ');
      while (line[pos] === ' ') pos++;
    }
    expect(line.slice(pos, pos + text.length), `field ${k + 1}`).toBe(text);
    pos += text.length;
  }
  const rest = line.slice(pos);
  if (present === 27 && rest.trim() !== '') expect(rest[0], 'fields after the 27th').toBe(' ');
  else expect(rest.trim(), 'nothing left after the last field').toBe('');
}

function fixtureLines(): { file: string; lines: string[] }[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.log'))
    .map((file) => ({ file, lines: readFileSync(new URL(file, FIXTURES), 'utf8').split('\n').filter((l) => l.trim() !== '') }));
}

const dash = (v: string | undefined): string | null => (v === undefined || v === '-' || v === '"-"' ? null : v);

/** The event columns the groups give, with the conversions the trailhound_events view applies. */
function viewColumns(g: (string | undefined)[]): Record<string, unknown> {
  const tls = dash(g[23]);
  const requester = dash(g[4]);
  return {
    bucket: dash(g[1]),
    source_ip: dash(g[3]),
    principal_arn: requester?.startsWith('arn:') && !g[6]?.startsWith('S3.') ? requester : null,
    request_id: dash(g[5]),
    operation: dash(g[6]),
    http_status: dash(g[9]) === null ? null : Number(g[9]),
    error_code: dash(g[10]),
    bytes_out: dash(g[11]) === null ? 0 : Number(g[11]),
    object_size: dash(g[12]) === null ? null : Number(g[12]),
    total_time_ms: dash(g[13]) === null ? null : Number(g[13]),
    user_agent: dash(g[16]),
    host_id: dash(g[18]),
    signature_version: dash(g[19]),
    cipher_suite: dash(g[20]),
    auth_type: dash(g[21]),
    tls_version: tls !== null && tls.slice(0, 4).toLowerCase() === 'tlsv' ? `TLSv${tls.slice(4)}` : tls,
  };
}

function pick(row: Record<string, unknown>, like: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(like).map((k) => [k, row[k] ?? null]));
}

/** The streaming parser's event for one line, or null when it rejects the line. */
function parseLine(line: string): Record<string, unknown> | null {
  const parsed = parseBytes(s3AccessParser, Buffer.from(`${line}\n`, 'utf8'), { batchRows: 8 });
  return parsed.rows.length === 1 ? parsed.rows[0] : null;
}

describe('access-log RegexSerDe pattern', () => {
  it('is the same in the plain and the partitioned table and has one group per column', () => {
    expect(regexOf(true)).toBe(JAVA_REGEX);
    expect(new RegExp(`${JAVA_REGEX}|`).exec('')!.length - 1).toBe(COLUMNS.length);
    const ddl = ddlStatements(resolveDdlConfig({ database: 'd', accessLogs: 's3://target-bucket/' })).find((s) => s.name === 's3-access-log-table')!;
    for (const c of COLUMNS) expect(ddl.sql).toContain(`\`${c}\``);
  });

  it('is written as a Hive literal that unescapes to itself (backslashes doubled)', () => {
    expect(JAVA_REGEX).toContain('\\[([^\\]]*)\\]');
    expect(hiveStringLiteral(JAVA_REGEX)).toBe(propertyLiteral(ddlStatements(resolveDdlConfig({ database: 'd', accessLogs: 's3://b-1/' }))[1].sql, 'input.regex'));
  });

  it.each(fixtureLines())('$file: every line matches, and its groups tile the line field by field', ({ lines }) => {
    expect(lines.length).toBeGreaterThan(0);
    for (const [i, line] of lines.entries()) {
      const raw = rawGroups(line);
      expect(raw, `line ${i + 1}: ${line.slice(0, 120)}`).not.toBeNull();
      expectTiling(line, raw!);
    }
  });

  it.each(fixtureLines())('$file: groups carry what the parser puts in the event columns', ({ file, lines }) => {
    const parsed = parseBytes(s3AccessParser, readFileSync(new URL(file, FIXTURES)), { uri: `fixture://${file}` });
    expect(parsed.issues).toEqual([]);
    expect(parsed.rows).toHaveLength(lines.length);
    for (const [i, line] of lines.entries()) {
      const expected = viewColumns(groups(line)!);
      expect(pick(parsed.rows[i], expected), `${file} line ${i + 1}`).toEqual(expected);
    }
  });

  it('puts the fields the event schema does not carry in their columns too', () => {
    const [line] = readFileSync(new URL('awsdocs-current-2026-source-region.log', FIXTURES), 'utf8').split('\n');
    const g = Object.fromEntries(COLUMNS.map((c, i) => [c, rawGroups(line)![i]]));
    expect(g).toMatchObject({
      requestdatetime: '06/Feb/2019:00:00:38 +0000',
      key: '-',
      request_uri: '"GET /amzn-s3-demo-bucket1?versioning HTTP/1.1"',
      turnaroundtime: '-',
      referrer: '"-"',
      useragent: '"S3Console/0.4"',
      versionid: '-',
      endpoint: 'amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com',
      tlsversion: 'TLSV1.2',
      accesspointarn: 'arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP',
      aclrequired: 'Yes',
      sourceregion: 'us-east-1',
    });
    const dandi = readFileSync(new URL('dandi-s3-log-extraction.log', FIXTURES), 'utf8').split('\n');
    // a request-URI and a referer with raw quotes inside (line 5), a user agent starting with "" (line 4)
    expect(groups(dandi[4])![8]).toMatch(/^GET \/\/\?s=index.*"xinba".*\?> HTTP\/1\.1$/);
    expect(groups(dandi[4])![15]).toMatch(/^https:\/\/dandiarchive\.s3\.amazonaws\.com\/\/\?s=index.*"xinba"/);
    expect(groups(dandi[3])![16]).toMatch(/^"Mozilla\/5\.0 .*Safari\/537\.36$/);
    // a doubled space is a separator, not an empty requester (line 10)
    expect(groups(dandi[9])![4]).toBe('arn:aws:iam::123:user/dandi-api-heroku');
  });

  const OWNER = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';
  const HEAD = `${OWNER} bucket-1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 ${OWNER} 3E57427F3EXAMPLE REST.GET.OBJECT key.txt`;

  it('keeps every present field of 18- to 27-field lines and NULLs only the missing ones', () => {
    const tail = ['hostid=', 'SigV4', 'ECDHE-RSA-AES128-GCM-SHA256', 'AuthHeader', 'bucket-1.s3.amazonaws.com', 'TLSv1.3', '-', 'Yes', 'us-east-1'];
    for (let extra = 0; extra <= tail.length; extra++) {
      const line = [`${HEAD} "GET /bucket-1/key.txt HTTP/1.1" 200 - 10 10 5 4 "-" "curl/8" -`, ...tail.slice(0, extra)].join(' ');
      const g = groups(line)!;
      expect(g, `${18 + extra} fields`).not.toBeNull();
      expect(g.slice(18, 18 + extra)).toEqual(tail.slice(0, extra));
      expect(g.slice(18 + extra).every((v) => v === undefined)).toBe(true);
    }
  });

  it('swallows fields AWS adds after the 27th, and trailing spaces', () => {
    const line = `${HEAD} "GET / HTTP/1.1" 200 - 1 1 1 1 "-" "ua" - h SigV4 c AuthHeader e TLSv1.2 - - us-east-1 future-field "another one" `;
    expect(groups(line)![26]).toBe('us-east-1');
    expect(groups(`${HEAD} "GET / HTTP/1.1" 200 - 1 1 1 1 "-" "ua" - h SigV4 c AuthHeader e TLSv1.2 - Yes `)![25]).toBe('Yes');
  });

  it('reads a Referer with spaces and quotes, and a User-Agent with " inside', () => {
    const line = `${HEAD} "GET /a?b="c d" HTTP/1.1" 200 - 1 1 1 1 "https://x.example/" q" "Mozilla/5.0 "quoted" (X11)" - h SigV4 c AuthHeader e TLSv1.2`;
    const g = groups(line)!;
    expect(g[8]).toBe('GET /a?b="c d" HTTP/1.1');
    expect(g[15]).toBe('https://x.example/" q');
    expect(g[16]).toBe('Mozilla/5.0 "quoted" (X11)');
    expect(g[19]).toBe('SigV4');
    expectTiling(line, rawGroups(line)!);
    expect(pick(parseLine(line)!, viewColumns(g))).toEqual(viewColumns(g));
  });

  it('keeps the CloudFront origin access identity requester whole', () => {
    const oai = 'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2EXAMPLE';
    const line = `${OWNER} bucket-1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 ${oai} 3E57427F3EXAMPLE REST.GET.OBJECT k "GET /k HTTP/1.1" 200 - 1 1 1 1 "-" "ua" -`;
    expect(groups(line)![4]).toBe(oai);
    expect(parseLine(line)).toMatchObject({ principal_arn: oai, request_id: '3E57427F3EXAMPLE' });
  });

  it('does not match lines the parser rejects', () => {
    for (const bad of [
      'not an access log line',
      `${HEAD} "GET / HTTP/1.1" 2000 - 1 1 1 1 "-" "ua" -`,
      `${HEAD} "GET / HTTP/1.1" 200 - 1 1 1 1 "-" "ua"`,
      `${HEAD} "GET / HTTP/1.1" 200 - 1 1 1 1 "-" "ua" - h SigV9 c`,
      `${HEAD} "GET / HTTP/1.1" 200 - 1 1 1 1 "-" "ua" - h SigV4 c Password e`,
      `${HEAD} "GET / HTTP/1.1 200 - 1 1 1 1 "-" "ua" -`,
    ]) {
      expect(parseLine(bad), bad).toBeNull();
      expect(groups(bad), bad).toBeNull();
    }
  });

  it('agrees with the parser on generated lines with hostile quoted fields (both accept, or both reject)', () => {
    let accepted = 0;
    let onlyRegex = 0;
    const clientText = fc.string({ unit: fc.constantFrom('a', ' ', '"', '" ', '-', '/', 'é', '1'), maxLength: 12 });
    const bare = fc.string({ unit: fc.constantFrom('a', 'B', '0', '-', '.', '/', '+', '='), minLength: 1, maxLength: 6 });
    const quoted = fc.oneof(clientText.map((t) => `"${t}"`), fc.constant('-'));
    const tailField = fc.oneof(bare, fc.constant('-'), fc.constant('"-"'));
    // fields 20 and 22 are validated by both: mostly valid values, sometimes not
    const sigv = fc.constantFrom('SigV2', 'SigV4', '-', '"-"', 'SigV3');
    const auth = fc.constantFrom('AuthHeader', 'QueryString', '-', 'Basic');
    fc.assert(
      fc.property(quoted, quoted, quoted, fc.array(tailField, { maxLength: 11 }), sigv, auth, fc.integer({ min: 1, max: 3 }), (uri, referer, agent, tail, sig, au, spaces) => {
        const fields = [HEAD, uri, '200', '-', '10', '-', '5', '4', referer, agent, 'v1', ...tail];
        if (fields.length > 12) fields[12] = sig;
        if (fields.length > 14) fields[14] = au;
        const line = fields.join(' '.repeat(spaces));
        const row = parseLine(line);
        const raw = rawGroups(line);
        if (row !== null) {
          accepted++;
          expect(raw, line).not.toBeNull();
          expectTiling(line, raw!);
          const expected = viewColumns(groups(line)!);
          expect(pick(row, expected), line).toEqual(expected);
        } else if (raw !== null) {
          onlyRegex++;
        }
      }),
      { numRuns: 800, seed: 5 },
    );
    // most generated lines are valid, and a line the parser rejects is never half-read by Athena
    expect(accepted).toBeGreaterThan(400);
    expect(onlyRegex).toBe(0);
  });
});

describe('Hive string literals', () => {
  it('unescape like Hive: \\\\ → \\, \\\' → \', unknown escapes drop the backslash, %/_ keep it', () => {
    expect(unescapeHiveString(String.raw`'a\\[b\[c\'d\"e\%f\_g\tZ'`)).toBe('a\\[b[c\'d"e\\%f\\_g\tZ');
    expect(unescapeHiveString(String.raw`'\u0041\101x'`)).toBe('AAx');
  });

  it('hiveStringLiteral round-trips any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\\', "'", '"', 'u', '0', '1', '7', '%', '_', 'n', ' ') }), (s) => {
        expect(unescapeHiveString(hiveStringLiteral(s))).toBe(s);
      }),
      { numRuns: 1000, seed: 3 },
    );
  });
});
