/** Signing a self-service link: for the page, for messages being rendered, for previews. */
import {
  DEFAULT_LINK_DAYS,
  expiryOf,
  payloadText,
  type LinkPurpose,
} from '../../domain/selfservice/link.ts';
import type { LinkSigner } from './ports.ts';

/** A signed link without looking the account up (messages being rendered in bulk). */
export function signLink(
  signer: LinkSigner,
  account: string,
  purpose: LinkPurpose,
  at: Date,
  days: number = DEFAULT_LINK_DAYS,
): { token: string; expiresAt: string } {
  const expiresAt = expiryOf(at, days);
  return {
    token: signer.sign(payloadText({ account, purpose, expiresAt })),
    expiresAt: new Date(expiresAt * 1000).toISOString(),
  };
}
