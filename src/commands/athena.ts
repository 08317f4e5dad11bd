/**
 * `trailhound athena ddl` prints the statements that create the Athena database, tables and the
 * trailhound_events view; `trailhound athena setup` runs them, in order, through the Athena runner.
 */
import type { AthenaClient } from '@aws-sdk/client-athena';
import { ConfigError } from '../errors.js';
import { log } from '../log.js';
import { athenaClient, type AwsSettings } from '../athena/clients.js';
import { ddlStatements, ddlWarnings, resolveDdlConfig, VIEW_NAME, type DdlInput, type DdlStatement } from '../athena/ddl.js';
import { AthenaRunner, type AthenaRunnerOptions } from '../athena/runner.js';
import { Problems, checkRegion, checkS3Folder } from '../athena/validate.js';
import type { CommandOutcome } from './outcome.js';

export type AthenaDdlOptions = DdlInput;

export interface AthenaSetupOptions extends DdlInput, AwsSettings {
  workgroup?: string;
  output?: string;
}

/** What tests (or another caller) can substitute. */
export interface AthenaCommandDeps {
  athena?: AthenaClient;
  write?: (text: string) => void;
  signal?: AbortSignal;
  runner?: Partial<AthenaRunnerOptions>;
}

const WORKGROUP = /^[A-Za-z0-9._-]{1,128}$/;

function stdout(text: string): void {
  process.stdout.write(text);
}

function statementsFor(o: DdlInput): { database: string; statements: DdlStatement[] } {
  const config = resolveDdlConfig(o);
  for (const warning of ddlWarnings(config)) log().warn(warning);
  return { database: config.database, statements: ddlStatements(config) };
}

/** Prints the DDL, one statement per paragraph, each ending with `;`. */
export async function runDdl(o: AthenaDdlOptions, deps: AthenaCommandDeps = {}): Promise<CommandOutcome> {
  const { statements } = statementsFor(o);
  (deps.write ?? stdout)(statements.map((s) => `${s.sql};\n`).join('\n'));
  return {};
}

/** Runs the DDL on Athena, stopping at the first statement that fails. */
export async function runSetup(o: AthenaSetupOptions, deps: AthenaCommandDeps = {}): Promise<CommandOutcome> {
  const { database, statements } = statementsFor(o);
  const p = new Problems();
  if (o.workgroup !== undefined && !WORKGROUP.test(o.workgroup)) p.add('--workgroup', `${JSON.stringify(o.workgroup)} is not a workgroup name`);
  const output = o.output === undefined ? undefined : checkS3Folder(p, '--output', o.output, { addSlash: true });
  if (o.region !== undefined) checkRegion(p, '--region', o.region);
  if (!p.ok) throw new ConfigError('invalid athena options', p.list);

  const runner = new AthenaRunner({
    athena: deps.athena ?? athenaClient(o),
    ...(o.workgroup ? { workGroup: o.workgroup } : {}),
    ...(output ? { outputLocation: output.uri } : {}),
    ...deps.runner,
  });
  const write = deps.write ?? stdout;
  await withInterrupt(deps.signal, async (signal) => {
    // Names in the statements are fully qualified, so no database context is needed (the
    // database may not exist before the first statement).
    for (const s of statements) {
      const done = await runner.execute(s.sql, { signal, label: s.name });
      write(`ok  ${s.name}  (${done.id})\n`);
    }
  });
  write(`\nready: SELECT … FROM "${database}"."${VIEW_NAME}" WHERE partition_date BETWEEN 'YYYY/MM/DD' AND 'YYYY/MM/DD'\n`);
  return {};
}

/**
 * Runs `body` with an AbortSignal that the first Ctrl-C aborts (the runner then stops the running
 * query and waits for Athena to confirm); a second Ctrl-C falls through to Node's default exit.
 */
async function withInterrupt<T>(given: AbortSignal | undefined, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  if (given) return body(given);
  const controller = new AbortController();
  const onSigint = (): void => {
    process.removeListener('SIGINT', onSigint);
    log().warn('interrupted: stopping the running Athena query (Ctrl-C again to exit now)');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await body(controller.signal);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
