/**
 * The SMS channel through a generic HTTPS JSON SMS API. This block is the contract a provider
 * implements to carry Recoup's SMS; the tests (test/integration/http-json-sms.test.ts) run
 * against a server that implements it.
 *
 * Sending
 *
 *     POST {baseUrl}/messages
 *     Authorization: Bearer <token>
 *     Idempotency-Key: <key>
 *     Content-Type: application/json; charset=utf-8
 *     Content-Length: <bytes>
 *
 *     {"to": "+8613812345678", "from": "RECOUP", "text": "…", "reference": "<key>"}
 *
 * `to` is E.164, `text` UTF-8 of any length (the provider chooses the encoding and splits it),
 * `reference` the same idempotency key as the header. The provider answers:
 *
 * - 201 (or 200/202) `{"id": "<its message id>", "status": "<its status, e.g. accepted>"}`:
 *   it has taken the message.
 * - 409 `{"id": …, "status": …}` when the Idempotency-Key was used before (a replay, or while
 *   the first request is still in progress): the original message, which it does not send again.
 *   The key must be honoured for at least 48 hours.
 * - 4xx (400, 401, 403, 404, 413, 422…) `{"error": "<why>"}`: refused; not to be tried again.
 *   408, 425 and 429 are taken as temporary.
 * - 5xx, or no answer: temporary; the request is retried later with the same key.
 *
 * A provider must not act on a request whose body is incomplete when the connection closes
 * (what any HTTP server does with a Content-Length body cut short): Recoup writes the whole
 * request but the last byte of the body, records that the message is being handed over, and
 * only then writes the last byte (`ChannelProvider`'s handOver).
 *
 * Looking a message up
 *
 *     GET {baseUrl}/messages?reference=<key>
 *     Authorization: Bearer <token>
 *
 * - 200 with a JSON array of the messages with that reference, `[{"id", "reference",
 *   "status"}]` (`{"messages": [...]}` is read too); empty when there is none.
 * - 404 is read as none as well; anything else as "cannot tell".
 *
 * Delivery reports are not part of this contract yet.
 *
 * Here: kept-open connections (`maxSockets`, default 16). `baseUrl` is https:; http: is taken
 * for a provider on the same machine and for tests. If `handOver` rejects, the request is
 * destroyed before its last byte and the result is a temporary failure ("abandoned"). If the
 * whole request went but no answer came, the message is looked up; if the lookup does not find
 * it, the result is a temporary failure: sending again with the same key cannot duplicate it.
 */
import http from 'node:http';
import https from 'node:https';
import type {
  ChannelProvider,
  LookupResult,
  OutboundMessage,
  SendResult,
} from '../../app/dispatch/ports.ts';

export interface HttpJsonSmsConfig {
  /** e.g. `https://sms.example.com/v1`, without the trailing slash. */
  baseUrl: string;
  token: string;
  from: string;
  /** Connecting, and each wait for an answer, default 15 s. */
  timeoutMs?: number;
  /** Connections at most, default 16. */
  maxSockets?: number;
  /** Certificate authorities to trust for the provider (a private CA), PEM. */
  ca?: string | Buffer;
}

type Outcome =
  | { kind: 'answered'; status: number; body: string }
  | { kind: 'not_sent'; error: Error; reusedSocket: boolean }
  | { kind: 'abandoned'; error: unknown }
  | { kind: 'no_answer'; error: Error };

const MAX_BODY = 64 * 1024;

export class HttpJsonSmsProvider implements ChannelProvider {
  readonly name = 'http-json-sms';
  readonly channel = 'sms' as const;

  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly config: HttpJsonSmsConfig) {
    this.base = new URL(config.baseUrl.replace(/\/+$/, ''));
    if (this.base.protocol !== 'https:' && this.base.protocol !== 'http:')
      throw new RangeError(`baseUrl must be an https: URL: ${config.baseUrl}`);
    this.timeoutMs = config.timeoutMs ?? 15_000;
    const options = { keepAlive: true, maxSockets: Math.max(1, config.maxSockets ?? 16) };
    this.agent =
      this.base.protocol === 'https:'
        ? new https.Agent({ ...options, ...(config.ca ? { ca: config.ca } : {}) })
        : new http.Agent(options);
  }

  send(message: OutboundMessage, handOver: () => Promise<void>): Promise<SendResult> {
    if (this.closed) return Promise.resolve(temporary('the SMS provider is closed'));
    return this.track(this.deliver(message, handOver));
  }

  lookup(idempotencyKey: string): Promise<LookupResult> {
    if (this.closed) return Promise.resolve({ status: 'unknown' });
    return this.track(this.find(idempotencyKey));
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    this.agent.destroy();
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  private url(path: string): URL {
    const u = new URL(this.base.href);
    u.pathname = `${u.pathname.replace(/\/+$/, '')}${path}`;
    return u;
  }

  private async deliver(
    message: OutboundMessage,
    handOver: () => Promise<void>,
  ): Promise<SendResult> {
    if (message.channel !== 'sms')
      return permanent(`the SMS provider sends SMS, not ${message.channel}`);
    const key = message.idempotencyKey;
    if (!key || /[\p{Cc}]/u.test(key) || key.length > 255)
      return permanent(`the idempotency key ${JSON.stringify(key)} is unusable in a header`);
    const body = Buffer.from(
      JSON.stringify({
        to: message.to,
        from: this.config.from,
        text: message.text,
        reference: key,
      }),
      'utf8',
    );
    let handedOver = false;
    const once = async () => {
      if (handedOver) return;
      await handOver();
      handedOver = true;
    };
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.post(key, body, once);
      // A kept-open connection the server had closed: once more on a new one.
      if (attempt === 1 && outcome.kind === 'not_sent' && outcome.reusedSocket) continue;
      return this.result(outcome, key);
    }
  }

  private async result(outcome: Outcome, key: string): Promise<SendResult> {
    switch (outcome.kind) {
      case 'abandoned':
        return temporary(`abandoned before the end of the request: ${errorText(outcome.error)}`);
      case 'not_sent':
        return temporary(`the provider did not get the whole request: ${errorText(outcome.error)}`);
      case 'no_answer': {
        const found = await this.find(key);
        if (found.status === 'accepted')
          return {
            status: 'sent',
            ...(found.providerMessageId ? { providerMessageId: found.providerMessageId } : {}),
            detail: `no answer to the request (${errorText(outcome.error)}), but the provider has it`,
          };
        return temporary(
          `no answer from the provider (${errorText(outcome.error)}); the lookup says ` +
            `${found.status}: to be sent again with the same key`,
        );
      }
      case 'answered': {
        const { status } = outcome;
        const json = parseJson(outcome.body);
        const id = idOf(json);
        const what = typeof json?.status === 'string' ? json.status : undefined;
        if ((status >= 200 && status < 300) || status === 409)
          return {
            status: 'sent',
            ...(id ? { providerMessageId: id } : {}),
            ...(status === 409
              ? {
                  detail: `the key was used before: the original message${what ? `, ${what}` : ''}`,
                }
              : what
                ? { detail: what }
                : {}),
          };
        const why = `the provider answered ${status}: ${errorOf(json, outcome.body)}`;
        if (status === 408 || status === 425 || status === 429 || status >= 500)
          return temporary(why);
        if (status >= 400) return permanent(why);
        return temporary(why);
      }
    }
  }

  /** The POST, its last byte held back until `handOver` has resolved. */
  private post(key: string, body: Buffer, handOver: () => Promise<void>): Promise<Outcome> {
    const mod = this.base.protocol === 'https:' ? https : http;
    let handing: Promise<void> | undefined;
    const outcome = new Promise<Outcome>((resolve) => {
      let phase: 'head' | 'handover' | 'tail' = 'head';
      let settled = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (o: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(o);
      };
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(
          () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)),
          this.timeoutMs,
        );
      };
      const req = mod.request(this.url('/messages'), {
        method: 'POST',
        agent: this.agent,
        headers: {
          Authorization: `Bearer ${this.config.token}`,
          'Idempotency-Key': key,
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': String(body.length),
          Accept: 'application/json',
        },
      });
      req.on('response', (res) => {
        readBody(res).then(
          (text) => finish({ kind: 'answered', status: res.statusCode ?? 0, body: text }),
          (error: Error) => finish({ kind: 'no_answer', error }),
        );
      });
      req.on('error', (error) => {
        if (phase === 'tail') finish({ kind: 'no_answer', error });
        else finish({ kind: 'not_sent', error, reusedSocket: req.reusedSocket });
      });
      arm();
      req.write(body.subarray(0, body.length - 1), (err) => {
        if (err || settled) return;
        // all but the last byte has gone on to the socket
        phase = 'handover';
        clearTimeout(timer);
        handing = Promise.resolve().then(handOver);
        handing.then(
          () => {
            if (settled) return;
            phase = 'tail';
            arm();
            req.end(body.subarray(body.length - 1));
          },
          (error: unknown) => {
            if (settled) return;
            req.destroy();
            finish({ kind: 'abandoned', error });
          },
        );
      });
    });
    return outcome.then(async (o) => {
      if (handing) await handing.catch(() => undefined);
      return o;
    });
  }

  private find(key: string): Promise<LookupResult> {
    const mod = this.base.protocol === 'https:' ? https : http;
    const u = this.url('/messages');
    u.searchParams.set('reference', key);
    return new Promise<LookupResult>((resolve) => {
      const req = mod.request(u, {
        method: 'GET',
        agent: this.agent,
        headers: { Authorization: `Bearer ${this.config.token}`, Accept: 'application/json' },
        timeout: this.timeoutMs,
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', () => resolve({ status: 'unknown' }));
      req.on('response', (res) => {
        readBody(res).then(
          (text) => {
            if (res.statusCode === 404) return resolve({ status: 'not_found' });
            if (res.statusCode !== 200) return resolve({ status: 'unknown' });
            const json: unknown = parseJson(text, true);
            const list = Array.isArray(json)
              ? json
              : Array.isArray((json as { messages?: unknown } | undefined)?.messages)
                ? (json as { messages: unknown[] }).messages
                : undefined;
            if (!list) return resolve({ status: 'unknown' });
            const hit = list.find(
              (m) =>
                typeof m === 'object' &&
                m !== null &&
                ((m as { reference?: unknown }).reference === undefined ||
                  (m as { reference?: unknown }).reference === key),
            ) as Record<string, unknown> | undefined;
            if (!hit) return resolve({ status: 'not_found' });
            const id = idOf(hit);
            resolve({ status: 'accepted', ...(id ? { providerMessageId: id } : {}) });
          },
          () => resolve({ status: 'unknown' }),
        );
      });
      req.end();
    });
  }
}

function readBody(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('the answer was cut short')));
  });
}

function parseJson(text: string, any: true): unknown;
function parseJson(text: string): Record<string, unknown> | undefined;
function parseJson(text: string, any = false): unknown {
  try {
    const v: unknown = JSON.parse(text);
    if (any) return v;
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function idOf(json: Record<string, unknown> | undefined): string | undefined {
  const id = json?.id;
  if (typeof id === 'string' && id) return id;
  if (typeof id === 'number') return String(id);
  return undefined;
}

function errorOf(json: Record<string, unknown> | undefined, text: string): string {
  const e = json?.error ?? json?.message;
  if (typeof e === 'string') return e;
  if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string')
    return (e as { message: string }).message;
  return text.trim().slice(0, 300) || '(no text)';
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const temporary = (reason: string): SendResult => ({ status: 'temporary_failure', reason });
const permanent = (reason: string): SendResult => ({ status: 'permanent_failure', reason });
