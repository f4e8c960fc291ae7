import type { Instalment } from './types.ts';

/** Schedule order: by due date, then sequence number. */
export function compareInstalments(
  a: Pick<Instalment, 'dueDate' | 'seq'>,
  b: Pick<Instalment, 'dueDate' | 'seq'>,
): number {
  if (a.dueDate !== b.dueDate) return a.dueDate < b.dueDate ? -1 : 1;
  return a.seq - b.seq;
}
