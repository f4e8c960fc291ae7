/** `recoup import <folder> --queue`: the import queued for the workers, followed to its report. */
import { resolve } from 'node:path';
import type { ImportReport } from '../../app/import/import-portfolio.ts';
import { enqueueImport, waitForImport } from '../import-runtime.ts';
import type { Platform } from '../platform.ts';
import { out } from './format.ts';
import { Progress } from './progress.ts';

/**
 * Queues the import of `folder` (made absolute: the worker reads it there) and, with `wait`,
 * returns its report once a worker has run it; without, null once queued.
 */
export async function importThroughQueue(
  p: Platform,
  folder: string,
  o: { skipBad: boolean; wait: boolean },
): Promise<ImportReport | null> {
  // the embedded engine's data is opened by one process: no worker runs while this one waits
  if (o.wait && p.db.engine === 'pglite')
    throw new Error(
      'the embedded engine is one process: queue with --no-wait, then run recoup worker (or import directly)',
    );
  const path = resolve(folder);
  const id = await enqueueImport(p, path, { skipBad: o.skipBad });
  if (!o.wait) {
    out(`import ${id} of ${path} queued`);
    return null;
  }
  const progress = new Progress();
  progress.update(`import ${id} of ${path} queued`);
  const report = await waitForImport(p, id, (s) => {
    if (s.state === 'done' || s.state === 'failed') return;
    const tried = s.attempts > 0 && s.lastError ? ` (attempt ${s.attempts}: ${s.lastError})` : '';
    progress.update(
      s.state === 'running'
        ? `import ${id}: a worker is importing${tried}`
        : `import ${id}: waiting for a worker${tried}`,
    );
  });
  progress.done(`import: ${report.status}`);
  return report;
}
