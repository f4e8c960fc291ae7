/**
 * The audit log's chain. Each entry's hash covers the previous entry's hash and the entry's
 * canonical text, so a changed entry breaks its own hash, a deleted or inserted one breaks the
 * link of the next, and only rewriting every later entry could hide a change; the head (the
 * last sequence number and hash), kept elsewhere, exposes even that. Pure: the hash function
 * comes in as an argument.
 */

/** What is recorded: who, in which role, what, on what, when, before and after. */
export interface AuditRecord {
  at: Date;
  actor: string;
  role: string;
  /** e.g. `strategy.publish`, `POST /api/plans/:id/approve`, `personal_data.view` */
  action: string;
  /** e.g. `strategy`, `plan`, `customer`, `user` */
  entity: string;
  entityId: string | null;
  /** JSON-able state before the change (null when there was none or it was not loaded). */
  before: unknown;
  /** JSON-able state after the change, or what was viewed. */
  after: unknown;
}

/** A stored entry: the record with its position, its JSON texts and its hashes. */
export interface AuditEntry extends Omit<AuditRecord, 'before' | 'after'> {
  seq: number;
  before: string | null;
  after: string | null;
  prevHash: string;
  hash: string;
}

export type Sha256Hex = (text: string) => string;

/** The first entry's previous hash. */
export const GENESIS = '0'.repeat(64);

/** Fields whose values never enter the log. */
const SECRET_KEYS = /^(password|newpassword|currentpassword|secret|token|csrftoken|apikey)$/i;

/** A copy of a JSON-able value with secrets replaced by "[redacted]". */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      out[k] = SECRET_KEYS.test(k) ? '[redacted]' : redact(v);
    return out;
  }
  return value;
}

/** JSON with object keys sorted, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value as Record<string, unknown>).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

const text = (v: unknown): string | null =>
  v === undefined || v === null ? null : canonicalJson(redact(v));

/** The text an entry's hash covers: every field but the hash, one per line. */
export function entryText(e: Omit<AuditEntry, 'hash'>): string {
  return [
    String(e.seq),
    e.at.toISOString(),
    e.actor,
    e.role,
    e.action,
    e.entity,
    e.entityId ?? '',
    e.before ?? '',
    e.after ?? '',
  ]
    .map((f) => JSON.stringify(f))
    .join('\n');
}

/** Chain new records after the head (`seq` of the last entry, 0 for none, and its hash). */
export function chain(
  head: { seq: number; hash: string },
  records: readonly AuditRecord[],
  sha256: Sha256Hex,
): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = head;
  for (const r of records) {
    const base = {
      seq: prev.seq + 1,
      at: r.at,
      actor: r.actor,
      role: r.role,
      action: r.action,
      entity: r.entity,
      entityId: r.entityId,
      before: text(r.before),
      after: text(r.after),
      prevHash: prev.hash,
    };
    const hash = sha256(`${base.prevHash}\n${entryText(base)}`);
    out.push({ ...base, hash });
    prev = { seq: base.seq, hash };
  }
  return out;
}

export type ChainBreak =
  | { seq: number; reason: 'hash'; detail: string }
  | { seq: number; reason: 'link'; detail: string }
  | { seq: number; reason: 'gap'; detail: string };

/** Where the chain is broken in a run of consecutive entries (the first break only). */
export function verifyRun(
  prev: { seq: number; hash: string },
  entries: readonly AuditEntry[],
  sha256: Sha256Hex,
): { head: { seq: number; hash: string }; broken: ChainBreak | null } {
  let head = prev;
  for (const e of entries) {
    if (e.seq !== head.seq + 1)
      return {
        head,
        broken: {
          seq: e.seq,
          reason: 'gap',
          detail: `entries ${head.seq + 1}–${e.seq - 1} are missing`,
        },
      };
    if (e.prevHash !== head.hash)
      return {
        head,
        broken: {
          seq: e.seq,
          reason: 'link',
          detail: `its previous hash does not match entry ${head.seq} (changed or replaced)`,
        },
      };
    const expected = sha256(`${e.prevHash}\n${entryText(e)}`);
    if (expected !== e.hash)
      return {
        head,
        broken: { seq: e.seq, reason: 'hash', detail: 'its content does not match its hash' },
      };
    head = { seq: e.seq, hash: e.hash };
  }
  return { head, broken: null };
}
