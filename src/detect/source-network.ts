/**
 * Source addresses → networks: `198.51.100.7` → `198.51.100.0/24`, `2001:db8:1:2::5` →
 * `2001:db8:1::/48`. Strings that are not IP addresses (`AWS Internal`, `s3.amazonaws.com`,
 * hostnames CloudTrail logs for service calls) have no network.
 */
import { isIPv4, isIPv6 } from 'node:net';

function ipv4Octets(s: string): number[] | null {
  if (!isIPv4(s)) return null;
  return s.split('.').map(Number);
}

/** IPv6 text → eight 16-bit groups (IPv4-embedded tails included), or null. */
export function ipv6Groups(s: string): number[] | null {
  const zone = s.indexOf('%');
  const addr = zone >= 0 ? s.slice(0, zone) : s;
  if (!isIPv6(addr)) return null;
  let text = addr;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) >= 0) {
    const o = ipv4Octets(text.slice(lastColon + 1));
    if (!o) return null;
    tail.push((o[0] << 8) | o[1], (o[2] << 8) | o[3]);
    // '::ffff:1.2.3.4' → '::ffff', '::1.2.3.4' → '::'
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').filter((g) => g !== '').map((g) => parseInt(g, 16)));
  const dbl = text.indexOf('::');
  let groups: number[];
  const want = 8 - tail.length;
  if (dbl >= 0) {
    const head = parse(text.slice(0, dbl));
    const rest = parse(text.slice(dbl + 2));
    groups = [...head, ...new Array<number>(Math.max(0, want - head.length - rest.length)).fill(0), ...rest];
  } else {
    groups = parse(text);
  }
  groups.push(...tail);
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

function formatIpv6(groups: number[]): string {
  // Compress the longest run (≥ 2) of zero groups, leftmost on ties (RFC 5952).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/**
 * The network of a source address, as CIDR text; null for strings that are not IP addresses.
 * IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) count as IPv4.
 */
export function sourceNetwork(ip: string, v4Bits = 24, v6Bits = 48): string | null {
  const o = ipv4Octets(ip);
  if (o) return ipv4Network(o, v4Bits);
  const g = ipv6Groups(ip);
  if (!g) return null;
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return ipv4Network([g[6] >> 8, g[6] & 0xff, g[7] >> 8, g[7] & 0xff], v4Bits);
  }
  const bits = Math.max(0, Math.min(128, Math.floor(v6Bits)));
  const masked = g.map((x, i) => {
    const keep = Math.max(0, Math.min(16, bits - i * 16));
    return keep === 0 ? 0 : x & ((0xffff << (16 - keep)) & 0xffff);
  });
  return `${formatIpv6(masked)}/${bits}`;
}

function ipv4Network(o: number[], v4Bits: number): string {
  const bits = Math.max(0, Math.min(32, Math.floor(v4Bits)));
  const n = ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const m = (n & mask) >>> 0;
  return `${m >>> 24}.${(m >>> 16) & 0xff}.${(m >>> 8) & 0xff}.${m & 0xff}/${bits}`;
}
