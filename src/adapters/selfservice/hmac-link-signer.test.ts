import { describe, expect, it } from 'vitest';
import { HmacLinkSigner, newLinkSecret } from './hmac-link-signer.ts';

describe('HMAC link signer', () => {
  const signer = new HmacLinkSigner(newLinkSecret());

  it('opens what it signed and nothing changed', () => {
    const token = signer.sign('v1|self_service|1900000000|A-1');
    expect(signer.open(token)).toBe('v1|self_service|1900000000|A-1');
    const [payload, mac] = token.split('.') as [string, string];
    for (let k = 0; k < mac.length; k++) {
      const c = mac[k] === 'A' ? 'B' : 'A';
      expect(signer.open(`${payload}.${mac.slice(0, k)}${c}${mac.slice(k + 1)}`)).toBeNull();
    }
    for (let k = 0; k < payload.length; k++) {
      const c = payload[k] === 'A' ? 'B' : 'A';
      expect(signer.open(`${payload.slice(0, k)}${c}${payload.slice(k + 1)}.${mac}`)).toBeNull();
    }
    expect(signer.open(`${payload}.`)).toBeNull();
    expect(signer.open(payload)).toBeNull();
    expect(signer.open('')).toBeNull();
  });

  it('does not open a link signed with another secret, and refuses a short secret', () => {
    const other = new HmacLinkSigner(newLinkSecret());
    expect(signer.open(other.sign('v1|self_service|1900000000|A-1'))).toBeNull();
    expect(() => new HmacLinkSigner('short')).toThrow(RangeError);
  });
});
