/**
 * An import recorded under an id, applied once however often it is run: the job of a worker
 * that died is run again by another. The id is recorded in the import's own transaction, so a
 * run killed before the commit leaves nothing and the next one imports from scratch, and a run
 * after the commit (the worker died before it could say the job was done) finds the import
 * recorded and answers its report without importing again.
 */
import { importPortfolio, type ImportOptions, type ImportReport } from './import-portfolio.ts';
import { ImportAlreadyRun, type ImportSource, type ImportStore } from './ports.ts';

export async function importOnce(
  source: ImportSource,
  store: ImportStore,
  run: { id: string; folder: string },
  options: Omit<ImportOptions, 'run'> = {},
): Promise<{ report: ImportReport; again: boolean }> {
  const before = await store.run(run.id);
  if (before?.report) return { report: before.report, again: true };
  try {
    const report = await importPortfolio(source, store, { ...options, run });
    // a rejected import rolled back, its record with it: kept now for whoever waits for it
    if (report.status === 'rejected') await store.recordRejected(run, report);
    return { report, again: false };
  } catch (e) {
    // another run of the same import committed while this one waited for it
    if (!(e instanceof ImportAlreadyRun)) throw e;
    const done = await store.run(run.id);
    if (!done?.report) throw e;
    return { report: done.report, again: true };
  }
}
