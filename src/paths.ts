/**
 * Paths inside the installed package (works from src/ under tsx and from dist/src/).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  root = dir;
  return dir;
}

export function bundledSamples(): string {
  return path.join(packageRoot(), 'samples');
}

/** The bundled samples as log sources: the log folders only, not the labels and README beside them. */
export function bundledSampleSources(): string[] {
  return [path.join(bundledSamples(), 'cloudtrail'), path.join(bundledSamples(), 's3access')];
}

export function queriesDir(): string {
  return path.join(packageRoot(), 'queries');
}
