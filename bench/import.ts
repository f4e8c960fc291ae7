/**
 * `npm run bench:import -- --accounts 140000,1000000 --engine postgres,pglite`
 *
 * Imports a generated portfolio into a fresh database and reports the time per file set and the
 * rows per second, then the floor: a bare COPY of the same CSV files into tables without
 * constraints or indexes. A second import of the same files (nothing changes) is timed too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importFolder } from '../src/adapters/cli/commands.ts';
import { Progress } from '../src/adapters/cli/progress.ts';
import type { Platform } from '../src/adapters/platform.ts';
import { IMPORT_FILES } from '../src/domain/import/rows.ts';
import { args, freshPlatform, portfolioFolder, record, s, timed } from './lib.ts';

/**
 * COPY of the raw files into text tables without keys or indexes, in one transaction: the least
 * any import of these files can cost (reading the files included).
 */
async function copyFloor(p: Platform, folder: string): Promise<number> {
  const [, secs] = await timed(() =>
    p.db.transaction(async (tx) => {
      for (const f of IMPORT_FILES) {
        const text = readFileSync(join(folder, `${f}.csv`), 'utf8');
        const cut = text.indexOf('\n');
        const cols = text.slice(0, cut).split(',');
        await tx.query(
          `CREATE TEMP TABLE floor_${f} (${cols.map((c) => `"${c}" text`).join(', ')}) ON COMMIT DROP`,
        );
        await tx.copyFromText(`floor_${f}`, cols, text.slice(cut + 1));
      }
    }),
  );
  return secs;
}

const { accounts, engines } = args();
for (const engine of engines) {
  for (const n of accounts) {
    const folder = await portfolioFolder(n);
    const p = await freshPlatform(engine, `bench_import_${n}`);
    try {
      const progress = new Progress();
      const [report, secs] = await timed(() => importFolder(p, folder, { progress }));
      if (report.status !== 'imported')
        throw new Error(`import ${report.status}: ${JSON.stringify(report.errors.slice(0, 5))}`);
      const [, again] = await timed(() => importFolder(p, folder, { progress }));
      const rows = Object.fromEntries(Object.entries(report.files).map(([f, r]) => [f, r.rows]));
      const total = Object.values(rows).reduce((a, b) => a + b, 0);
      const floor = await copyFloor(p, folder);
      record({
        bench: 'import',
        engine,
        accounts: n,
        rows,
        importSeconds: s(secs),
        rowsPerSecond: Math.round(total / secs),
        instalmentsPerSecond: Math.round((rows.instalments ?? 0) / secs),
        reimportUnchangedSeconds: s(again),
        copyFloorSeconds: s(floor),
      });
    } finally {
      await p.close();
    }
  }
}
