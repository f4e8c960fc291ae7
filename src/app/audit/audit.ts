/** Recording to the audit log and checking its chain. */
import { GENESIS, verifyRun, type ChainBreak, type Sha256Hex } from '../../domain/audit/chain.ts';
import type { AuditLog } from './ports.ts';

export interface AuditVerification {
  /** Entries checked. */
  checked: number;
  /** Entries in the log (a difference with `checked` means the check stopped at a break). */
  count: number;
  /** The last good entry: its sequence number and hash (record it to detect a cut tail). */
  head: { seq: number; hash: string };
  broken: ChainBreak | null;
  /** When an expected head was given: whether the log still reaches it unchanged. */
  expectedHead?: { seq: number; hash: string; found: boolean };
}

/**
 * Walk the whole log in order, recomputing every hash and link. With `expect` (a head noted
 * earlier), also report whether that entry is still there with the same hash, which catches a
 * cut-off tail that the chain alone cannot show.
 */
export async function verifyAudit(
  log: AuditLog,
  sha256: Sha256Hex,
  o: { batch?: number; expect?: { seq: number; hash: string } } = {},
): Promise<AuditVerification> {
  const batch = o.batch ?? 5000;
  let head = { seq: 0, hash: GENESIS };
  let checked = 0;
  let broken: ChainBreak | null = null;
  let expectedFound = false;
  for (;;) {
    const run = await log.run(head.seq, batch);
    if (run.length === 0) break;
    const r = verifyRun(head, run, sha256);
    const good = run.filter((e) => e.seq <= r.head.seq);
    checked += good.length;
    if (o.expect && good.some((e) => e.seq === o.expect!.seq && e.hash === o.expect!.hash))
      expectedFound = true;
    head = r.head;
    if (r.broken) {
      broken = r.broken;
      break;
    }
    if (run.length < batch) break;
  }
  const { count } = await log.head();
  return {
    checked,
    count,
    head,
    broken,
    ...(o.expect ? { expectedHead: { ...o.expect, found: expectedFound } } : {}),
  };
}
