/**
 * The same generated portfolio in several schemas of a PostgreSQL server, the default strategy
 * published in each: one for workers to cycle through the queue, one to cycle in this process,
 * their digests compared after.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runGenerate } from '../../src/adapters/cli/generate.ts';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import { openPlatform, type Platform } from '../../src/adapters/platform.ts';
import { runCycles } from '../../src/app/cycle/run-cycle.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import { publishSource } from '../../src/app/strategy/strategies.ts';
import type { LocalDate } from '../../src/domain/time/date.ts';
import { fixedClock } from './platform.ts';

export interface PortfolioOptions {
  accounts: number;
  seed: number;
  /** The portfolio's date; the platforms' clock is noon of it. */
  asOf: LocalDate;
}

/** Platforms on `schemas` of the server at `url`, each with the portfolio imported. */
export async function importedPortfolios(
  url: string,
  schemas: string[],
  o: PortfolioOptions,
): Promise<Platform[]> {
  const dir = mkdtempSync(join(tmpdir(), 'recoup-portfolio-'));
  try {
    await runGenerate({ accounts: o.accounts, seed: o.seed, asOf: o.asOf, out: dir });
    const ps: Platform[] = [];
    try {
      for (const schema of schemas) {
        const p = await openPlatform(
          { databaseUrl: url, dataDir: '', timezone: 'UTC', schema },
          fixedClock(`${o.asOf}T12:00:00Z`),
        );
        ps.push(p);
        expect((await importPortfolio(new CsvFolderSource(dir), p.imports)).status).toBe(
          'imported',
        );
        await publishSource(p.strategies, readFileSync('strategies/default.yaml', 'utf8'), {
          by: 'Mia',
          reason: 'test',
          effectiveFrom: '2026-01-01',
        });
      }
    } catch (e) {
      for (const p of ps) await p.close().catch(() => {});
      throw e;
    }
    return ps;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The days `from`..`to` cycled in this process, uninterrupted, in one partition each. */
export async function cycleInProcess(
  p: Platform,
  range: { from: LocalDate; to: LocalDate },
  asOf: LocalDate,
): Promise<void> {
  await runCycles(
    {
      cycles: p.cycles,
      policies: p.policies,
      clock: fixedClock(`${asOf}T12:00:00Z`),
      planner: p.planner,
    },
    range,
  );
}
