/**
 * `trailhound athena ddl|setup` through the commander wiring of src/cli.ts.
 */
import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand, StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import type { AthenaCommandDeps } from '../../src/commands/athena.js';
import { runDdl, runSetup } from '../../src/commands/athena.js';
import { ConfigError } from '../../src/errors.js';
import { buildProgram } from '../../src/cli.js';

const client = new AthenaClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const athena = mockClient(client);
afterEach(() => athena.reset());

const instantClock = { sleep: async () => {}, random: () => 0.5 };
const silent = { info: () => {}, warn: () => {}, debug: () => {} };

/** The CLI's own commander program, with the athena subcommands' actions swapped for a recorder. */
function program(calls: { command: string; options: Record<string, unknown> }[]): Command {
  const p = buildProgram();
  const athenaCmd = p.commands.find((c) => c.name() === 'athena')!;
  for (const sub of athenaCmd.commands) {
    sub.action(async (options: Record<string, unknown>) => {
      calls.push({ command: sub.name(), options });
    });
  }
  return p;
}

async function parse(argv: string[]) {
  const calls: { command: string; options: Record<string, unknown> }[] = [];
  await program(calls).parseAsync(['node', 'trailhound', ...argv]);
  return calls[0];
}

describe('trailhound athena ddl', () => {
  it('parses the options into what runDdl takes and prints every statement', async () => {
    const { command, options } = await parse([
      'athena', 'ddl', '--database', 'sec', '--cloudtrail', 's3://trail-bucket/', '--access-logs', 's3://log-bucket/logs/',
      '--partitioned-access-logs', '--org-id', 'o-abcdef1234', '--accounts', '111122223333', '--regions', 'us-east-1', '--buckets', 'data-bucket',
      '--from', '2024-01-01',
    ]);
    expect(command).toBe('ddl');
    expect(options).toMatchObject({ database: 'sec', accessLogs: 's3://log-bucket/logs/', partitionedAccessLogs: true, orgId: 'o-abcdef1234', cloudtrailTable: 'cloudtrail_logs' });
    let out = '';
    await runDdl(options, { write: (t) => (out += t) });
    const statements = out.split(';\n').filter((s) => s.trim() !== '');
    expect(statements).toHaveLength(4);
    expect(statements[0]).toMatch(/^CREATE DATABASE IF NOT EXISTS `sec`/);
    expect(statements[1]).toMatch(/^\n?CREATE EXTERNAL TABLE IF NOT EXISTS `sec`.`cloudtrail_logs`/);
    expect(statements[2]).toMatch(/\n?CREATE EXTERNAL TABLE IF NOT EXISTS `sec`.`s3_access_logs`/);
    expect(statements[3]).toMatch(/\n?CREATE OR REPLACE VIEW "sec"."trailhound_events" AS/);
  });

  it('refuses bad options with every problem listed', async () => {
    const { options } = await parse(['athena', 'ddl', '--database', 'sec', '--cloudtrail', "s3://trail-bucket/x'y/", '--accounts', '12']);
    const err = await runDdl(options, { write: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toHaveLength(2);
  });
});

describe('trailhound athena setup', () => {
  it('runs the statements in order through the runner, one at a time', async () => {
    const started: string[] = [];
    athena.on(StartQueryExecutionCommand).callsFake((input: { QueryString: string }) => {
      started.push(input.QueryString);
      return { QueryExecutionId: `q-${started.length}` };
    });
    athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => ({
      QueryExecution: { QueryExecutionId: input.QueryExecutionId, StatementType: 'DDL', Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 0 } },
    }));
    const { command, options } = await parse([
      'athena', 'setup', '--database', 'sec', '--cloudtrail', 's3://trail-bucket', '--accounts', '111122223333', '--regions', 'us-east-1',
      '--workgroup', 'security', '--output', 's3://athena-results/trailhound',
    ]);
    expect(command).toBe('setup');
    let out = '';
    const deps: AthenaCommandDeps = { athena: client, write: (t) => (out += t), runner: { clock: instantClock, logger: silent } };
    await runSetup(options, deps);
    expect(started.map((s) => s.split('\n')[0])).toEqual([
      'CREATE DATABASE IF NOT EXISTS `sec`',
      'CREATE EXTERNAL TABLE IF NOT EXISTS `sec`.`cloudtrail_logs` (',
      'CREATE OR REPLACE VIEW "sec"."trailhound_events" AS',
    ]);
    const first = athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input;
    expect(first).toMatchObject({ WorkGroup: 'security', ResultConfiguration: { OutputLocation: 's3://athena-results/trailhound/' } });
    expect(first.QueryExecutionContext).toBeUndefined();
    expect(out).toContain('ok  create-database  (q-1)');
    expect(out).toContain('ok  trailhound_events  (q-3)');
  });

  it('stops at the first failing statement', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { QueryExecutionId: 'q-1', StatementType: 'DDL', Status: { State: 'FAILED', StateChangeReason: 'Insufficient permissions', AthenaError: { ErrorCategory: 2, ErrorType: 1100 } } },
    });
    const { options } = await parse(['athena', 'setup', '--database', 'sec', '--access-logs', 's3://log-bucket/']);
    await expect(runSetup(options, { athena: client, write: () => {}, runner: { clock: instantClock, logger: silent } })).rejects.toThrow(/Insufficient permissions/);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
  });

  it('stops the running statement when interrupted', async () => {
    const controller = new AbortController();
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    let stopped = false;
    athena.on(StopQueryExecutionCommand).callsFake(() => {
      stopped = true;
      return {};
    });
    athena.on(GetQueryExecutionCommand).callsFake(() => {
      controller.abort();
      return { QueryExecution: { QueryExecutionId: 'q-1', Status: { State: stopped ? 'CANCELLED' : 'RUNNING' } } };
    });
    const { options } = await parse(['athena', 'setup', '--database', 'sec', '--access-logs', 's3://log-bucket/']);
    await expect(runSetup(options, { athena: client, write: () => {}, signal: controller.signal, runner: { clock: instantClock, logger: silent } })).rejects.toThrow(/cancelled on request/);
    expect(athena.commandCalls(StopQueryExecutionCommand)).toHaveLength(1);
  });

  it('checks --workgroup, --output and --region', async () => {
    const { options } = await parse(['athena', 'setup', '--database', 'sec', '--access-logs', 's3://log-bucket/', '--workgroup', "x'y", '--output', 'results', '--region', 'nowhere']);
    const err = await runSetup(options, { athena: client, write: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['--workgroup', '--output', '--region']);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });
});
