/**
 * `recoup queue prepare|status`, `recoup collector list|set`, `recoup desk next`: the
 * collectors' queues from the command line. The command line acts as an administrator.
 */
import type { Command } from 'commander';
import type { Actor } from '../../domain/access/roles.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import { nextTask, prepareQueues, setCollectors } from '../../app/workspace/workspace.ts';
import { readJsonOrYaml } from '../files/documents.ts';
import { loadConfig } from '../config.ts';
import { workspaceDeps, type Platform } from '../platform.ts';
import { dateArg, out, type WithPlatform } from './format.ts';

const CLI: Actor = { user: 'cli', role: 'administrator' };

export function registerWorkspaceCommands(cli: Command, withPlatform: WithPlatform): void {
  const deps = (p: Platform) => workspaceDeps(p, loadConfig().channels.companyName);
  const queue = cli.command('queue').description("the collectors' call queues");

  queue
    .command('prepare')
    .description("set the day's call tasks in their queues: value, callable hours, collectors")
    .option('--day <date>', 'the day (default today)', dateArg)
    .action((o: { day?: LocalDate }) =>
      withPlatform(async (p) => {
        const r = await prepareQueues(deps(p), { day: o.day ?? p.today() }, p.clock.now());
        out(
          `${r.tasks} call tasks: ${r.assigned} given to collectors, ${r.pooled} in the pool, ` +
            `${r.deferred} waiting for the rules, ${r.blocked} blocked`,
        );
      }),
    );

  queue
    .command('status')
    .description("the day's call tasks by queue, collector and state")
    .option('--day <date>', 'the day (default today)', dateArg)
    .action((o: { day?: LocalDate }) =>
      withPlatform(async (p) => {
        const rows = await p.workspace.summary(o.day ?? p.today());
        for (const r of rows)
          out(
            [
              r.queue.padEnd(28),
              (r.assignee ?? '(pool)').padEnd(16),
              r.state.padEnd(12),
              String(r.tasks).padStart(6),
            ].join('  '),
          );
      }),
    );

  const collector = cli.command('collector').description('collectors and teams');
  collector
    .command('list')
    .description('collectors with their queues, languages, buckets, skills and capacity')
    .action(() =>
      withPlatform(async (p) => {
        for (const c of await p.workspace.collectors())
          out(
            [
              c.id.padEnd(16),
              (c.team ?? '-').padEnd(10),
              `queues ${c.queues.join(',')}`,
              `languages ${c.languages.join(',') || 'any'}`,
              `buckets ${c.buckets.join(',') || 'any'}`,
              `capacity ${c.capacity}`,
              c.active ? '' : '(inactive)',
            ].join('  '),
          );
      }),
    );
  collector
    .command('set <file>')
    .description(
      'add or change collectors and teams from a JSON or YAML file ({collectors, teams})',
    )
    .action((file: string) =>
      withPlatform(async (p) => {
        const doc = readJsonOrYaml(file, 'the collectors file') as {
          collectors?: unknown[];
          teams?: unknown[];
        };
        const r = await setCollectors(deps(p), CLI, {
          collectors: doc.collectors ?? [],
          ...(doc.teams ? { teams: doc.teams } : {}),
        });
        out(`${r.collectors} collectors, ${r.teams} teams saved`);
      }),
    );

  cli
    .command('desk')
    .description("a collector's desk")
    .command('next')
    .description('the best task the collector may take now, locked for it')
    .requiredOption('--collector <id>', 'the collector')
    .action((o: { collector: string }) =>
      withPlatform(async (p) => {
        const n = await nextTask(deps(p), o.collector, p.today(), p.clock.now());
        out(JSON.stringify(n, null, 2));
      }),
    );
}
