/**
 * `recoup user add|list|set|password`, `recoup key create|list|revoke`, `recoup audit
 * verify|log`: users, API keys and the audit log from the command line, which acts as an
 * administrator (whoever runs it has the database already).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import {
  createApiKey,
  createUser,
  revokeApiKey,
  setPassword,
  updateUser,
} from '../../app/access/access.ts';
import { verifyAudit } from '../../app/audit/audit.ts';
import type { Actor } from '../../domain/access/roles.ts';
import { sha256Hex } from '../crypto/secrets.ts';
import { accessDeps } from '../platform.ts';
import { out, type WithPlatform } from './format.ts';

const CLI: Actor = { user: 'cli', role: 'administrator' };

/** A password from the environment variable named, or from the first line of stdin. */
function passwordFrom(o: { passwordEnv?: string }): string | undefined {
  if (o.passwordEnv) {
    const v = process.env[o.passwordEnv];
    if (v === undefined) throw new InvalidArgumentError(`${o.passwordEnv} is not set`);
    return v;
  }
  if (process.stdin.isTTY) return undefined;
  const line = readFileSync(0, 'utf8').split(/\r?\n/)[0];
  return line === '' ? undefined : line;
}

export function registerAccessCommands(
  cli: Command,
  withPlatform: WithPlatform,
  setExit: (code: number) => void,
): void {
  const user = cli.command('user').description('the people who sign in to the console');
  user
    .command('add <username>')
    .description(
      'add a user; the password comes from --password-env NAME or the first line of stdin',
    )
    .requiredOption(
      '--role <role>',
      'administrator, strategy_manager, supervisor, collector, field_agent, compliance_officer or analyst',
    )
    .requiredOption('--name <name>', 'the name shown in the console')
    .option(
      '--id <id>',
      "the user's id (a collector's or field agent's desk id; default the username)",
    )
    .option('--locale <locale>', 'en or zh-CN', 'en')
    .option('--password-env <NAME>', 'read the password from this environment variable')
    .action(
      (
        username: string,
        o: { role: string; name: string; id?: string; locale: string; passwordEnv?: string },
      ) =>
        withPlatform(async (p) => {
          const password = passwordFrom(o);
          const u = await createUser(accessDeps(p), CLI, {
            username,
            name: o.name,
            role: o.role,
            locale: o.locale,
            ...(o.id ? { id: o.id } : {}),
            ...(password !== undefined ? { password } : {}),
          });
          out(
            `user ${u.username} (${u.id}) added as ${u.role}${password ? '' : ' without a password: set one with `recoup user password`'}`,
          );
        }),
    );
  user
    .command('list')
    .description('users with their role, language and last sign-in')
    .action(() =>
      withPlatform(async (p) => {
        let after: string | undefined;
        for (;;) {
          const page = await p.access.users({
            limit: 200,
            ...(after ? { afterUsername: after } : {}),
          });
          for (const u of page)
            out(
              [
                u.username.padEnd(20),
                u.id.padEnd(20),
                u.role.padEnd(19),
                u.locale.padEnd(6),
                u.active ? 'active  ' : 'disabled',
                u.lastLoginAt?.toISOString() ?? '-',
              ].join('  '),
            );
          if (page.length < 200) break;
          after = page[page.length - 1]!.username;
        }
      }),
    );
  user
    .command('set <id>')
    .description("change a user's name, role, language, or disable/enable them")
    .option('--name <name>')
    .option('--role <role>')
    .option('--locale <locale>')
    .option('--disable', 'the user can no longer sign in (their sessions end)')
    .option('--enable')
    .action(
      (
        id: string,
        o: { name?: string; role?: string; locale?: string; disable?: boolean; enable?: boolean },
      ) =>
        withPlatform(async (p) => {
          const u = await updateUser(accessDeps(p), CLI, id, {
            ...(o.name !== undefined ? { name: o.name } : {}),
            ...(o.role !== undefined ? { role: o.role } : {}),
            ...(o.locale !== undefined ? { locale: o.locale } : {}),
            ...(o.disable ? { active: false } : o.enable ? { active: true } : {}),
          });
          out(`${u.username}: ${u.role}, ${u.locale}, ${u.active ? 'active' : 'disabled'}`);
        }),
    );
  user
    .command('password <id>')
    .description("set a user's password (from --password-env NAME or stdin); their sessions end")
    .option('--password-env <NAME>')
    .action((id: string, o: { passwordEnv?: string }) =>
      withPlatform(async (p) => {
        const password = passwordFrom(o);
        if (password === undefined)
          throw new InvalidArgumentError('give the password on stdin or with --password-env');
        await setPassword(accessDeps(p), CLI, id, password);
        out(`password of ${id} set`);
      }),
    );

  const key = cli.command('key').description('API keys for other systems');
  key
    .command('create <name>')
    .description('create a key acting in a role; its secret is printed once')
    .requiredOption('--role <role>')
    .option('--days <n>', 'valid for this many days (default: until revoked)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number of days');
      return n;
    })
    .action((name: string, o: { role: string; days?: number }) =>
      withPlatform(async (p) => {
        const { key: k, secret } = await createApiKey(accessDeps(p), CLI, {
          name,
          role: o.role,
          ...(o.days ? { expiresAt: new Date(p.clock.now().getTime() + o.days * 86_400_000) } : {}),
        });
        out(
          `key ${k.id} (${k.role}); send it as "Authorization: Bearer ${secret}" — it is not shown again`,
        );
      }),
    );
  key
    .command('list')
    .description('keys, their roles and when they were last used')
    .action(() =>
      withPlatform(async (p) => {
        for (const k of await p.access.keys())
          out(
            [
              k.id.padEnd(10),
              k.name.padEnd(24),
              k.role.padEnd(19),
              k.revokedAt
                ? `revoked ${k.revokedAt.toISOString()}`
                : k.expiresAt
                  ? `until ${k.expiresAt.toISOString()}`
                  : 'no expiry',
              `last used ${k.lastUsedAt?.toISOString() ?? '-'}`,
            ].join('  '),
          );
      }),
    );
  key
    .command('revoke <id>')
    .description('revoke a key: it stops working at once')
    .action((id: string) =>
      withPlatform(async (p) => {
        await revokeApiKey(accessDeps(p), CLI, id);
        out(`key ${id} revoked`);
      }),
    );

  const audit = cli
    .command('audit')
    .description('the audit log: every change and every view of unmasked personal data');
  audit
    .command('verify')
    .description('recompute the hash chain; exit 1 at the first changed, deleted or inserted entry')
    .option(
      '--expect <seq:hash>',
      'a head noted earlier: also fail when it is gone (a cut-off tail)',
    )
    .action((o: { expect?: string }) =>
      withPlatform(async (p) => {
        let expect: { seq: number; hash: string } | undefined;
        if (o.expect) {
          const [seq, hash] = o.expect.split(':');
          if (!seq || !hash || !Number.isInteger(Number(seq)))
            throw new InvalidArgumentError(
              '--expect takes seq:hash, as printed by a previous verify',
            );
          expect = { seq: Number(seq), hash };
        }
        const v = await verifyAudit(p.audit, sha256Hex, expect ? { expect } : {});
        if (v.broken) {
          out(
            `audit log BROKEN at entry ${v.broken.seq}: ${v.broken.detail} (${v.checked} of ${v.count} entries good before it)`,
          );
          setExit(1);
        } else if (v.expectedHead && !v.expectedHead.found) {
          out(
            `audit log BROKEN: entry ${v.expectedHead.seq} with hash ${v.expectedHead.hash} is no longer in the log`,
          );
          setExit(1);
        } else {
          out(`audit log intact: ${v.checked} entries; head ${v.head.seq}:${v.head.hash}`);
        }
      }),
    );
  audit
    .command('log')
    .description('the latest entries, newest first')
    .option('--entity <entity>')
    .option('--id <entityId>')
    .option('--actor <user>')
    .option('--action <prefix>')
    .option('--limit <n>', 'how many', (v) => Number(v), 50)
    .option('--json', 'one JSON object per line with before and after')
    .action(
      (o: {
        entity?: string;
        id?: string;
        actor?: string;
        action?: string;
        limit: number;
        json?: boolean;
      }) =>
        withPlatform(async (p) => {
          const entries = await p.audit.entries({
            limit: o.limit,
            ...(o.entity ? { entity: o.entity } : {}),
            ...(o.id ? { entityId: o.id } : {}),
            ...(o.actor ? { actor: o.actor } : {}),
            ...(o.action ? { action: o.action } : {}),
          });
          for (const e of entries)
            out(
              o.json
                ? JSON.stringify({
                    ...e,
                    before: e.before && JSON.parse(e.before),
                    after: e.after && JSON.parse(e.after),
                  })
                : [
                    String(e.seq).padStart(7),
                    e.at.toISOString(),
                    `${e.actor} (${e.role})`.padEnd(34),
                    e.action,
                    `${e.entity}${e.entityId ? `:${e.entityId}` : ''}`,
                  ].join('  '),
            );
        }),
    );
}
