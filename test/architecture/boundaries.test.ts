/**
 * The architecture is enforced by lint: these cases prove the rules fire. The domain core may
 * not do I/O, read the clock or the environment, or import from the outer layers; use cases may
 * not import adapters.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function messages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('layer boundaries', () => {
  it.each([
    [
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;",
      'no-restricted-imports',
    ],
    [
      "import { openPglite } from '../../adapters/storage/pglite.ts';\nexport const x = openPglite;",
      'no-restricted-imports',
    ],
    [
      "import { runCycles } from '../../app/cycle/run-cycle.ts';\nexport const x = runCycles;",
      'no-restricted-imports',
    ],
    ["import pg from 'pg';\nexport const x = pg;", 'no-restricted-imports'],
    ['export const now = () => Date.now();', 'no-restricted-properties'],
    ['export const now = () => new Date();', 'no-restricted-syntax'],
    ['export const r = () => Math.random();', 'no-restricted-properties'],
    ['export const env = () => process.env.X;', 'no-restricted-globals'],
  ])('the domain core rejects %j', async (code, rule) => {
    expect(await messages('src/domain/ledger/example.ts', code)).toContain(rule);
  });

  it('the domain core accepts pure code', async () => {
    const code =
      "import { addDays } from '../time/date.ts';\nexport const next = (d: string) => addDays(d, 1);";
    expect(await messages('src/domain/ledger/example.ts', code)).toEqual([]);
  });

  it('use cases may not import adapters', async () => {
    const code =
      "import { SqlCycleStore } from '../../adapters/storage/cycle-store.ts';\nexport const x = SqlCycleStore;";
    expect(await messages('src/app/cycle/example.ts', code)).toContain('no-restricted-imports');
  });

  it('adapters may import use cases and the domain', async () => {
    const code =
      "import { runCycles } from '../../app/cycle/run-cycle.ts';\nexport const x = runCycles;";
    expect(await messages('src/adapters/cli/example.ts', code)).toEqual([]);
  });
});
