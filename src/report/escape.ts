/**
 * Escaping for the HTML report. Every log-derived string (principals, keys, user agents, summaries
 * that quote them) reaches the page through one of these:
 * - `html` for text and for attribute values (always double-quoted in this report): & < > " ' become
 *   entities, so text cannot open a tag and a value cannot leave its attribute;
 * - `scriptJson` for data read by the page script from a `<script type="application/json">` block:
 *   JSON with < > & U+2028 U+2029 written as \u00XX escapes, so `</script>` or `<!--` in a value
 *   cannot end or change the block, and JSON.parse gives the original strings back.
 */
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function html(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

export function scriptJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** An id fragment for anchors made from our own hex ids; anything else is replaced. */
export function anchorId(prefix: string, id: string): string {
  return `${prefix}-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
