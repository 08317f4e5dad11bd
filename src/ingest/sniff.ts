/**
 * Format sniffing from content, never from the name.
 */
import type { ParserModule } from '../../parsers/types.js';

export const SNIFF_BYTES = 4096;

export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Control bytes other than whitespace suggest a binary object rather than a log. */
export function looksBinary(head: Uint8Array): boolean {
  let control = 0;
  const n = Math.min(head.length, SNIFF_BYTES);
  for (let i = 0; i < n; i++) {
    const b = head[i];
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) control++;
  }
  return control > n / 100;
}

export function chooseParser(parsers: readonly ParserModule[], head: Uint8Array): ParserModule | undefined {
  return parsers.find((p) => p.sniff(head));
}
