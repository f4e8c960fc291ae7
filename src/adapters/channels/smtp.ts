/**
 * The e-mail channel over SMTP: a pool of kept-open SMTP connections (nodemailer's
 * SMTPConnection), each message composed with nodemailer's MailComposer.
 *
 * Crash safety (see `ChannelProvider`): the composed message is handed to the connection as a
 * stream this adapter controls. The whole message is written into the DATA, but the stream is
 * not ended, so the final `CRLF.CRLF` is not written, until `handOver()` has resolved. Up to
 * then a crash, a dropped connection or a rejected `handOver` leaves the server with an
 * unfinished DATA, which it discards. If `handOver` rejects, the socket is destroyed without
 * ending the data.
 *
 * Plain SMTP cannot be asked what became of a message. Relays and e-mail services that can
 * (their message or event APIs search by Message-ID) are asked through `lookupUrl`:
 * `GET <lookupUrl>?message_id=<Message-ID>` answers 200 `{"accepted": true, "id": "..."}` when
 * the relay has the message and 404 when it has not; then a message handed over by a worker
 * that stopped before it recorded the answer is sent again only if the relay has not got it.
 * Without `lookupUrl` such a message is taken as accepted. The Message-ID is
 * `<idempotencyKey@messageIdDomain>` and the key is also in `X-Recoup-Key`, so a replay is
 * recognisable in the recipient's mailbox and in bounces.
 *
 * `List-Unsubscribe` (with one-click `List-Unsubscribe-Post`) carries the message's opt-out link.
 */
import { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type {
  ChannelProvider,
  LookupResult,
  OutboundMessage,
  SendResult,
} from '../../app/dispatch/ports.ts';

export interface SmtpEmailConfig {
  host: string;
  port: number;
  /** TLS from the start (port 465). Otherwise STARTTLS is used when the server offers it. */
  secure?: boolean;
  /** Fail unless the connection can be upgraded with STARTTLS. */
  requireTLS?: boolean;
  auth?: { user: string; pass: string };
  /** The From header and the envelope sender: `"Acme Credit" <billing@acme.example>`. */
  from: string;
  /** Parallel connections kept open, default 8. */
  poolSize?: number;
  /** Connecting, the greeting and each wait for the server, default 30 s. */
  timeoutMs?: number;
  /** The domain of the Message-ID: `<idempotencyKey@messageIdDomain>`. */
  messageIdDomain: string;
  /** The client's name in EHLO, default the host name. */
  name?: string;
  /** Where the relay can be asked whether it has a message (see above). */
  lookupUrl?: string;
}

interface Composed {
  raw: Buffer;
  messageId: string;
  envelope: { from: string; to: string[]; size: number };
}

interface Slot {
  conn: SMTPConnection;
  alive: boolean;
  /** In a transaction: a failure on its own is seen and handled there. */
  busy: boolean;
  idle: boolean;
  /** Whether the slot still counts towards the pool size. */
  counted: boolean;
}

/** What a waiter for a connection is given: a free connection, room to open one, or the end. */
type Grant = Slot | 'open' | 'closed';

type Phase = 'envelope' | 'body' | 'handover' | 'ended';

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

type Outcome =
  | { kind: 'accepted'; response: string; serverMessageId?: string }
  | { kind: 'failed'; err: SmtpError; phase: Phase }
  | { kind: 'abandoned'; err: unknown };

class ProviderClosed extends Error {}

/** Failures of the connection rather than replies of the server. */
const CONNECTION_ERRORS = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EPROTOCOL', 'ETLS']);

const noop = () => undefined;
const errorText = (e: unknown) => {
  if (!(e instanceof Error)) return String(e);
  const code = (e as SmtpError).code;
  return code && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
};

/** Message-ID local part: the key itself when it is a dot-atom, otherwise a stable encoding. */
function messageIdLocalPart(key: string): string {
  if (/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(key)) return key;
  return `k.${Buffer.from(key, 'utf8').toString('base64url')}`;
}

/** The server's id for the message, as its reply to the end of data names it. */
function queueId(response: string): string | undefined {
  const m = /\bqueued as\s+<?([^\s<>]+?)>?(?:\s|$)/i.exec(response) ?? /\bid=(\S+)/i.exec(response);
  return m?.[1];
}

export class SmtpEmailProvider implements ChannelProvider {
  readonly name = 'smtp';
  readonly channel = 'email' as const;

  private readonly poolSize: number;
  private readonly timeoutMs: number;
  private readonly idle: Slot[] = [];
  private readonly waiters: Array<(grant: Grant) => void> = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Connections open or being opened. */
  private total = 0;
  private closed = false;

  /** Present when the relay can be asked (`lookupUrl`). */
  readonly lookup?: (idempotencyKey: string) => Promise<LookupResult>;

  constructor(private readonly config: SmtpEmailConfig) {
    if (config.lookupUrl) {
      const base = config.lookupUrl;
      this.lookup = async (key) => {
        const id = `<${messageIdLocalPart(key)}@${config.messageIdDomain}>`;
        const u = new URL(base);
        u.searchParams.set('message_id', id);
        const r = await fetch(u, { signal: AbortSignal.timeout(this.timeoutMs) });
        if (r.status === 404) return { status: 'not_found' };
        if (!r.ok) return { status: 'unknown' };
        const body = (await r.json()) as { accepted?: boolean; id?: string };
        if (body.accepted !== true) return { status: 'not_found' };
        return body.id
          ? { status: 'accepted', providerMessageId: body.id }
          : { status: 'accepted' };
      };
    }
    this.poolSize = Math.max(1, config.poolSize ?? 8);
    this.timeoutMs = config.timeoutMs ?? 30_000;
    // a domain name, or an address literal such as [::1] (RFC 5322 no-fold-literal)
    if (!/^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[A-Za-z0-9.:]+\])$/.test(config.messageIdDomain))
      throw new RangeError(`messageIdDomain "${config.messageIdDomain}" is not a domain name`);
  }

  send(message: OutboundMessage, handOver: () => Promise<void>): Promise<SendResult> {
    if (this.closed) return Promise.resolve(temporary('the SMTP provider is closed'));
    const p = this.deliver(message, handOver);
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w('closed');
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    await Promise.all(this.idle.splice(0).map((s) => this.quit(s)));
  }

  private async deliver(
    message: OutboundMessage,
    handOver: () => Promise<void>,
  ): Promise<SendResult> {
    if (message.channel !== 'email')
      return permanent(`the SMTP provider sends e-mails, not ${message.channel}`);
    let composed: Composed;
    try {
      composed = await this.compose(message);
    } catch (e) {
      return permanent(`cannot compose the e-mail: ${errorText(e)}`);
    }
    for (let attempt = 1; ; attempt++) {
      let lease: { slot: Slot; reused: boolean };
      try {
        lease = await this.acquire();
      } catch (e) {
        if (e instanceof ProviderClosed) return temporary('the SMTP provider is closed');
        return temporary(
          `cannot connect to ${this.config.host}:${this.config.port}: ${errorText(e)}`,
        );
      }
      const outcome = await this.transmit(lease.slot, composed, handOver);
      this.afterUse(lease.slot, outcome);
      // A kept-open connection the server has dropped in the meantime fails before anything of
      // the message is written: that is safe to try once more on another connection.
      if (
        attempt === 1 &&
        lease.reused &&
        outcome.kind === 'failed' &&
        outcome.phase === 'envelope' &&
        !outcome.err.responseCode &&
        CONNECTION_ERRORS.has(outcome.err.code ?? '')
      )
        continue;
      return this.result(outcome, composed.messageId);
    }
  }

  private async compose(m: OutboundMessage): Promise<Composed> {
    if (!m.idempotencyKey || /[\p{Cc}\s<>]/u.test(m.idempotencyKey))
      throw new RangeError(`the idempotency key ${JSON.stringify(m.idempotencyKey)} is unusable`);
    const messageId = `<${messageIdLocalPart(m.idempotencyKey)}@${this.config.messageIdDomain}>`;
    const node = new MailComposer({
      from: this.config.from,
      to: m.to,
      subject: m.subject,
      text: m.text,
      html: m.html,
      messageId,
      headers: {
        'X-Recoup-Key': m.idempotencyKey,
        ...(m.language ? { 'Content-Language': m.language } : {}),
        // One-click unsubscribe (RFC 2369, RFC 8058): the link opts the address out by POST.
        ...(m.optOutUrl
          ? {
              'List-Unsubscribe': `<${m.optOutUrl}>`,
              'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
            }
          : {}),
      },
      xMailer: false,
    }).compile();
    const env = node.getEnvelope();
    if (env.to.length !== 1)
      throw new RangeError(`expected one recipient address, got ${JSON.stringify(m.to)}`);
    if (!env.from) throw new RangeError(`no sender address in ${JSON.stringify(this.config.from)}`);
    const raw = await node.build();
    return { raw, messageId, envelope: { from: env.from, to: env.to, size: raw.length } };
  }

  /**
   * One SMTP transaction on `slot`. The message goes in as a stream that pushes the whole
   * message and, once the connection asks for more (all of it has gone on to the socket), calls
   * `handOver()`; only when that resolves does the stream end, which makes the connection write
   * the end of data. Resolves after `handOver` has settled, if it was called.
   */
  private async transmit(
    slot: Slot,
    composed: Composed,
    handOver: () => Promise<void>,
  ): Promise<Outcome> {
    const { conn } = slot;
    let phase: Phase = 'envelope';
    let handingOver: Promise<void> | undefined;
    const outcome = await new Promise<Outcome>((resolve) => {
      let settled = false;
      const finish = (o: Outcome) => {
        if (settled) return;
        settled = true;
        resolve(o);
      };
      const source = new Readable({
        read: () => {
          if (phase === 'envelope') {
            // the server has answered DATA with 354: the message body
            phase = 'body';
            source.push(composed.raw);
            return;
          }
          if (phase !== 'body') return;
          // the body has gone on to the socket: once the socket has written it out, all of
          // the message but the end of data is at the server
          phase = 'handover';
          void flushed(conn).then(() => {
            if (settled) return; // the connection failed meanwhile
            handingOver = new Promise<void>((res) => res(handOver()));
            handingOver.then(
              () => {
                if (settled) return; // the connection failed meanwhile: no end of data
                phase = 'ended';
                source.push(null);
              },
              (err: unknown) => {
                if (settled) return;
                abandon(slot);
                finish({ kind: 'abandoned', err });
              },
            );
          });
        },
      });
      conn.send(composed.envelope, source, (err, info) => {
        if (err) finish({ kind: 'failed', err: err as SmtpError, phase });
        else
          finish({
            kind: 'accepted',
            response: info.response,
            serverMessageId: info.serverMessageId,
          });
      });
    });
    if (handingOver) await handingOver.then(noop, noop);
    return outcome;
  }

  private result(outcome: Outcome, messageId: string): SendResult {
    if (outcome.kind === 'accepted')
      return {
        status: 'sent',
        providerMessageId: queueId(outcome.response) ?? outcome.serverMessageId ?? messageId,
        detail: outcome.response,
      };
    if (outcome.kind === 'abandoned')
      return temporary(`abandoned before the end of data: ${errorText(outcome.err)}`);
    const { err, phase } = outcome;
    const code = err.responseCode;
    if (code && code >= 500 && code < 600) return permanent(err.response ?? err.message);
    if (code && code >= 400) return temporary(err.response ?? err.message);
    // refused before it was sent: an address or a size the connection will not take
    if (!CONNECTION_ERRORS.has(err.code ?? '')) return permanent(errorText(err));
    if (phase === 'ended')
      // The end of data was written but no reply came: the server may hold the message. As
      // after a crash past handOver(), it is taken as accepted rather than risk sending it twice.
      return {
        status: 'sent',
        providerMessageId: messageId,
        detail: `no reply after the end of data (${err.message}): taken as accepted`,
      };
    return temporary(errorText(err));
  }

  // ---- the pool -------------------------------------------------------------------------

  private async acquire(): Promise<{ slot: Slot; reused: boolean }> {
    if (this.closed) throw new ProviderClosed();
    const free = this.takeIdle();
    if (free) return { slot: free, reused: true };
    if (this.total < this.poolSize) return { slot: await this.openCounted(), reused: false };
    const grant = await new Promise<Grant>((resolve) => this.waiters.push(resolve));
    if (grant === 'closed') throw new ProviderClosed();
    if (grant === 'open') return { slot: await this.openCounted(), reused: false };
    return { slot: grant, reused: true };
  }

  /** Hands a connection to the next waiter, or keeps it idle. */
  private release(slot: Slot) {
    if (!slot.alive) return this.discard(slot);
    const w = this.waiters.shift();
    if (w) {
      slot.busy = true;
      return w(slot);
    }
    if (this.closed) return void this.quit(slot);
    slot.idle = true;
    this.idle.push(slot);
  }

  private takeIdle(): Slot | undefined {
    for (let s = this.idle.pop(); s; s = this.idle.pop()) {
      s.idle = false;
      if (s.alive) {
        s.busy = true;
        return s;
      }
    }
    return undefined;
  }

  private async openCounted(): Promise<Slot> {
    this.total++;
    try {
      return await this.open();
    } catch (e) {
      this.total--;
      this.wakeToOpen();
      throw e;
    }
  }

  private open(): Promise<Slot> {
    const t = this.timeoutMs;
    const conn = new SMTPConnection({
      host: this.config.host,
      port: this.config.port,
      secure: this.config.secure ?? false,
      requireTLS: this.config.requireTLS ?? false,
      name: this.config.name,
      connectionTimeout: t,
      greetingTimeout: t,
      socketTimeout: t,
      logger: false,
    });
    const slot: Slot = { conn, alive: true, busy: true, idle: false, counted: true };
    return new Promise<Slot>((resolve, reject) => {
      let ready = false;
      const fail = (err: unknown) => {
        slot.alive = false;
        if (!ready) {
          ready = true;
          conn.close();
          reject(err instanceof Error ? err : new Error(String(err)));
        } else this.onDead(slot);
      };
      conn.on('error', fail);
      conn.once('end', () => fail(new Error('connection closed')));
      conn.connect((err) => {
        if (err) return fail(err);
        if (!this.config.auth) {
          ready = true;
          return resolve(slot);
        }
        conn.login({ user: this.config.auth.user, pass: this.config.auth.pass }, (e) => {
          if (e) return fail(new Error(`login failed: ${e.message}`));
          ready = true;
          resolve(slot);
        });
      });
    });
  }

  /** Puts a connection back after a transaction: RSET after a failure, dropped when broken. */
  private afterUse(slot: Slot, outcome: Outcome) {
    slot.busy = false;
    if (!slot.alive || slot.conn.destroyed || outcome.kind === 'abandoned')
      return this.discard(slot);
    if (outcome.kind === 'accepted') return this.release(slot);
    // If the connection dies during the RSET, the callback never comes: onDead discards it.
    const reset = new Promise<void>((resolve) =>
      slot.conn.reset((err) => {
        if (err || !slot.alive) this.discard(slot);
        else this.release(slot);
        resolve();
      }),
    );
    const untilDead = new Promise<void>((resolve) => slot.conn.once('end', resolve));
    const maintenance = Promise.race([reset, untilDead]);
    this.inFlight.add(maintenance);
    void maintenance.finally(() => this.inFlight.delete(maintenance));
  }

  private discard(slot: Slot) {
    slot.alive = false;
    if (!slot.conn.destroyed) slot.conn.close();
    this.uncount(slot);
  }

  /** A connection closed or failed on its own. */
  private onDead(slot: Slot) {
    if (slot.busy) return; // in a transaction: it sees the failure and discards the slot
    if (slot.idle) {
      slot.idle = false;
      const i = this.idle.indexOf(slot);
      if (i >= 0) this.idle.splice(i, 1);
    }
    this.uncount(slot);
  }

  private uncount(slot: Slot) {
    if (!slot.counted) return;
    slot.counted = false;
    this.total--;
    this.wakeToOpen();
  }

  private wakeToOpen() {
    if (this.total < this.poolSize) this.waiters.shift()?.('open');
  }

  private quit(slot: Slot): Promise<void> {
    slot.idle = false;
    const { conn } = slot;
    this.uncount(slot);
    if (conn.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => conn.close(), 1_000);
      conn.once('end', () => {
        clearTimeout(timer);
        resolve();
      });
      conn.quit();
    });
  }
}

/** Resolves once the socket has passed everything written to it so far on to the system. */
function flushed(conn: SMTPConnection): Promise<void> {
  const socket = conn._socket;
  if (!socket || socket.destroyed || socket.writableLength === 0) return Promise.resolve();
  return new Promise<void>((resolve) => socket.write(Buffer.alloc(0), () => resolve()));
}

/** Drops the connection in the middle of the DATA: the end of data is never written. */
function abandon(slot: Slot) {
  slot.alive = false;
  const socket = slot.conn._socket;
  if (socket) socket.destroy();
  slot.conn.close();
}

const temporary = (reason: string): SendResult => ({ status: 'temporary_failure', reason });
const permanent = (reason: string): SendResult => ({ status: 'permanent_failure', reason });
