/**
 * `trailhound hunts`: the named hunts with their parameters; `trailhound hunts NAME` shows one
 * in full (documentation and SQL).
 */
import type { Writable } from 'node:stream';
import { ConfigError } from '../errors.js';
import { renderTable } from '../output/terminal.js';
import { getHunt, loadHunts, type Hunt, type HuntParam } from '../query/hunts.js';
import type { CommandOutcome } from './outcome.js';

export interface HuntsOptions {
  format?: string;
}

function signature(p: HuntParam): string {
  return `${p.name}:${p.type}${p.default !== undefined ? `=${p.default}` : ''}`;
}

function jsonOf(h: Hunt): Record<string, unknown> {
  return {
    name: h.name,
    title: h.title,
    description: h.description,
    engines: h.engines,
    params: h.params.map((p) => ({ name: p.name, type: p.type, ...(p.default !== undefined ? { default: p.default } : {}), required: p.default === undefined && !p.builtin, description: p.description })),
    file: h.file,
  };
}

function detail(h: Hunt): string {
  const params = h.params.map((p) => `  --param ${signature(p).padEnd(34)} ${p.default === undefined && !p.builtin ? '(required) ' : ''}${p.description}`);
  return [
    `${h.name} — ${h.title}`,
    '',
    h.description,
    '',
    'parameters:',
    ...params,
    '',
    `example: trailhound query --hunt ${h.name} ${h.params.filter((p) => !p.builtin && p.default === undefined).map((p) => `--param ${p.name}=…`).join(' ')} [SOURCE…]`.replace(/\s+\[/, ' ['),
    '',
    h.sql,
    '',
  ].join('\n');
}

export async function run(name: string | undefined, o: HuntsOptions = {}, out: Writable = process.stdout): Promise<CommandOutcome> {
  const format = o.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new ConfigError('--format must be text or json');
  if (name !== undefined) {
    const h = getHunt(name);
    out.write(format === 'json' ? `${JSON.stringify(jsonOf(h), null, 2)}\n` : detail(h));
    return {};
  }
  const hunts = [...loadHunts().values()];
  if (format === 'json') {
    out.write(`${JSON.stringify(hunts.map(jsonOf), null, 2)}\n`);
    return {};
  }
  const rows = hunts.map((h) => [h.name, h.title, h.params.filter((p) => !p.builtin).map(signature).join(', ') || '—']);
  out.write(`${renderTable(['hunt', 'title', 'parameters (besides --since/--until)'], rows, 90)}\n\ntrailhound hunts NAME shows one in full; run it with trailhound query --hunt NAME --param name=value [SOURCE…]\n`);
  return {};
}
