/**
 * The SQL files under `queries/` are templates: `{{name}}` placeholders, a documentation header of
 * `--` lines, and for the view `-- @begin <section>` … `-- @end <section>` blocks that are joined by
 * UNION ALL. Rendering never quotes or escapes: every value was validated (validate.ts) or is SQL
 * chosen by our own code, and a placeholder without a value is an error rather than an empty string.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { queriesDir } from '../paths.js';

const PLACEHOLDER = /\{\{([a-z_]+)\}\}/g;

export function readQueryFile(relative: string): string {
  return readFileSync(path.join(queriesDir(), relative), 'utf8');
}

/** The `-- name: x` header value. */
export function templateName(text: string): string {
  const m = /^--\s*name:\s*(\S+)/m.exec(text);
  if (!m) throw new Error('SQL template without a "-- name:" header');
  return m[1];
}

/**
 * Removes whole-line `--` comments (the header and notes). Athena's DDL front end can mistake a
 * statement that starts with a comment for a DML query, and the repository file keeps the notes.
 */
export function stripLineComments(sql: string): string {
  return sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}

export function fillPlaceholders(sql: string, values: Readonly<Record<string, string>>): string {
  return sql.replace(PLACEHOLDER, (_, name: string) => {
    if (!Object.hasOwn(values, name)) throw new Error(`SQL template placeholder {{${name}}} has no value`);
    return values[name];
  });
}

interface Sections {
  head: string;
  sections: { name: string; body: string }[];
}

/** Splits `head -- @begin a … -- @end a <between> -- @begin b … -- @end b` into its parts. */
function splitSections(text: string): Sections {
  const re = /^--\s*@begin\s+(\S+)\s*$([\s\S]*?)^--\s*@end\s+\1\s*$/gm;
  const sections: Sections['sections'] = [];
  let head: string | undefined;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    head ??= text.slice(0, m.index);
    sections.push({ name: m[1], body: m[2] });
  }
  return { head: head ?? text, sections };
}

/** Keeps the named sections (in file order), joined with UNION ALL. */
export function selectSections(text: string, keep: ReadonlySet<string>, joiner = '\nUNION ALL\n'): string {
  const { head, sections } = splitSections(text);
  if (sections.length === 0) return text;
  const kept = sections.filter((s) => keep.has(s.name));
  if (kept.length === 0) throw new Error(`no section of the template is selected (have ${sections.map((s) => s.name).join(', ')})`);
  return head + kept.map((s) => s.body.trim()).join(joiner);
}

/** Template file → one executable statement: sections chosen, comments dropped, placeholders filled. */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>, sections?: ReadonlySet<string>): string {
  const chosen = sections ? selectSections(text, sections) : text;
  return fillPlaceholders(stripLineComments(chosen), values);
}
