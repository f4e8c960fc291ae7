/**
 * The customer's self-service link: what it carries (the account, what it is for, until when)
 * and when it is refused. The link is the customer's only authority on the page: no login, one
 * account, an expiry. Signing is done by an adapter over the text `payloadText` gives; here the
 * payload and the rules, pure.
 */

/**
 * What a link is for: `self_service` opens the customer's page; `preview` is the link shown in
 * a template preview to staff, which the page refuses (a preview never acts for a customer).
 */
export const LINK_PURPOSES = ['self_service', 'preview'] as const;
export type LinkPurpose = (typeof LINK_PURPOSES)[number];

/** How long a link sent in a message stays valid, unless configured otherwise. */
export const DEFAULT_LINK_DAYS = 14;

export interface LinkPayload {
  /** The account's external id. */
  account: string;
  purpose: LinkPurpose;
  /** Seconds since the epoch after which the link is refused. */
  expiresAt: number;
}

const VERSION = 'v1';

/** The text that is signed: version, purpose, expiry, then the account (which may hold `|`). */
export function payloadText(p: LinkPayload): string {
  return `${VERSION}|${p.purpose}|${p.expiresAt}|${p.account}`;
}

/** The payload of a signed text, or null when it is not one this version writes. */
export function parsePayloadText(text: string): LinkPayload | null {
  const parts = text.split('|');
  if (parts.length < 4 || parts[0] !== VERSION) return null;
  const purpose = parts[1]!;
  if (!(LINK_PURPOSES as readonly string[]).includes(purpose)) return null;
  if (!/^\d{1,12}$/.test(parts[2]!)) return null;
  const account = parts.slice(3).join('|');
  if (account === '') return null;
  return { account, purpose: purpose as LinkPurpose, expiresAt: Number(parts[2]) };
}

/** The expiry of a link issued at `now`, valid for `days`. */
export function expiryOf(now: Date, days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > 366)
    throw new RangeError('a link is valid for 1 to 366 days');
  return Math.floor(now.getTime() / 1000) + days * 86_400;
}

/**
 * Why a link is refused: `invalid` (not signed by us, or changed: 403), `purpose` (signed for
 * something else: 403), `expired` (410).
 */
export type LinkRefusal = 'invalid' | 'purpose' | 'expired';

export type LinkCheck = { ok: true; payload: LinkPayload } | { ok: false; reason: LinkRefusal };

/** Checks a link whose signature was verified (`payload` null when it was not). */
export function checkLink(payload: LinkPayload | null, purpose: LinkPurpose, now: Date): LinkCheck {
  if (!payload) return { ok: false, reason: 'invalid' };
  if (payload.purpose !== purpose) return { ok: false, reason: 'purpose' };
  if (now.getTime() >= payload.expiresAt * 1000) return { ok: false, reason: 'expired' };
  return { ok: true, payload };
}
