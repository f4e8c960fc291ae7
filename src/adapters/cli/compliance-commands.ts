/** `recoup compliance check --input case.json`: one contact decision, as JSON. */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { checkContact } from '../../domain/compliance/check.ts';
import { RULE_SETS } from '../../domain/compliance/rule-sets.ts';
import type { ComplianceCase } from '../../domain/compliance/types.ts';

export function registerComplianceCommands(cli: Command, setExit: (code: number) => void) {
  const c = cli.command('compliance').description('contact compliance: rule sets and decisions');
  c.command('check')
    .description(
      'decide whether a proposed contact is allowed (see docs/compliance.md for the format)',
    )
    .requiredOption('--input <file>', 'the case as JSON (- for standard input)')
    .action((o: { input: string }) => {
      const text = readFileSync(o.input === '-' ? 0 : o.input, 'utf8');
      let input: ComplianceCase;
      try {
        input = JSON.parse(text) as ComplianceCase;
      } catch (e) {
        process.stderr.write(`${o.input}: not valid JSON: ${(e as Error).message}\n`);
        setExit(1);
        return;
      }
      const problems: string[] = [];
      if (typeof input?.ruleSet !== 'string') problems.push('ruleSet: is required');
      if (!Array.isArray(input?.consumer?.timezones))
        problems.push('consumer.timezones: a list of time zones is required');
      if (!Array.isArray(input?.history))
        problems.push('history: a list of attempts is required (may be empty)');
      if (typeof input?.proposed?.ts !== 'string')
        problems.push('proposed.ts: an ISO instant with offset is required');
      if (problems.length > 0) {
        for (const p of problems) process.stderr.write(`${o.input}: ${p}\n`);
        setExit(1);
        return;
      }
      try {
        process.stdout.write(JSON.stringify(checkContact(input), null, 2) + '\n');
      } catch (e) {
        process.stderr.write(`${o.input}: ${(e as Error).message}\n`);
        setExit(1);
      }
    });
  c.command('rules')
    .description('the rule sets and their settings')
    .action(() => {
      process.stdout.write(JSON.stringify(RULE_SETS, null, 2) + '\n');
    });
}
