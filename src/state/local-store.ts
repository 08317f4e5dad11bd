/**
 * Local state directory (default `.trailhound/`): `state.json` written atomically (temp file +
 * rename) and a `lock` file against overlapping runs. A lock left by a dead process on this
 * host is detected and taken over.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { StateError } from '../errors.js';
import { log } from '../log.js';
import type { StateDoc, StateStore } from './types.js';
import { parseStateDoc } from './validate.js';

interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class LocalStateStore implements StateStore {
  private locked = false;

  constructor(readonly dir: string) {}

  get description(): string {
    return this.dir;
  }

  private get statePath(): string {
    return path.join(this.dir, 'state.json');
  }

  private get lockPath(): string {
    return path.join(this.dir, 'lock');
  }

  async lock(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const me: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fh = await open(this.lockPath, 'wx');
        await fh.writeFile(JSON.stringify(me));
        await fh.close();
        this.locked = true;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      let holder: LockInfo | undefined;
      try {
        holder = JSON.parse(await readFile(this.lockPath, 'utf8')) as LockInfo;
      } catch {
        holder = undefined;
      }
      const stale = holder === undefined || (holder.host === me.host && !alive(holder.pid));
      if (!stale) {
        throw new StateError(
          `state ${this.dir} is locked by another run (pid ${holder!.pid} on ${holder!.host} since ${holder!.started})`,
          `wait for it to finish; if that run is gone, delete ${this.lockPath}`,
        );
      }
      log().warn({ lock: this.lockPath, holder }, 'removing a stale lock left by a dead run');
      await rm(this.lockPath, { force: true });
    }
    throw new StateError(`could not take the lock ${this.lockPath}`);
  }

  async load(): Promise<StateDoc | null> {
    let text: string;
    try {
      text = await readFile(this.statePath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StateError(`cannot read state ${this.statePath}: ${(err as Error).message}`);
    }
    return parseStateDoc(text, this.statePath);
  }

  async save(doc: StateDoc): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = `${this.statePath}.${process.pid}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(JSON.stringify(doc));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.statePath);
  }

  async unlock(): Promise<void> {
    if (!this.locked) return;
    this.locked = false;
    await rm(this.lockPath, { force: true });
  }
}

