/**
 * Self-service links signed with HMAC-SHA256: the token is the payload text and its MAC, each
 * base64url, joined by a dot. Opening compares the MAC in constant time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { LinkSigner } from '../../app/selfservice/ports.ts';

/** The shortest secret accepted (bytes of text). */
export const MIN_SECRET_LENGTH = 32;

export class HmacLinkSigner implements LinkSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    if (secret.length < MIN_SECRET_LENGTH)
      throw new RangeError(`a link secret has at least ${MIN_SECRET_LENGTH} characters`);
    this.key = Buffer.from(secret, 'utf8');
  }

  private mac(payload: Buffer): Buffer {
    return createHmac('sha256', this.key).update(payload).digest();
  }

  sign(payloadText: string): string {
    const payload = Buffer.from(payloadText, 'utf8');
    return `${payload.toString('base64url')}.${this.mac(payload).toString('base64url')}`;
  }

  open(token: string): string | null {
    const m = /^([A-Za-z0-9_-]{1,800})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return null;
    const payload = Buffer.from(m[1]!, 'base64url');
    // base64url that does not round-trip (changed padding bits) is not ours
    if (payload.toString('base64url') !== m[1]) return null;
    const given = Buffer.from(m[2]!, 'base64url');
    if (given.toString('base64url') !== m[2]) return null;
    const expected = this.mac(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return payload.toString('utf8');
  }
}

/** A new random secret (256 bits, base64url). */
export const newLinkSecret = (): string => randomBytes(32).toString('base64url');
