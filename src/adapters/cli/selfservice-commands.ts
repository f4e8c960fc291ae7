/**
 * `recoup link issue --account ID`: a signed, expiring self-service link for an account, for
 * support staff to give a customer who asks for it (the messages carry their own).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { issueLink } from '../../app/selfservice/selfservice.ts';
import { loadConfig } from '../config.ts';
import { selfServiceDeps } from '../platform.ts';
import { out, type WithPlatform } from './format.ts';

function daysArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 366)
    throw new InvalidArgumentError(`"${v}" is not a number of days from 1 to 366`);
  return n;
}

export function registerSelfServiceCommands(cli: Command, withPlatform: WithPlatform): void {
  const link = cli.command('link').description("customers' self-service links");
  link
    .command('issue')
    .description('a signed self-service link for an account, valid for some days')
    .requiredOption('--account <id>', 'the account')
    .option('--days <n>', 'days the link is valid (default RECOUP_LINK_DAYS, 14)', daysArg)
    .action((o: { account: string; days?: number }) =>
      withPlatform(async (p) => {
        const config = loadConfig();
        const r = await issueLink(
          selfServiceDeps(p, config.channels.companyName),
          o.account,
          o.days === undefined ? {} : { days: o.days },
        );
        out(`${config.channels.publicUrl}/s/${r.token}`);
        out(`valid until ${r.expiresAt}`);
      }),
    );
}
