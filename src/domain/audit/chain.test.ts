import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  chain,
  entryText,
  GENESIS,
  redact,
  verifyRun,
  type AuditRecord,
} from './chain.ts';

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const rec = (n: number, after: unknown, before: unknown = null): AuditRecord => ({
  at: new Date(Date.UTC(2026, 11, 1, 9, 0, n)),
  actor: 'demo-admin',
  role: 'administrator',
  action: 'strategy.publish',
  entity: 'strategy',
  entityId: 'default',
  before,
  after,
});

describe('the audit chain', () => {
  it('hashes the previous hash and the canonical text of the entry', () => {
    const [e] = chain({ seq: 0, hash: GENESIS }, [rec(1, { b: 2, a: 1 })], sha);
    expect(e!.seq).toBe(1);
    expect(e!.prevHash).toBe(GENESIS);
    // keys sorted: the same value always gives the same text
    expect(e!.after).toBe('{"a":1,"b":2}');
    expect(e!.before).toBeNull();
    expect(entryText(e!)).toBe(
      [
        '"1"',
        '"2026-12-01T09:00:01.000Z"',
        '"demo-admin"',
        '"administrator"',
        '"strategy.publish"',
        '"strategy"',
        '"default"',
        '""',
        '"{\\"a\\":1,\\"b\\":2}"',
      ].join('\n'),
    );
    expect(e!.hash).toBe(sha(`${GENESIS}\n${entryText(e!)}`));
  });

  it('links each entry to the one before and verifies a whole run', () => {
    const entries = chain(
      { seq: 0, hash: GENESIS },
      [1, 2, 3].map((n) => rec(n, { n })),
      sha,
    );
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
    const ok = verifyRun({ seq: 0, hash: GENESIS }, entries, sha);
    expect(ok.broken).toBeNull();
    expect(ok.head).toEqual({ seq: 3, hash: entries[2]!.hash });
    // a later batch continues from the head
    const more = chain(ok.head, [rec(4, { n: 4 })], sha);
    expect(verifyRun(ok.head, more, sha).broken).toBeNull();
  });

  it('detects a changed, a deleted and a replaced entry', () => {
    const entries = chain(
      { seq: 0, hash: GENESIS },
      [1, 2, 3, 4].map((n) => rec(n, { n })),
      sha,
    );
    const changed = entries.map((e) => (e.seq === 2 ? { ...e, after: '{"n":20}' } : e));
    expect(verifyRun({ seq: 0, hash: GENESIS }, changed, sha).broken).toMatchObject({
      seq: 2,
      reason: 'hash',
    });
    const deleted = entries.filter((e) => e.seq !== 3);
    expect(verifyRun({ seq: 0, hash: GENESIS }, deleted, sha).broken).toMatchObject({
      seq: 4,
      reason: 'gap',
    });
    // entry 2 rewritten with a fresh, self-consistent hash: entry 3 no longer links to it
    const [forged] = chain({ seq: 1, hash: entries[0]!.hash }, [rec(2, { n: 99 })], sha);
    const replaced = entries.map((e) => (e.seq === 2 ? forged! : e));
    expect(verifyRun({ seq: 0, hash: GENESIS }, replaced, sha).broken).toMatchObject({
      seq: 3,
      reason: 'link',
    });
  });

  it('keeps secrets out of the log', () => {
    expect(redact({ username: 'x', password: 'p', nested: [{ apiKey: 'k', n: 1 }] })).toEqual({
      username: 'x',
      password: '[redacted]',
      nested: [{ apiKey: '[redacted]', n: 1 }],
    });
    const [e] = chain({ seq: 0, hash: GENESIS }, [rec(1, { password: 'secret' })], sha);
    expect(e!.after).toBe('{"password":"[redacted]"}');
  });

  it('writes dates as ISO text and leaves out undefined fields', () => {
    expect(canonicalJson({ b: undefined, a: new Date(Date.UTC(2026, 0, 2)) })).toBe(
      '{"a":"2026-01-02T00:00:00.000Z"}',
    );
  });
});
