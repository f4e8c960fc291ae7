import { describe, expect, it } from 'vitest';
import { checkLink, expiryOf, parsePayloadText, payloadText } from './link.ts';

const at = new Date('2026-06-30T12:00:00Z');

describe('self-service link payloads', () => {
  it('round-trips the payload, an account with the separator in it too', () => {
    for (const account of ['A1', 'ACC|7|x']) {
      const p = { account, purpose: 'self_service' as const, expiresAt: expiryOf(at, 14) };
      expect(parsePayloadText(payloadText(p))).toEqual(p);
    }
  });

  it('reads nothing from a text it does not write', () => {
    for (const t of [
      '',
      'v2|self_service|1|A',
      'v1|pay|1|A',
      'v1|self_service|x|A',
      'v1|self_service|1|',
    ])
      expect(parsePayloadText(t)).toBeNull();
  });

  it('expires after the days it is valid for, to the second', () => {
    const payload = { account: 'A', purpose: 'self_service' as const, expiresAt: expiryOf(at, 1) };
    expect(checkLink(payload, 'self_service', new Date('2026-07-01T11:59:59Z')).ok).toBe(true);
    expect(checkLink(payload, 'self_service', new Date('2026-07-01T12:00:00Z'))).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(() => expiryOf(at, 0)).toThrow(RangeError);
    expect(() => expiryOf(at, 367)).toThrow(RangeError);
  });

  it('refuses an unsigned link and one for another purpose', () => {
    expect(checkLink(null, 'self_service', at)).toEqual({ ok: false, reason: 'invalid' });
    const preview = { account: 'A', purpose: 'preview' as const, expiresAt: expiryOf(at, 1) };
    expect(checkLink(preview, 'self_service', at)).toEqual({ ok: false, reason: 'purpose' });
  });
});
