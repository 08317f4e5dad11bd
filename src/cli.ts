#!/usr/bin/env node
/**
 * trailhound command-line entry: commands are declared here and loaded only when run.
 * This is the one place where errors and outcomes become exit codes (README "Exit codes").
 */
import { Command, CommanderError, Option } from 'commander';
import { EXIT, ConfigError, TrailhoundError } from './errors.js';
import { log, setLogLevel } from './log.js';
import type { CommandOutcome } from './commands/outcome.js';
import { addReadOptions } from './commands/common.js';
import { bundledSampleSources } from './paths.js';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';


function exitCodeFor(outcome: CommandOutcome): number {
  if (outcome.failOn) return EXIT.findings;
  if (outcome.partial) return EXIT.partial;
  return EXIT.ok;
}

type Runner = (...args: never[]) => Promise<CommandOutcome>;

function action(load: () => Promise<{ run: Runner }>) {
  return async (...args: unknown[]): Promise<void> => {
    const { run } = await load();
    // commander passes (positional..., options, command); commands take (positional..., options)
    const outcome = await (run as (...a: unknown[]) => Promise<CommandOutcome>)(...args.slice(0, -1));
    process.exitCode = exitCodeFor(outcome);
  };
}

export function buildProgram(): Command {
  const program = new Command('trailhound')
    .description('Stream S3 server access logs and CloudTrail into Arrow; flag unusual principals, volume spikes, plaintext access and S3 configuration changes.')
    .version('0.1.0')
    .addOption(new Option('--log-level <level>', 'operational log level on stderr').choices(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'))
    .hook('preAction', (cmd) => setLogLevel(cmd.opts().logLevel as string))
    .showHelpAfterError()
    .exitOverride();

  addReadOptions(
    program
      .command('stats')
      .description('summarise logs: records per kind, time range, top principals / actions / buckets / source IPs, parse issues')
      .argument('[sources...]', 'files, directories, globs, - for stdin, or s3://bucket/prefix', bundledSampleSources())
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
      .option('--top <n>', 'how many top values to list', '10')
      .option('--since <when>', 'only log objects from this time on: a duration before now (7d, 12h) or an ISO date (2026-03-01)')
      .option('--until <when>', 'only log objects before this time (same forms as --since)')
      .option('--concurrency <n>', 'simultaneous S3 object reads per thread', '8')
      .option('--retries <n>', 'attempts per S3 request, with exponential backoff and jitter', '8'),
  ).action(action(() => import('./commands/stats.js')));

  addReadOptions(
    program
      .command('convert')
      .description('parse logs into one Arrow IPC stream of the event schema')
      .argument('<sources...>', 'files, directories, globs, - for stdin, or s3://bucket/prefix')
      .option('--to <file>', 'output Arrow IPC stream file (- for stdout)'),
  ).action(action(() => import('./commands/convert.js')));

  addReadOptions(
    program
      .command('analyze')
      .description('run the detectors over logs and print findings (default: the bundled samples)')
      .argument('[sources...]', 'files, directories, globs, - for stdin, or s3://bucket/prefix', bundledSampleSources())
      .addOption(new Option('--format <format>', 'findings format (default: table on a terminal, ndjson otherwise)').choices(['table', 'ndjson', 'ocsf']))
      .option('--out <file>', 'write findings to a file, or to s3://bucket/prefix/ (findings/YYYY/MM/DD/<run-id>.ndjson, each finding once)')
      .option('--config <file>', 'config file (JSON): detector switches, severities, tunables, allow-lists')
      .option('--state <dir>', 'state for baselines and checkpoints: a directory or s3://bucket/prefix/', '.trailhound')
      .option('--no-state', 'do not read or save state (one-off analysis)')
      .option('--detectors <ids>', 'comma-separated detector ids to run')
      .addOption(new Option('--fail-on <severity>', 'exit 3 when a finding at or above this severity exists').choices(['info', 'low', 'medium', 'high', 'critical']))
      .option('--since <when>', 'only log objects from this time on: a duration before now (7d, 12h) or an ISO date (2026-03-01)')
      .option('--until <when>', 'only log objects before this time (same forms as --since)')
      .option('--lookback <duration>', 'how far before its checkpoint an S3 stream is listed again for late objects', '24h')
      .option('--every <interval>', 'loop mode: one run per interval (15m, 1h) until SIGTERM/SIGINT')
      .option('--concurrency <n>', 'simultaneous S3 object reads per thread', '8')
      .option('--retries <n>', 'attempts per S3 request, with exponential backoff and jitter', '8')
      .option('--report <file>', 'also write a self-contained HTML report: summary, findings by severity with charts and evidence, a sortable table'),
  ).action(action(() => import('./commands/analyze.js')));

  addReadOptions(
    program
      .command('backfill')
      .description('learn baselines from history aggregated in SQL (Athena, or DuckDB over local or S3 logs) and report the period\'s findings')
      .argument('[sources...]', '--engine local: files, directories, globs or s3://bucket/prefix (default: the bundled samples)')
      .requiredOption('--since <when>', 'start of the period: a duration before now (90d, 12h) or an ISO date (2026-03-01)')
      .option('--until <when>', 'end of the period, exclusive (default: now)')
      .addOption(new Option('--engine <engine>', 'where the aggregation runs').choices(['local', 'athena']).default('local'))
      .option('--db <file>', '--engine local: a DuckDB file from trailhound query --db (its events are used, SOURCEs added)')
      .option('--database <name>', '--engine athena: the database holding the trailhound_events view')
      .option('--workgroup <name>', '--engine athena: Athena workgroup')
      .option('--output <s3uri>', '--engine athena: query result location s3://bucket/prefix/ (unless the workgroup enforces its own)')
      .addOption(new Option('--format <format>', 'findings format (default: table on a terminal, ndjson otherwise)').choices(['table', 'ndjson', 'ocsf']))
      .option('--out <file>', 'write findings to a file')
      .option('--config <file>', 'config file (JSON): detector switches, severities, tunables, allow-lists')
      .option('--state <dir>', 'state whose baselines the backfill seeds: a directory or s3://bucket/prefix/', '.trailhound')
      .option('--no-state', 'do not save baselines (findings only)')
      .option('--detectors <ids>', 'comma-separated detector ids to run')
      .addOption(new Option('--fail-on <severity>', 'exit 3 when a finding at or above this severity exists').choices(['info', 'low', 'medium', 'high', 'critical']))
      .option('--concurrency <n>', 'simultaneous S3 object reads per thread', '8')
      .option('--retries <n>', 'attempts per S3 request, with exponential backoff and jitter', '8'),
  ).action(action(() => import('./commands/backfill.js')));

  const collect = (value: string, previous: string[]): string[] => [...previous, value];
  addReadOptions(
    program
      .command('query')
      .description('run SQL or a named hunt over trailhound_events: embedded DuckDB over SOURCEs (default: the bundled samples), or Athena')
      .argument('[sql]', 'one SQL statement over trailhound_events (with --hunt: the first SOURCE)')
      .argument('[sources...]', '--engine local: files, directories, globs, - for stdin, or s3://bucket/prefix')
      .option('--hunt <name>', 'run a named hunt instead of SQL (trailhound hunts lists them)')
      .option('--param <name=value>', 'a hunt parameter (repeatable)', collect, [])
      .option('--arg <value>', 'the value of the next ? in ad-hoc SQL (repeatable; int:, double:, bool:, timestamp: prefixes for other types)', collect, [])
      .option('--since <when>', 'hunts: start of the event-time range: a duration before now (7d, 12h) or an ISO date or time; required on Athena')
      .option('--until <when>', 'hunts: end of the event-time range (exclusive; same forms)')
      .addOption(new Option('--engine <engine>', 'where the query runs').choices(['local', 'athena']).default('local'))
      .option('--db <file>', 'local: a DuckDB file that keeps the loaded events; objects already loaded are skipped')
      .addOption(new Option('--format <format>', 'output format (default: table on a terminal, ndjson otherwise, or from the --out extension)').choices(['table', 'csv', 'json', 'ndjson', 'arrow']))
      .option('--out <file>', 'write the results to a file instead of stdout')
      .option('--report <file>', 'also write the results as a self-contained HTML page')
      .option('--database <name>', 'athena: the database holding the trailhound_events view')
      .option('--workgroup <name>', 'athena: workgroup')
      .option('--output <s3uri>', 'athena: query result location s3://bucket/prefix/ (unless the workgroup enforces its own)'),
  ).action(action(() => import('./commands/query.js')));

  program
    .command('hunts')
    .description('list the named hunts and their parameters; hunts NAME shows one in full')
    .argument('[name]', 'a hunt name')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(action(() => import('./commands/hunts.js')));

  program
    .command('detectors')
    .description('list the detectors (id, default severity, title)')
    .option('--markdown', 'print the full reference (metadata, tunables, false positives) as Markdown')
    .action(action(() => import('./commands/detectors.js')));

  program
    .command('samples')
    .description('write realistic labelled synthetic CloudTrail and S3 access logs with injected incidents')
    .requiredOption('--out <dir>', 'output directory')
    .option('--days <n>', 'days of logs', '14')
    .option('--seed <n>', 'random seed (same seed, same bytes)', '7')
    .option('--start <date>', 'first day (UTC), default 2026-03-02')
    .option('--gzip-access-logs', 'gzip the access-log objects too')
    .action(action(() => import('./commands/samples.js')));

  const athena = program.command('athena').description('Athena tables and the trailhound_events view over the log buckets (history at scale)');
  const addAthenaDdlOptions = (cmd: Command): Command =>
    cmd
      .requiredOption('--database <name>', 'Athena (Glue) database for the tables and the view')
      .option('--cloudtrail <s3uri>', 'CloudTrail location above AWSLogs/: s3://bucket/[prefix/]')
      .option('--access-logs <s3uri>', 'S3 server access log location: s3://target-bucket/prefix/ (ending in /)')
      .option('--partitioned-access-logs', 'access logs use the partitioned key format (<account>/<region>/<bucket>/YYYY/MM/DD/)')
      .option('--org-id <id>', 'organisation trail: the o-… folder under AWSLogs/')
      .option('--accounts <ids>', 'comma-separated account ids (default: injected projection, so every query must pin one)')
      .option('--regions <names>', 'comma-separated regions (default: all commercial regions)')
      .option('--buckets <names>', 'partitioned access logs: comma-separated source buckets (default: injected projection)')
      .option('--from <day>', 'first day of the date projection, YYYY-MM-DD (default 2020-01-01)')
      .option('--cloudtrail-table <name>', 'CloudTrail table name', 'cloudtrail_logs')
      .option('--access-log-table <name>', 'access-log table name', 's3_access_logs')
      .option('--replace', 'drop and re-create the tables (definitions only; log objects are untouched)');
  addAthenaDdlOptions(athena.command('ddl').description('print the statements that create the database, the tables and the trailhound_events view'))
    .action(action(async () => ({ run: (await import('./commands/athena.js')).runDdl })));
  addAthenaDdlOptions(athena.command('setup').description('run those statements on Athena, in order'))
    .option('--workgroup <name>', 'Athena workgroup')
    .option('--output <s3uri>', 'query result location s3://bucket/prefix/ (unless the workgroup enforces its own)')
    .option('--region <region>', 'AWS region of Athena (default: AWS_REGION)')
    .option('--profile <name>', 'AWS shared-config profile (default: AWS_PROFILE)')
    .action(action(async () => ({ run: (await import('./commands/athena.js')).runSetup })));

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`trailhound: ${err.message}\n${err.problems.map((p) => `  ${p}\n`).join('')}${err.hint ? `hint: ${err.hint}\n` : ''}`);
      return EXIT.config;
    }
    if (err instanceof TrailhoundError) {
      process.stderr.write(`trailhound: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
      return EXIT.internal;
    }
    log().error({ err }, 'internal error');
    process.stderr.write(`trailhound: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.internal;
  }
}

function invokedDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
