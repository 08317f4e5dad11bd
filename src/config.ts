/**
 * The config file (`--config trailhound.json`): per-detector switches, severities, tunables
 * and allow-lists. One schema, generated from the detectors' own tunable defaults, reports
 * every problem with its path.
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { z } from 'zod';
import type { AnyDetector, TunableValue } from './detect/detector.js';
import { SEVERITIES, type Severity } from './detect/finding.js';
import type { DetectorSettings } from './detect/runner.js';
import type { AllowListConfig } from './detect/allow-list.js';
import { ConfigError } from './errors.js';

export interface TrailhoundConfig {
  detectors: Record<string, DetectorSettings>;
  allow: AllowListConfig;
  service_principals: { max_severity: Severity };
}

const cidr = z.string().refine((s) => {
  const [addr, bits, extra] = s.split('/');
  if (extra !== undefined || isIP(addr) === 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return Number.isInteger(n) && n >= 0 && n <= (isIP(addr) === 4 ? 32 : 128);
}, 'expected an IP address or CIDR range such as 203.0.113.0/24');

const allowSchema = z
  .object({
    principals: z.array(z.string().min(1)),
    source_ips: z.array(cidr),
    buckets: z.array(z.string().min(1)),
    user_agents: z.array(z.string().min(1)),
  })
  .strict()
  .partial();

function tunableSchema(value: TunableValue): z.ZodType {
  if (typeof value === 'number') return z.number().finite();
  if (typeof value === 'boolean') return z.boolean();
  if (typeof value === 'string') return z.string();
  return z.array(z.string());
}

export function configSchema(detectors: readonly AnyDetector[]): z.ZodType<Partial<TrailhoundConfig>> {
  const perDetector = Object.fromEntries(
    detectors.map((d) => [
      d.id,
      z
        .object({
          enabled: z.boolean(),
          severity: z.enum(SEVERITIES),
          tunables: z
            .object(Object.fromEntries(Object.entries(d.tunables).map(([k, v]) => [k, tunableSchema(v as TunableValue)])))
            .strict()
            .partial(),
          allow: allowSchema,
        })
        .strict()
        .partial(),
    ]),
  );
  return z
    .object({
      $schema: z.string(),
      detectors: z.object(perDetector).strict().partial(),
      allow: allowSchema,
      service_principals: z.object({ max_severity: z.enum(SEVERITIES) }).strict(),
    })
    .strict()
    .partial() as unknown as z.ZodType<Partial<TrailhoundConfig>>;
}

export const DEFAULT_CONFIG: Readonly<TrailhoundConfig> = Object.freeze({
  detectors: {},
  allow: {},
  service_principals: { max_severity: 'low' as Severity },
});

/** Validate a parsed config object; every problem is reported as `path: message`. */
export function validateConfig(raw: unknown, detectors: readonly AnyDetector[], source = 'config'): TrailhoundConfig {
  const result = configSchema(detectors).safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid ${source}`, problems, 'see README "Configuration" for the schema');
  }
  const c = result.data;
  return {
    detectors: (c.detectors ?? {}) as Record<string, DetectorSettings>,
    allow: c.allow ?? {},
    service_principals: c.service_principals ?? DEFAULT_CONFIG.service_principals,
  };
}

export async function loadConfig(path: string | undefined, detectors: readonly AnyDetector[]): Promise<TrailhoundConfig> {
  if (!path) return { ...DEFAULT_CONFIG };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return validateConfig(raw, detectors, `config ${path}`);
}
