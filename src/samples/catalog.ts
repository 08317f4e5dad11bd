/**
 * What is stored where: object keys the workloads read and write, and a stable size per key
 * (the same object has the same size every time it is read, whatever the seed).
 */
import { isoDate } from './clock.js';
import { Random } from './random.js';

/** A size in bytes that depends only on the key. */
export function objectSize(key: string, median: number, sigma = 0.6): number {
  return Math.max(64, Math.round(Random.fromKey(`size:${key}`).logNormal(median, sigma)));
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export const CUSTOMERS = 240;

export function customerReportKey(rng: Random, t: number): string {
  const customer = pad(rng.int(1, CUSTOMERS), 4);
  const day = isoDate(t - rng.int(0, 20) * 86_400_000);
  return `reports/customer-${customer}/${day.slice(0, 7)}/invoice-${day}.pdf`;
}

export function customerArchiveKey(customer: number, year: number): string {
  return `reports/customer-${pad(customer, 4)}/archive/statements-${year}.zip`;
}

export function rawEventKey(t: number, part: number): string {
  const d = new Date(t);
  const hour = `${isoDate(t).replace(/-/g, '/')}/${pad(d.getUTCHours(), 2)}`;
  return `raw/events/${hour}/part-${pad(part, 5)}.snappy.parquet`;
}

export function curatedKey(t: number, table: string, part: number): string {
  return `curated/${table}/dt=${isoDate(t)}/part-${pad(part, 5)}.snappy.parquet`;
}

export function exportKey(t: number, part: number): string {
  return `exports/analytics/${isoDate(t)}/orders-${pad(part, 3)}.csv.gz`;
}

export function legacyKey(t: number, direction: 'inbox' | 'outbox', n: number): string {
  return `legacy/${direction}/${isoDate(t).replace(/-/g, '')}-batch-${pad(n, 3)}.xml`;
}

export function backupKey(t: number, name: string): string {
  return `daily/${isoDate(t)}/${name}`;
}

export const BACKUP_SOURCES = [
  'pg-orders.dump.zst',
  'pg-customers.dump.zst',
  'pg-billing.dump.zst',
  'mysql-legacy.sql.gz',
  'fileserver-finance.tar.zst',
  'fileserver-hr.tar.zst',
  'gitlab-backup.tar',
  'vault-snapshot.snap',
] as const;

/** Prefixes nobody's role allows the application to read (denied when probed). */
export const RESTRICTED_PREFIXES = ['finance/payroll/', 'hr/contracts/', 'secrets/', 'finance/ledger/'] as const;

export interface WebAsset {
  key: string;
  size: number;
  weight: number;
}

const asset = (key: string, median: number, weight: number): WebAsset => ({
  key,
  size: objectSize(key, median, 0.3),
  weight,
});

export const WEBSITE_ASSETS: readonly WebAsset[] = [
  asset('index.html', 18_000, 30),
  asset('about/index.html', 12_000, 6),
  asset('pricing/index.html', 15_000, 8),
  asset('careers/index.html', 11_000, 3),
  asset('assets/app.3f9a1c.js', 310_000, 25),
  asset('assets/vendor.8b2e47.js', 720_000, 25),
  asset('assets/site.c41d09.css', 64_000, 25),
  asset('assets/fonts/inter-var.woff2', 98_000, 18),
  asset('images/hero.webp', 240_000, 20),
  asset('images/logo.svg', 6_000, 28),
  asset('images/team photo.jpg', 410_000, 3),
  asset('images/product-1.webp', 150_000, 8),
  asset('images/product-2.webp', 170_000, 6),
  asset('docs/northwind-brochure-2026.pdf', 2_400_000, 2),
  asset('favicon.ico', 15_000, 12),
];

/** What scanners and broken links ask for on the website: denied, since listing is not public. */
export const WEBSITE_MISSES = ['robots.txt', '.env', 'wp-login.php', '.git/config', 'old/index.html', 'apple-touch-icon.png'];
