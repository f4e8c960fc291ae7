/**
 * Imports on the job queue (`recoup import <folder> --queue`): an `import` job carries the
 * folder's absolute path, which the worker that claims it reads (with workers on several
 * machines, a folder on storage they all share). The import is one transaction recorded under
 * the job's import id, so a worker killed midway leaves nothing and the job is redone from
 * scratch when its lease runs out, and a job redone after the commit finds the import recorded
 * and does not apply it again. The report is kept with the record for the waiting command.
 * Imports run one at a time (one group).
 */
import { randomUUID } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { ImportReport } from '../app/import/import-portfolio.ts';
import { importOnce } from '../app/import/import-once.ts';
import { CsvFolderSource } from './files/csv-source.ts';
import type { Platform } from './platform.ts';
import { jobsOpen, type JobHandler } from './queue/pg-queue.ts';

export const IMPORT_JOB = 'import';

/** What an import job carries. */
export interface ImportJob {
  id: string;
  folder: string;
  skipBad: boolean;
}

function payloadOf(x: Record<string, unknown>): ImportJob {
  const id = String(x.id ?? '');
  const folder = String(x.folder ?? '');
  if (id === '' || !isAbsolute(folder)) throw new Error(`not an import job: ${JSON.stringify(x)}`);
  return { id, folder, skipBad: x.skipBad === true };
}

/** Queues an import of `folder` (an absolute path) for the workers; returns its id. */
export async function enqueueImport(
  p: Platform,
  folder: string,
  options: { skipBad?: boolean } = {},
): Promise<string> {
  if (!isAbsolute(folder)) throw new Error(`${folder}: the folder of a queued import is absolute`);
  const id = randomUUID();
  await p.jobs.enqueue([
    {
      kind: IMPORT_JOB,
      key: `${IMPORT_JOB}:${id}`,
      group: IMPORT_JOB,
      payload: { id, folder, skipBad: options.skipBad ?? false },
      runAt: p.clock.now(),
      maxAttempts: 3,
    },
  ]);
  return id;
}

/** The handler of import jobs. */
export function importHandlers(p: Platform): Record<string, JobHandler> {
  return {
    [IMPORT_JOB]: async (job) => {
      const j = payloadOf(job.payload);
      try {
        if (!statSync(j.folder).isDirectory()) throw new Error('not a folder');
        accessSync(j.folder, constants.R_OK);
      } catch (e) {
        throw new Error(
          `the folder ${j.folder} cannot be read by this worker (${(e as Error).message})`,
          { cause: e },
        );
      }
      await importOnce(new CsvFolderSource(j.folder), p.imports, j, { skipBad: j.skipBad });
      if (p.db.engine === 'pglite') await p.db.checkpoint();
    },
  };
}

/** Whether an import job is waiting or running. */
export function importQueued(p: Platform): Promise<boolean> {
  return jobsOpen(p.db, [IMPORT_JOB]);
}

export type ImportWait =
  | { state: 'done'; report: ImportReport }
  | { state: 'failed'; error: string }
  | { state: 'waiting' | 'running'; attempts: number; lastError: string | null };

/** Where the queued import `id` is: its report once it ended, or why its job gave up. */
export async function importState(p: Platform, id: string): Promise<ImportWait> {
  const run = await p.imports.run(id);
  if (run?.report) return { state: 'done', report: run.report };
  const r = await p.db.query<{ state: string; attempts: number; last_error: string | null }>(
    `SELECT state, attempts, last_error FROM jobs WHERE key = $1 ORDER BY id DESC LIMIT 1`,
    [`${IMPORT_JOB}:${id}`],
  );
  const job = r.rows[0];
  if (!job) return { state: 'failed', error: `no import ${id} is queued` };
  if (job.state === 'dead' || job.state === 'done')
    return { state: 'failed', error: job.last_error ?? `the import job is ${job.state}` };
  return {
    state: job.state === 'running' ? 'running' : 'waiting',
    attempts: job.attempts,
    lastError: job.last_error,
  };
}

/** Waits until the queued import `id` has ended and returns its report. */
export async function waitForImport(
  p: Platform,
  id: string,
  onState: (s: ImportWait) => void = () => {},
  pollMs = 500,
): Promise<ImportReport> {
  for (;;) {
    const s = await importState(p, id);
    if (s.state === 'done') return s.report;
    if (s.state === 'failed') throw new Error(`import ${id}: ${s.error}`);
    onState(s);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
