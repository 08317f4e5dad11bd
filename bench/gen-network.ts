/**
 * Value distributions shared by both generators. Source addresses come from a fixed set of
 * networks (VPC subnets, offices, NAT gateways, IPv6 /48s) with random hosts: real principals use a
 * handful of networks, and drawing every address from all of 10.0.0.0/8 would make each request
 * look like a new network to the detectors.
 */
import type { Rng } from './rng.js';

const V4_NETWORKS = [
  ...Array.from({ length: 16 }, (_, i) => `10.0.${i}`),
  ...Array.from({ length: 8 }, (_, i) => `10.1.${32 + i}`),
  '172.31.12',
  '172.31.44',
  '203.0.113',
  '198.51.100',
  '192.0.2',
  '52.94.133',
  '3.5.140',
  '18.184.99',
];
const V6_NETWORKS = ['2001:db8:4f1a', '2001:db8:9c00', '2600:1f18:24e0'];

export function sourceIp(r: Rng): string {
  if (r.chance(0.1)) return `${r.pick(V6_NETWORKS)}:${r.hex(4)}::${r.hex(3)}`;
  return `${r.pick(V4_NETWORKS)}.${r.range(1, 254)}`;
}

/** Object sizes as S3 sees them: mostly small objects, a long tail of large ones. */
export function objectSize(r: Rng): number {
  const x = r.next();
  if (x < 0.7) return r.int(100_000);
  if (x < 0.95) return r.range(100_000, 10_000_000);
  return r.range(10_000_000, 1_000_000_000);
}
