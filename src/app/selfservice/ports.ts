/** The ports of the customer's self-service page: the link signer and the page's own records. */

/** Signs link payloads and opens signed tokens (an HMAC with a secret of the deployment). */
export interface LinkSigner {
  /** A token for a URL path: the payload text and its signature. */
  sign(payloadText: string): string;
  /** The payload text of a token carrying our signature over it, or null (changed, not ours). */
  open(token: string): string | null;
}

/** A payment the customer says they are making, with the reference they pay under. */
export interface PaymentIntent {
  id: number;
  account: string;
  amountMinor: number;
  currency: string;
  reference: string;
  status: 'recorded';
  createdAt: string;
}

/** What the page does, once per request key; a repeat returns the first outcome. */
export type Claim = { fresh: true } | { fresh: false; outcome: unknown };

export interface SelfServiceStore {
  /**
   * Records a use of a link (opening the page, a form sent, a link refused): the account (null
   * when the link could not be read), what was done and how it ended; never the token.
   */
  logUse(u: { account: string | null; action: string; outcome: string; at: Date }): Promise<void>;
  /** Claims a form's request key for an action on an account (logged as a use). */
  claim(key: string, account: string, action: string, at: Date): Promise<Claim>;
  /** The outcome of a claimed request, kept for its repeats. */
  settle(key: string, outcome: unknown): Promise<void>;
  /** Gives a claimed key back when the action failed (the form may be sent again). */
  release(key: string): Promise<void>;
  /** Records a payment intent once per request key (a repeat returns the first). */
  recordIntent(i: {
    account: string;
    amountMinor: number;
    currency: string;
    requestKey: string;
    at: Date;
  }): Promise<{ intent: PaymentIntent; created: boolean } | null>;
  intents(account: string, limit: number): Promise<PaymentIntent[]>;
}

/** Contact preferences as the channels record them (the compliance rules read them). */
export interface PreferenceWriter {
  addPreference(
    customerExt: string,
    p: {
      kind: string;
      channel: string | null;
      value: string | null;
      since: string;
      until: string | null;
      source: string;
    },
  ): Promise<unknown>;
}
