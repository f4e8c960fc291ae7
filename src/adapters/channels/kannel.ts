/**
 * The SMS channel through a Kannel gateway (smsbox's HTTP `sendsms` interface), with the
 * parsers for what Kannel calls us back with: delivery reports (dlr-url) and inbound messages
 * (an sms-service's get-url).
 *
 * Sending: `GET /cgi-bin/sendsms?username&password&from&to&text&charset=UTF-8[&coding=2]
 * &dlr-mask&dlr-url[&smsc]` over kept-open HTTP/1.1 connections (a small pool of raw sockets,
 * `maxSockets`, default 16). Text that fits the GSM 03.38 alphabet goes as 7-bit (coding 0,
 * 160 characters a part); anything else (Chinese, emoji…) as UCS-2 (coding=2, 70 a part):
 * with coding 0 Kannel turns such characters into '?'. Kannel splits long texts itself.
 *
 * Crash safety (see `ChannelProvider`): the whole request is written except the final CRLF of
 * its headers; once the socket has passed that on, `handOver()` is awaited, and only then are
 * the last two bytes written. smsbox does nothing with a request whose headers are unfinished
 * when the connection closes (checked against Kannel 1.4.5: test/integration/kannel.test.ts),
 * so a crash or a rejected `handOver` before that leaves nothing at Kannel. If `handOver`
 * rejects, the socket is destroyed and the result is a temporary failure ("abandoned").
 *
 * Kannel's answers: 202 `0: Accepted for delivery` or `3: Queued for later delivery` are sent;
 * 4xx (`Authorization failed for sendsms`, `Missing receiver number, rejected`, `Not routable.
 * Do not try again.`, a denied number…) are permanent; 5xx, refused connections and time-outs
 * before the last bytes are temporary. Once the last bytes are written, a connection that
 * smsbox resets before a byte of answer held the request unread (see `reset` below): it is sent
 * again on a new connection, up to twice. One that closes or stays silent otherwise is taken as
 * accepted (as after a crash past `handOver`), so that the message is not sent twice. Kannel gives no message id on sendsms, so there is no
 * `providerMessageId`, and it cannot be asked about a message later: no `lookup`. What became
 * of a message comes through the delivery reports.
 *
 * Delivery reports: `dlrUrl(key)` gives the dlr-url for a message; it carries the idempotency
 * key and Kannel's escapes, e.g. `https://recoup/api/channels/kannel/dlr?key=K&status=%d&at=%T
 * &reply=%A`, which `parseKannelDlr` reads (see there). Percent-encoded bytes in it whose first
 * hex digit is a letter (%E4…, from a non-ASCII key) would be taken by Kannel for its own
 * escapes (%E, %B, %A…); they are doubled (`%%E4`), which Kannel turns back into `%E4`. So a
 * Kannel escape must not be directly followed by a hexadecimal digit.
 */
import { Socket, connect } from 'node:net';
import type { ChannelProvider, OutboundMessage, SendResult } from '../../app/dispatch/ports.ts';

export interface KannelConfig {
  /** smsbox's sendsms interface: `http://127.0.0.1:13013/cgi-bin/sendsms`. */
  sendsmsUrl: string;
  /** A sendsms-user of smsbox. */
  username: string;
  password: string;
  /** The sender: a short code, a number or an alphanumeric sender id. */
  from: string;
  /** The dlr-url for the message with this key (see above). */
  dlrUrl: (idempotencyKey: string) => string;
  /** Which delivery reports to ask for: 1 delivered, 2 failed, 4 buffered, 8 SMSC accepted,
   * 16 SMSC rejected. Default 31, all of them. */
  dlrMask?: number;
  /** Kannel's smsc-id to route through, when smsbox should not choose. */
  smsc?: string;
  /** Connecting, and waiting for Kannel's answer, default 15 s. */
  timeoutMs?: number;
  /** Connections to smsbox at most, default 16. */
  maxSockets?: number;
  /** How long an unused connection is kept open, default 10 s (smsbox closes them after 60). */
  idleTimeoutMs?: number;
  /**
   * How long after the hand-over the SMSC-accepted report (type 8) is sure to have come, for a
   * message a stopped worker left unconfirmed; default 120 s. Needs a dlr-mask with 8.
   */
  reportWithinMs?: number;
}

/** A delivery report, as `parseKannelDlr` reads it. */
export interface KannelDlr {
  idempotencyKey: string;
  status: 'delivered' | 'failed' | 'accepted' | 'buffered' | 'rejected';
  /** Kannel's DLR type: 1, 2, 4, 8 or 16. */
  code: number;
  /** When Kannel has the report from (%T), if given. */
  at?: Date;
  /** The SMSC's text (%A): `ACK/`, `NACK/no SMSC`, an SMPP receipt `id:… stat:DELIVRD err:000…`. */
  detail: string;
  /** The SMSC's message id (%F), if given. */
  smscMessageId?: string;
}

/** An inbound message, as `parseKannelInbound` reads it. */
export interface KannelInbound {
  /** The customer's number (%p). */
  from: string;
  /** Our number or short code (%P). */
  to: string;
  text: string;
}

export class KannelDlrError extends Error {}

/** A query as web frameworks give it: a value, several, or none. */
export type Query = Record<string, string | string[] | undefined>;

const DLR_TYPES: Record<number, KannelDlr['status']> = {
  1: 'delivered',
  2: 'failed',
  4: 'buffered',
  8: 'accepted',
  16: 'rejected',
};

const one = (q: Query, ...names: string[]): string | undefined => {
  for (const n of names) {
    const v = q[n];
    const s = Array.isArray(v) ? v[0] : v;
    if (s !== undefined) return s;
  }
  return undefined;
};

/**
 * Reads a delivery report from the dlr-url's query: `key` (the idempotency key), `status` (or
 * `type`: Kannel's %d), optionally `at` (or `time`: %T, seconds since the epoch), `reply` (%A)
 * and `smscid` (%F). Throws a KannelDlrError for a report that is not one.
 */
export function parseKannelDlr(query: Query): KannelDlr {
  const key = one(query, 'key');
  if (!key) throw new KannelDlrError('the delivery report has no key');
  const type = one(query, 'status', 'type')?.trim() ?? '';
  const code = /^\d+$/.test(type) ? Number(type) : NaN;
  const status = DLR_TYPES[code];
  if (!status) throw new KannelDlrError(`unknown delivery report type ${JSON.stringify(type)}`);
  const dlr: KannelDlr = { idempotencyKey: key, status, code, detail: one(query, 'reply') ?? '' };
  const time = one(query, 'at', 'time')?.trim();
  if (time && /^\d+$/.test(time)) dlr.at = new Date(Number(time) * 1000);
  const smscId = one(query, 'smscid')?.trim();
  if (smscId) dlr.smscMessageId = smscId;
  return dlr;
}

/**
 * Reads an inbound message from a get-url such as `…/inbound?from=%p&to=%P&text=%b`
 * (%b: the text as it came; %a squeezes spaces). Give it the parsed query when smsbox has
 * `mo-recode = true` (UCS-2 messages then come as UTF-8). Without it, UCS-2 messages (Chinese)
 * come as their raw UTF-16BE bytes: then give the raw query string (what follows the `?`) and
 * have the get-url add `&charset=%C` (and `&coding=%c`), by which the text is decoded.
 */
export function parseKannelInbound(query: Query | string): KannelInbound {
  if (typeof query === 'string') return parseRawInbound(query);
  const charset = one(query, 'charset')?.toUpperCase();
  if (charset && !/^UTF-?8$/.test(charset) && charset !== 'US-ASCII')
    throw new KannelDlrError(
      `the inbound text is in ${charset}: pass the raw query string, or set mo-recode in smsbox`,
    );
  return {
    from: one(query, 'from')?.trim() ?? '',
    to: one(query, 'to')?.trim() ?? '',
    text: one(query, 'text') ?? '',
  };
}

function parseRawInbound(raw: string): KannelInbound {
  const bytes = new Map<string, Buffer>();
  for (const pair of raw.replace(/^\?/, '').split('&')) {
    if (!pair) continue;
    const i = pair.indexOf('=');
    const name = percentDecode(i < 0 ? pair : pair.slice(0, i)).toString('utf8');
    if (!bytes.has(name)) bytes.set(name, percentDecode(i < 0 ? '' : pair.slice(i + 1)));
  }
  const str = (n: string) => bytes.get(n)?.toString('utf8').trim() ?? '';
  const charset = str('charset').toUpperCase();
  const text = bytes.get('text') ?? Buffer.alloc(0);
  let decoded: string;
  if (/^(UTF-16BE|UCS-2|UCS2|UTF-16)$/.test(charset) || (!charset && str('coding') === '2'))
    decoded = Buffer.from(text.subarray(0, text.length - (text.length % 2)))
      .swap16()
      .toString('utf16le');
  else if (/^(ISO-8859-1|LATIN1|WINDOWS-1252)$/.test(charset)) decoded = text.toString('latin1');
  else decoded = text.toString('utf8');
  return { from: str('from'), to: str('to'), text: decoded };
}

/** application/x-www-form-urlencoded to bytes: '+' is a space, %XX a byte. */
function percentDecode(s: string): Buffer {
  const raw = Buffer.from(s, 'utf8');
  const out = Buffer.alloc(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === 0x2b) out[n++] = 0x20;
    else if (c === 0x25 && i + 2 < raw.length && isHex(raw[i + 1]!) && isHex(raw[i + 2]!)) {
      out[n++] = parseInt(String.fromCharCode(raw[i + 1]!, raw[i + 2]!), 16);
      i += 2;
    } else out[n++] = c;
  }
  return out.subarray(0, n);
}

const isHex = (c: number) =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

// GSM 03.38: the default alphabet and its extension table (each extension char takes two).
const GSM7 = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ' +
    'ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà' +
    '\f^{}\\[~]|€',
);

/** Whether the text can go as 7-bit GSM; otherwise it must be UCS-2. */
export function fitsGsm7(text: string): boolean {
  for (const ch of text) if (!GSM7.has(ch)) return false;
  return true;
}

/** Doubles the '%' of percent-encoded bytes Kannel would read as its escapes (see above). */
export function protectForKannel(url: string): string {
  return url.replace(/%(%|[A-Fa-f][0-9A-Fa-f])?/g, (m, rest: string | undefined) =>
    rest && rest !== '%' ? `%${m}` : m,
  );
}

interface Conn {
  socket: Socket;
  /** Closed or failed: not to be used again. */
  dead: boolean;
  idleTimer?: ReturnType<typeof setTimeout>;
  /** What arrives while the connection is in a request. */
  onData?: (chunk: Buffer) => void;
  onEnd?: (error?: Error) => void;
}

interface Response {
  status: number;
  body: string;
  keepAlive: boolean;
}

type Grant = Conn | 'open' | 'closed';

class ProviderClosed extends Error {}

/** What came of one request on one connection. */
type Exchange =
  | { kind: 'answered'; response: Response }
  /** Failed before the last bytes were written: Kannel has nothing. */
  | { kind: 'not_sent'; error: Error }
  | { kind: 'abandoned'; error: unknown }
  /**
   * The last bytes were written, then smsbox reset the connection before a byte of answer.
   * A socket is reset when it is closed with data its program never read: smsbox had not read
   * the whole request, so it has nothing of the message. (Had it read all of it, its close,
   * or even its crash, would have ended the connection with a FIN, not a reset.)
   */
  | { kind: 'reset'; error: Error }
  /** The last bytes were written, but no answer came. */
  | { kind: 'no_answer'; error: Error };

export class KannelSmsProvider implements ChannelProvider {
  readonly name = 'kannel';
  readonly channel = 'sms' as const;
  readonly reportWithinMs?: number;

  private readonly host: string;
  private readonly port: number;
  private readonly path: string;
  private readonly hostHeader: string;
  private readonly timeoutMs: number;
  private readonly maxSockets: number;
  private readonly idleTimeoutMs: number;
  private readonly idle: Conn[] = [];
  private readonly waiters: Array<(grant: Grant) => void> = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private total = 0;
  private closed = false;

  constructor(private readonly config: KannelConfig) {
    if (((config.dlrMask ?? 31) & 8) === 8) this.reportWithinMs = config.reportWithinMs ?? 120_000;
    const u = new URL(config.sendsmsUrl);
    if (u.protocol !== 'http:')
      throw new RangeError(`sendsmsUrl must be an http: URL (smsbox speaks plain HTTP): ${u}`);
    this.host = u.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = Number(u.port || 80);
    this.path = u.pathname || '/cgi-bin/sendsms';
    this.hostHeader = u.host;
    this.timeoutMs = config.timeoutMs ?? 15_000;
    this.maxSockets = Math.max(1, config.maxSockets ?? 16);
    this.idleTimeoutMs = config.idleTimeoutMs ?? 10_000;
  }

  send(message: OutboundMessage, handOver: () => Promise<void>): Promise<SendResult> {
    if (this.closed) return Promise.resolve(temporary('the Kannel provider is closed'));
    const p = this.deliver(message, handOver);
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w('closed');
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    for (const c of this.idle.splice(0)) this.discard(c);
  }

  /** The request line and headers of the sendsms request for this message. */
  private request(message: OutboundMessage): Buffer {
    const c = this.config;
    const params = new URLSearchParams({
      username: c.username,
      password: c.password,
      from: c.from,
      to: message.to,
      text: message.text,
      charset: 'UTF-8',
    });
    if (!fitsGsm7(message.text)) params.set('coding', '2');
    params.set('dlr-mask', String(c.dlrMask ?? 31));
    params.set('dlr-url', protectForKannel(c.dlrUrl(message.idempotencyKey)));
    if (c.smsc) params.set('smsc', c.smsc);
    return Buffer.from(
      `GET ${this.path}?${params.toString()} HTTP/1.1\r\n` +
        `Host: ${this.hostHeader}\r\n` +
        'Connection: keep-alive\r\n' +
        'User-Agent: recoup\r\n' +
        '\r\n',
      'utf8',
    );
  }

  private async deliver(
    message: OutboundMessage,
    handOver: () => Promise<void>,
  ): Promise<SendResult> {
    if (message.channel !== 'sms')
      return permanent(`the Kannel provider sends SMS, not ${message.channel}`);
    if (!/^\+?[0-9]{3,20}$/.test(message.to.replace(/[\s()-]/g, '')))
      return permanent(`${JSON.stringify(message.to)} is not a phone number`);
    if (!message.idempotencyKey) return permanent('the message has no idempotency key');
    const request = this.request({ ...message, to: message.to.replace(/[\s()-]/g, '') });
    let handedOver = false;
    const once = async () => {
      if (handedOver) return;
      await handOver();
      handedOver = true;
    };
    for (let attempt = 1; ; attempt++) {
      let lease: { conn: Conn; reused: boolean };
      try {
        lease = await this.acquire();
      } catch (e) {
        if (e instanceof ProviderClosed) return temporary('the Kannel provider is closed');
        return temporary(`cannot connect to Kannel at ${this.hostHeader}: ${errorText(e)}`);
      }
      const outcome = await this.exchange(lease.conn, request, once);
      // A kept-open connection that smsbox had closed: once more on a new one. Kannel has
      // nothing of the message yet; if handOver was done, it is not asked again.
      if (attempt === 1 && lease.reused && outcome.kind === 'not_sent') continue;
      // Reset before it read the request (smsbox does so now and then under load): again, on
      // a new connection, up to twice.
      if (attempt <= 2 && outcome.kind === 'reset') continue;
      return this.result(outcome);
    }
  }

  private result(outcome: Exchange): SendResult {
    switch (outcome.kind) {
      case 'abandoned':
        return temporary(`abandoned before the end of the request: ${errorText(outcome.error)}`);
      case 'not_sent':
      case 'reset':
        return temporary(
          `Kannel did not get the whole request (${errorText(outcome.error)}): not sent`,
        );
      case 'no_answer':
        return {
          status: 'sent',
          detail: `no answer from Kannel after the request (${errorText(outcome.error)}): taken as accepted`,
        };
      case 'answered': {
        const { status, body } = outcome.response;
        const text = body.trim().replace(/\s+/g, ' ').slice(0, 500);
        if (status >= 200 && status < 300) return { status: 'sent', detail: text };
        if (status === 408 || status === 429 || status >= 500)
          return temporary(`Kannel answered ${status}: ${text}`);
        if (status >= 400) return permanent(`Kannel answered ${status}: ${text}`);
        return temporary(`Kannel answered ${status}: ${text}`);
      }
    }
  }

  /**
   * One request on `conn`: all of it but the final CRLF, `handOver()` once the socket has
   * passed that on, then the CRLF, then Kannel's answer. Puts the connection back, or drops it.
   */
  private async exchange(
    conn: Conn,
    request: Buffer,
    handOver: () => Promise<void>,
  ): Promise<Exchange> {
    const head = request.subarray(0, request.length - 2);
    const tail = request.subarray(request.length - 2);
    let phase: 'head' | 'handover' | 'tail' = 'head';
    const chunks: Buffer[] = [];
    let response: Response | undefined;
    let ended: Error | undefined;
    let wake: (() => void) | undefined;
    const changed = () => wake?.();
    conn.onData = (chunk) => {
      chunks.push(chunk);
      response ??= parseResponse(Buffer.concat(chunks), false);
      if (response) changed();
    };
    conn.onEnd = (error) => {
      response ??= parseResponse(Buffer.concat(chunks), true);
      ended = error ?? new Error('the connection was closed');
      changed();
    };
    const waitFor = (done: () => boolean, ms: number) =>
      new Promise<boolean>((resolve) => {
        if (done()) return resolve(true);
        const timer = setTimeout(() => {
          wake = undefined;
          resolve(false);
        }, ms);
        wake = () => {
          if (!done()) return;
          clearTimeout(timer);
          wake = undefined;
          resolve(true);
        };
      });
    const finish = (e: Exchange): Exchange => {
      conn.onData = undefined;
      conn.onEnd = undefined;
      if (e.kind === 'answered' && e.response.keepAlive && !conn.dead) this.release(conn);
      else this.discard(conn);
      return e;
    };

    try {
      // the request but its last two bytes, passed on to the system
      await new Promise<void>((resolve, reject) =>
        conn.socket.write(head, (e) => (e ? reject(e) : resolve())),
      );
      if (ended || response) throw ended ?? new Error('Kannel answered an unfinished request');
      phase = 'handover';
      try {
        await handOver();
      } catch (error) {
        return finish({ kind: 'abandoned', error });
      }
      if (ended || response) throw ended ?? new Error('Kannel answered an unfinished request');
      phase = 'tail';
      conn.socket.write(tail);
    } catch (e) {
      // Kannel may have answered the unfinished request (a 4xx): then that is the answer.
      if (response && phase !== 'tail') return finish({ kind: 'answered', response });
      return finish({ kind: 'not_sent', error: e instanceof Error ? e : new Error(String(e)) });
    }
    await waitFor(() => response !== undefined || ended !== undefined, this.timeoutMs);
    if (response) return finish({ kind: 'answered', response });
    if (chunks.length === 0 && (ended as NodeJS.ErrnoException | undefined)?.code === 'ECONNRESET')
      return finish({ kind: 'reset', error: ended! });
    return finish({
      kind: 'no_answer',
      error: ended ?? new Error(`no answer within ${this.timeoutMs} ms`),
    });
  }

  // ---- the pool -------------------------------------------------------------------------

  private async acquire(): Promise<{ conn: Conn; reused: boolean }> {
    if (this.closed) throw new ProviderClosed();
    for (let c = this.idle.pop(); c; c = this.idle.pop()) {
      clearTimeout(c.idleTimer);
      if (!c.dead) return { conn: c, reused: true };
    }
    if (this.total < this.maxSockets) return { conn: await this.openCounted(), reused: false };
    const grant = await new Promise<Grant>((resolve) => this.waiters.push(resolve));
    if (grant === 'closed') throw new ProviderClosed();
    if (grant === 'open') return { conn: await this.openCounted(), reused: false };
    return { conn: grant, reused: true };
  }

  private async openCounted(): Promise<Conn> {
    this.total++;
    try {
      return await this.open();
    } catch (e) {
      this.total--;
      this.wakeToOpen();
      throw e;
    }
  }

  private open(): Promise<Conn> {
    return new Promise<Conn>((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port });
      socket.setNoDelay(true);
      const conn: Conn = { socket, dead: false };
      const timer = setTimeout(
        () => socket.destroy(new Error(`connect timed out after ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      let connected = false;
      const gone = (error?: Error) => {
        if (conn.dead) return;
        conn.dead = true;
        clearTimeout(timer);
        if (!connected) return reject(error ?? new Error('the connection was closed'));
        if (conn.onEnd) return conn.onEnd(error);
        this.dropIdle(conn);
      };
      socket.once('connect', () => {
        connected = true;
        clearTimeout(timer);
        resolve(conn);
      });
      socket.on('data', (chunk: Buffer) => {
        if (conn.onData) conn.onData(chunk);
        else socket.destroy(); // nothing is to come on an idle connection
      });
      socket.on('error', (e) => gone(e));
      socket.on('end', () => {
        gone();
        socket.destroy();
      });
      socket.on('close', () => gone());
    });
  }

  /** Hands a connection to the next waiter, or keeps it idle for a while. */
  private release(conn: Conn) {
    const w = this.waiters.shift();
    if (w) return w(conn);
    if (this.closed) return this.discard(conn);
    conn.idleTimer = setTimeout(() => {
      this.dropIdle(conn);
      conn.socket.destroy();
    }, this.idleTimeoutMs);
    conn.idleTimer.unref?.();
    this.idle.push(conn);
  }

  private dropIdle(conn: Conn) {
    const i = this.idle.indexOf(conn);
    if (i < 0) return;
    this.idle.splice(i, 1);
    clearTimeout(conn.idleTimer);
    conn.dead = true;
    this.uncount();
  }

  private discard(conn: Conn) {
    const wasIdle = this.idle.indexOf(conn);
    if (wasIdle >= 0) this.idle.splice(wasIdle, 1);
    clearTimeout(conn.idleTimer);
    conn.dead = true;
    conn.onData = undefined;
    conn.onEnd = undefined;
    conn.socket.destroy();
    this.uncount();
  }

  private uncount() {
    this.total--;
    this.wakeToOpen();
  }

  private wakeToOpen() {
    if (this.total < this.maxSockets) this.waiters.shift()?.(this.closed ? 'closed' : 'open');
  }
}

/** An HTTP/1.1 response, once complete; `ended`: the connection has closed. */
function parseResponse(buf: Buffer, ended: boolean): Response | undefined {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const lines = buf.subarray(0, headEnd).toString('latin1').split('\r\n');
  const m = /^HTTP\/(\d)\.(\d) (\d{3})/.exec(lines[0] ?? '');
  if (!m) return { status: 0, body: `not an HTTP response: ${lines[0]}`, keepAlive: false };
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  const status = Number(m[3]);
  const http11 = m[1] === '1' && m[2] === '1';
  const connection = headers.get('connection')?.toLowerCase() ?? '';
  let keepAlive = http11 ? !connection.includes('close') : connection.includes('keep-alive');
  const bodyStart = headEnd + 4;
  const length = headers.get('content-length');
  let body: Buffer;
  if (length !== undefined && /^\d+$/.test(length)) {
    if (buf.length - bodyStart < Number(length)) return undefined;
    body = buf.subarray(bodyStart, bodyStart + Number(length));
  } else if (headers.get('transfer-encoding')?.toLowerCase().includes('chunked')) {
    const decoded = dechunk(buf.subarray(bodyStart));
    if (!decoded) return ended ? { status, body: '', keepAlive: false } : undefined;
    body = decoded;
  } else if (status === 204 || status === 304 || (status >= 100 && status < 200)) {
    body = Buffer.alloc(0);
  } else {
    // the body runs to the end of the connection
    if (!ended) return undefined;
    body = buf.subarray(bodyStart);
    keepAlive = false;
  }
  return { status, body: body.toString('utf8'), keepAlive };
}

/** A chunked body, once complete. */
function dechunk(buf: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) return undefined;
    const size = parseInt(buf.subarray(at, eol).toString('latin1').split(';')[0]!, 16);
    if (Number.isNaN(size)) return Buffer.alloc(0);
    if (size === 0) return Buffer.concat(parts);
    if (buf.length < eol + 2 + size + 2) return undefined;
    parts.push(buf.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const temporary = (reason: string): SendResult => ({ status: 'temporary_failure', reason });
const permanent = (reason: string): SendResult => ({ status: 'permanent_failure', reason });
