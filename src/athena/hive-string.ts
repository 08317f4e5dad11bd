/**
 * Hive string literals, as Hive's DDL parser reads them (BaseSemanticAnalyzer.unescapeSQLString,
 * which Trino copies for Hive views). A SERDEPROPERTIES value such as the access-log regex goes
 * through this unescaping before RegexSerDe compiles it, so tests check the regex *after* it, and
 * `hiveStringLiteral` writes a value so that it comes back unchanged.
 */

/** The value of a quoted Hive string token (`'…'` or `"…"`, quotes included), unescaped like Hive. */
export function unescapeHiveString(token: string): string {
  let enclosure: string | null = null;
  let out = '';
  const n = token.length;
  for (let i = 0; i < n; i++) {
    const c = token[i];
    if (enclosure === null) {
      // Hive ignores everything outside the quotes (and concatenates adjacent literals).
      if (c === "'" || c === '"') enclosure = c;
      continue;
    }
    if (c === enclosure) {
      enclosure = null;
      continue;
    }
    if (c === '\\' && i + 6 < n && token[i + 1] === 'u') {
      let code = 0;
      for (let j = 0; j < 4; j++) code = (code << 4) + parseInt(token[i + 2 + j], 16);
      out += String.fromCharCode(code);
      i += 5;
      continue;
    }
    if (c === '\\' && i + 4 < n) {
      const [i1, i2, i3] = [token[i + 1], token[i + 2], token[i + 3]];
      if (i1 >= '0' && i1 <= '1' && i2 >= '0' && i2 <= '7' && i3 >= '0' && i3 <= '7') {
        // one byte in octal (\000–\177 as ASCII; higher values are a lone byte Hive decodes as UTF-8)
        const byte = (i3.charCodeAt(0) - 48) + (i2.charCodeAt(0) - 48) * 8 + (i1.charCodeAt(0) - 48) * 64;
        out += Buffer.from([byte & 0xff]).toString('utf8');
        i += 3;
        continue;
      }
    }
    if (c === '\\' && i + 2 < n) {
      const next = token[i + 1];
      out += ESCAPES[next] ?? next;
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  "'": "'",
  '"': '"',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\u001a',
  '\\': '\\',
  // MySQL's LIKE escapes: Hive keeps the backslash for these two.
  '%': '\\%',
  _: '\\_',
};

/** A single-quoted Hive literal whose unescaped value is exactly `value`. */
export function hiveStringLiteral(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** The string literal token that follows `'key' =` in a properties list, or undefined. */
export function propertyLiteral(sql: string, key: string): string | undefined {
  const quotedKey = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Hive's lexer: StringLiteral = ' ( ~('\''|'\\') | ('\\' .) )* '
  const m = new RegExp(`'${quotedKey}'\\s*=\\s*('(?:[^'\\\\]|\\\\[\\s\\S])*')`).exec(sql);
  return m?.[1];
}
