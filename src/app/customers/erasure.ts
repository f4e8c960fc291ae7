/**
 * Erasing a customer's personal data on request, by an administrator, with a reason: the
 * personal fields are replaced or deleted everywhere they are kept, contact stops, and the
 * ledger keeps every row. The erasure is recorded (the lender's id, when, by whom, why) so that
 * it can be repeated after a backup is restored and an import cannot bring the data back, and
 * written to the audit log. Erasing a customer again changes nothing and says so.
 */
import type { Actor } from '../../domain/access/roles.ts';
import {
  checkErasureReason,
  erasureAudit,
  mayErase,
  type Erasure,
} from '../../domain/customers/erasure.ts';
import type { Clock } from '../shared/clock.ts';
import { forbidden, invalid, notFound } from '../shared/errors.ts';
import type { ErasureStore } from './ports.ts';

export interface ErasureDeps {
  erasures: ErasureStore;
  clock: Clock;
}

export interface EraseOutcome {
  customer: string;
  /** False: the customer had been erased before; nothing was changed now. */
  erased: boolean;
  erasure: Erasure;
  rowsChanged: number;
}

function mustErase(actor: Actor): void {
  if (!mayErase(actor.role))
    throw forbidden(`the ${actor.role} role may not erase personal data (administrators only)`);
}

/** Erases the personal data of the customer with this id (the lender's, or the internal one). */
export async function eraseCustomer(
  deps: ErasureDeps,
  idOrExt: string,
  reason: unknown,
  actor: Actor,
): Promise<EraseOutcome> {
  mustErase(actor);
  const problems = checkErasureReason(reason);
  if (problems.length > 0) throw invalid('the erasure is not valid', problems);
  const ext = await deps.erasures.externalIdOf(idOrExt.trim());
  if (ext === null) throw notFound(`customer ${idOrExt}`);
  const at = deps.clock.now();
  const e: Erasure = {
    customer: ext,
    at: at.toISOString(),
    by: actor.user,
    role: actor.role,
    reason: (reason as string).trim(),
  };
  const r = await deps.erasures.apply(e, true, at, (rows) =>
    erasureAudit(e, actor, at, false, rows),
  );
  if (r.recorded) return { customer: ext, erased: true, erasure: e, rowsChanged: r.rowsChanged };
  const before = await deps.erasures.erasure(ext);
  return { customer: ext, erased: false, erasure: before ?? e, rowsChanged: 0 };
}

export interface ReapplyOutcome {
  customer: string;
  /** Whether the customer is in the database. */
  present: boolean;
  /** Whether the erasure came from the list given and was not recorded in the database. */
  recorded: boolean;
  rowsChanged: number;
}

/**
 * Repeats every recorded erasure (after a backup is restored), and first records those of
 * `list` (erasures kept outside the database, e.g. `recoup customer erasures --json`) that the
 * database does not hold. Idempotent: a second run changes nothing. Each customer whose data
 * had come back gets an audit entry.
 */
export async function reapplyErasures(
  deps: ErasureDeps,
  actor: Actor,
  list: readonly Erasure[] = [],
): Promise<ReapplyOutcome[]> {
  mustErase(actor);
  const problems = list.flatMap((e, i) =>
    typeof e?.customer === 'string' &&
    e.customer.trim() !== '' &&
    typeof e.at === 'string' &&
    !Number.isNaN(Date.parse(e.at))
      ? checkErasureReason(e.reason).map((p) => ({ ...p, at: `${i}.${p.at}` }))
      : [{ at: String(i), reason: 'needs customer, at and reason' }],
  );
  if (problems.length > 0) throw invalid('the list of erasures is not valid', problems);
  const given = new Map(
    list.map((e) => [
      e.customer.trim(),
      {
        customer: e.customer.trim(),
        at: e.at,
        by: e.by || actor.user,
        role: e.role || actor.role,
        reason: e.reason.trim(),
      },
    ]),
  );
  const recorded = await deps.erasures.erasures();
  const all = [
    ...recorded,
    ...[...given.values()].filter((e) => !recorded.some((r) => r.customer === e.customer)),
  ];
  const out: ReapplyOutcome[] = [];
  for (const e of all) {
    const at = deps.clock.now();
    const r = await deps.erasures.apply(e, false, at, (rows) =>
      rows > 0 ? erasureAudit(e, actor, at, true, rows) : null,
    );
    out.push({
      customer: e.customer,
      present: r.present,
      recorded: r.recorded,
      rowsChanged: r.rowsChanged,
    });
  }
  return out;
}

export async function listErasures(deps: ErasureDeps): Promise<Erasure[]> {
  return deps.erasures.erasures();
}
