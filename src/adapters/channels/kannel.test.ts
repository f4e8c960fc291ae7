/**
 * The Kannel adapter without Kannel: its parsers for delivery reports and inbound messages,
 * and the sendsms client against a small TCP server that answers as smsbox does.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../app/dispatch/ports.ts';
import {
  KannelDlrError,
  KannelSmsProvider,
  fitsGsm7,
  parseKannelDlr,
  parseKannelInbound,
  protectForKannel,
} from './kannel.ts';

describe('parseKannelDlr', () => {
  it('reads each of Kannel’s DLR types', () => {
    const types = { 1: 'delivered', 2: 'failed', 4: 'buffered', 8: 'accepted', 16: 'rejected' };
    for (const [code, status] of Object.entries(types)) {
      expect(parseKannelDlr({ key: 'd:1', status: code })).toEqual({
        idempotencyKey: 'd:1',
        status,
        code: Number(code),
        detail: '',
      });
    }
  });

  it('reads the time, the SMSC’s text and its message id', () => {
    const dlr = parseKannelDlr({
      key: 'dispatch:42:sms',
      status: '16',
      at: '1796156409',
      reply: 'NACK/no SMSC',
      smscid: 'abc-123',
    });
    expect(dlr).toEqual({
      idempotencyKey: 'dispatch:42:sms',
      status: 'rejected',
      code: 16,
      at: new Date(1796156409 * 1000),
      detail: 'NACK/no SMSC',
      smscMessageId: 'abc-123',
    });
  });

  it('takes `type` and `time` for `status` and `at`, and the first of repeated values', () => {
    const dlr = parseKannelDlr({ key: ['k', 'other'], type: '1', time: '0', reply: undefined });
    expect(dlr).toMatchObject({ idempotencyKey: 'k', status: 'delivered', at: new Date(0) });
  });

  it('leaves out a time that is not one', () => {
    expect(parseKannelDlr({ key: 'k', status: '8', at: '%T' }).at).toBeUndefined();
  });

  it('refuses a report without a key or with an unknown type', () => {
    expect(() => parseKannelDlr({ status: '1' })).toThrow(KannelDlrError);
    expect(() => parseKannelDlr({ key: 'k', status: '3' })).toThrow(/unknown delivery report/);
    expect(() => parseKannelDlr({ key: 'k', status: '%d' })).toThrow(KannelDlrError);
    expect(() => parseKannelDlr({ key: 'k' })).toThrow(KannelDlrError);
  });
});

describe('parseKannelInbound', () => {
  it('reads a parsed query (smsbox with mo-recode: UTF-8)', () => {
    expect(parseKannelInbound({ from: '+8613900000002', to: '10690', text: '退订' })).toEqual({
      from: '+8613900000002',
      to: '10690',
      text: '退订',
    });
    expect(
      parseKannelInbound({ from: ' +447700900001 ', to: '10690', text: 'STOP', charset: 'UTF-8' }),
    ).toEqual({ from: '+447700900001', to: '10690', text: 'STOP' });
  });

  it('refuses a parsed query whose text is not UTF-8', () => {
    expect(() =>
      parseKannelInbound({ from: '+86139', to: '1', text: '\ufffd', charset: 'UTF-16BE' }),
    ).toThrow(/raw query string/);
  });

  it('decodes a raw query by its charset: UTF-16BE (no mo-recode), UTF-8, ISO-8859-1', () => {
    // what smsbox 1.4.5 sends for an inbound UCS-2 "退订" without mo-recode
    expect(
      parseKannelInbound(
        'from=%2B8613900000002&to=10690&text=%90%00%8B%A2&coding=2&charset=UTF-16BE',
      ),
    ).toEqual({ from: '+8613900000002', to: '10690', text: '退订' });
    expect(parseKannelInbound('?from=%2B861&to=1&text=%90%00%8B%A2&coding=2').text).toBe('退订');
    expect(parseKannelInbound('from=%2B86&to=1&text=%E9%80%80%E8%AE%A2&charset=UTF-8').text).toBe(
      '退订',
    );
    expect(parseKannelInbound('from=1&to=2&text=Cr%E8me+br%FBl%E9e&charset=ISO-8859-1').text).toBe(
      'Crème brûlée',
    );
    expect(parseKannelInbound('from=1&to=2&text=a%2Bb+%2541+%26x%3D1').text).toBe('a+b %41 &x=1');
  });
});

describe('text and URL encoding for Kannel', () => {
  it('tells GSM 7-bit text from text that needs UCS-2', () => {
    expect(fitsGsm7('Payment of €12.50 due [ref 7] {ok} ~^|\\ @£$¥ èéùìò ÄÖÑÜ äöñüà\n')).toBe(true);
    expect(fitsGsm7('您好')).toBe(false);
    expect(fitsGsm7('backtick `')).toBe(false);
    expect(fitsGsm7('emoji 🙂')).toBe(false);
    expect(fitsGsm7('ç')).toBe(false); // only the capital Ç is in the alphabet
  });

  it('doubles the percent of encoded bytes Kannel would take for its escapes', () => {
    expect(protectForKannel('http://h/dlr?key=a%E4%BD%A0b%3A%25&status=%d&at=%T&reply=%A')).toBe(
      'http://h/dlr?key=a%%E4%%BD%%A0b%3A%25&status=%d&at=%T&reply=%A',
    );
    expect(protectForKannel('x=%%E4&y=%e4')).toBe('x=%%E4&y=%%e4');
  });
});

/** A stand-in for smsbox's sendsms: records what arrives, answers as told. */
class FakeSmsbox {
  server: Server;
  /** Complete requests (request line and headers), in order. */
  requests: string[] = [];
  /** What connections that closed without a complete request had sent. */
  unfinished: string[] = [];
  connections = 0;
  sockets = new Set<Socket>();
  answer: (request: string) => string | null = () => ok;
  onBytes?: (soFar: string) => void;
  /** Closes the connection on which the next bytes arrive, as they arrive. */
  closeOnNextBytes = false;
  /**
   * How many connections to reset with their request unread, as smsbox now and then does under
   * load: what came is never looked at, the rest is left in the socket, then a reset.
   */
  resetUnread = 0;

  constructor() {
    this.server = createServer((socket) => {
      this.connections++;
      this.sockets.add(socket);
      let buf = '';
      socket.on('data', (d) => {
        if (this.closeOnNextBytes) {
          this.closeOnNextBytes = false;
          return socket.destroy();
        }
        buf += d.toString('utf8');
        if (this.resetUnread > 0) {
          this.resetUnread--;
          socket.pause();
          setTimeout(() => socket.resetAndDestroy(), 50);
          return;
        }
        this.onBytes?.(buf);
        for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
          const req = buf.slice(0, end);
          buf = buf.slice(end + 4);
          this.requests.push(req);
          const res = this.answer(req);
          if (res !== null) socket.write(res);
        }
      });
      socket.on('close', () => {
        this.sockets.delete(socket);
        if (buf) this.unfinished.push(buf);
      });
      socket.on('error', () => undefined);
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/cgi-bin/sendsms`;
  }

  dropConnections() {
    for (const s of this.sockets) s.destroy();
  }

  async stop() {
    this.dropConnections();
    await new Promise((r) => this.server.close(r));
  }
}

const reply = (status: string, body: string, extra = '') =>
  `HTTP/1.1 ${status}\r\nServer: Kannel/1.4.5\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
  `Connection: Keep-Alive\r\nContent-type: text/html\r\n${extra}\r\n${body}`;
const ok = reply('202 Accepted', '0: Accepted for delivery');

const msg = (n: number, text = `Reminder ${n}`): OutboundMessage => ({
  idempotencyKey: `dispatch:${n}:sms`,
  channel: 'sms',
  to: '+8613800000000',
  text,
  language: 'en',
});
const nothing = async () => undefined;
const query = (req: string) =>
  new URL(req.split(' ')[1]!, 'http://x').searchParams as URLSearchParams;

describe('KannelSmsProvider against a stand-in smsbox', () => {
  let box: FakeSmsbox;
  let provider: KannelSmsProvider | undefined;

  const open = async (extra: Partial<ConstructorParameters<typeof KannelSmsProvider>[0]> = {}) => {
    box = new FakeSmsbox();
    const url = await box.start();
    provider = new KannelSmsProvider({
      sendsmsUrl: url,
      username: 'u',
      password: 'p w',
      from: 'RECOUP',
      dlrUrl: (key) => `http://recoup/dlr?key=${encodeURIComponent(key)}&status=%d&at=%T`,
      timeoutMs: 2000,
      ...extra,
    });
    return provider;
  };

  afterEach(async () => {
    await provider?.close();
    provider = undefined;
    await box?.stop();
  });

  it('sends a GET with the parameters, 7-bit or UCS-2, over one kept-open connection', async () => {
    const p = await open({ smsc: 'operator1', dlrMask: 9 });
    expect(await p.send(msg(1), nothing)).toEqual({
      status: 'sent',
      detail: '0: Accepted for delivery',
    });
    expect(await p.send(msg(2, '您好，请于 4月15日 前付款'), nothing)).toMatchObject({
      status: 'sent',
    });
    expect(box.connections).toBe(1);
    const [a, b] = box.requests.map(query);
    expect(Object.fromEntries(a!)).toEqual({
      username: 'u',
      password: 'p w',
      from: 'RECOUP',
      to: '+8613800000000',
      text: 'Reminder 1',
      charset: 'UTF-8',
      'dlr-mask': '9',
      'dlr-url': 'http://recoup/dlr?key=dispatch%3A1%3Asms&status=%d&at=%T',
      smsc: 'operator1',
    });
    expect(b!.get('text')).toBe('您好，请于 4月15日 前付款');
    expect(b!.get('coding')).toBe('2');
    expect(b!.get('charset')).toBe('UTF-8');
  });

  it('holds back the final CRLF until handOver resolves', async () => {
    const p = await open();
    let latest = '';
    box.onBytes = (soFar) => void (latest = soFar);
    let atHandOver: { requests: number; latest: string } | undefined;
    const r = await p.send(msg(1), async () => {
      await new Promise((res) => setTimeout(res, 50));
      atHandOver = { requests: box.requests.length, latest };
    });
    expect(atHandOver?.requests).toBe(0);
    expect(atHandOver?.latest).toMatch(/^GET .*\r\nUser-Agent: recoup\r\n$/s);
    expect(r.status).toBe('sent');
    expect(box.requests).toHaveLength(1);
  });

  it('abandons the request when handOver rejects: the server never gets a whole one', async () => {
    const p = await open();
    const r = await p.send(msg(1), () => Promise.reject(new Error('lease lost')));
    expect(r).toEqual({
      status: 'temporary_failure',
      reason: 'abandoned before the end of the request: lease lost',
    });
    await until(() => box.unfinished.length === 1);
    expect(box.requests).toHaveLength(0);
    expect(box.unfinished[0]).toMatch(/^GET \/cgi-bin\/sendsms\?.*\r\n$/s);
    expect(box.unfinished[0]!.endsWith('\r\n\r\n')).toBe(false);
    // and the next message goes on a new connection
    expect((await p.send(msg(2), nothing)).status).toBe('sent');
  });

  it('maps Kannel’s answers: queued is sent, 4xx permanent, 5xx temporary', async () => {
    const p = await open();
    const answers: Record<string, string> = {
      q: reply('202 Accepted', '3: Queued for later delivery'),
      auth: reply('403 Forbidden', 'Authorization failed for sendsms'),
      route: reply('403 Forbidden', 'Not routable. Do not try again.'),
      missing: reply('400 Bad Request', 'Missing receiver number, rejected'),
      busy: reply('503 Service Unavailable', 'Sending failed.'),
    };
    box.answer = (req) => answers[query(req).get('text')!]!;
    const send = (text: string) => p.send(msg(1, text), nothing);
    expect(await send('q')).toEqual({ status: 'sent', detail: '3: Queued for later delivery' });
    expect(await send('auth')).toEqual({
      status: 'permanent_failure',
      reason: 'Kannel answered 403: Authorization failed for sendsms',
    });
    expect((await send('route')).status).toBe('permanent_failure');
    expect((await send('missing')).status).toBe('permanent_failure');
    expect(await send('busy')).toEqual({
      status: 'temporary_failure',
      reason: 'Kannel answered 503: Sending failed.',
    });
    expect(box.connections).toBe(1);
  });

  it('refuses what is not a phone number without asking Kannel', async () => {
    const p = await open();
    expect((await p.send({ ...msg(1), to: 'ann@example.com' }, nothing)).status).toBe(
      'permanent_failure',
    );
    expect((await p.send({ ...msg(1), channel: 'email' }, nothing)).status).toBe(
      'permanent_failure',
    );
    expect(box.connections).toBe(0);
  });

  it('is a temporary failure when Kannel cannot be reached, without a hand-over', async () => {
    const p = await open();
    await box.stop();
    let asked = false;
    const r = await p.send(msg(1), async () => void (asked = true));
    expect(r.status).toBe('temporary_failure');
    expect(asked).toBe(false);
  });

  it('sends again on a new connection when a kept-open one was closed by the server', async () => {
    const p = await open();
    expect((await p.send(msg(1), nothing)).status).toBe('sent');
    box.dropConnections();
    await new Promise((r) => setTimeout(r, 20));
    let handOvers = 0;
    const r = await p.send(msg(2), async () => void handOvers++);
    expect(r.status).toBe('sent');
    expect(handOvers).toBe(1);
    expect(box.requests).toHaveLength(2);
    expect(box.connections).toBe(2);
  });

  it('sends again on a new connection when the server closes a kept-open one under it', async () => {
    const p = await open();
    expect((await p.send(msg(1), nothing)).status).toBe('sent');
    box.closeOnNextBytes = true;
    let handOvers = 0;
    const r = await p.send(msg(2), async () => {
      handOvers++;
      await new Promise((res) => setTimeout(res, 50));
    });
    expect(r).toEqual({ status: 'sent', detail: '0: Accepted for delivery' });
    expect(handOvers).toBe(1);
    expect(box.connections).toBe(2);
    expect(box.requests.map((q) => query(q).get('text'))).toEqual(['Reminder 1', 'Reminder 2']);
  });

  it('sends again on a new connection when smsbox resets one with the request unread', async () => {
    const p = await open();
    box.resetUnread = 2;
    let handOvers = 0;
    const r = await p.send(msg(1), async () => void handOvers++);
    expect(r).toEqual({ status: 'sent', detail: '0: Accepted for delivery' });
    expect(handOvers).toBe(1);
    expect(box.connections).toBe(3);
    expect(box.requests.map((q) => query(q).get('text'))).toEqual(['Reminder 1']);
  });

  it('gives up after three resets with a temporary failure: Kannel has nothing', async () => {
    const p = await open();
    box.resetUnread = 3;
    const r = await p.send(msg(1), nothing);
    expect(r).toMatchObject({ status: 'temporary_failure' });
    expect(r.status === 'temporary_failure' && r.reason).toMatch(/ECONNRESET.*not sent/);
    expect(box.requests).toHaveLength(0);
  });

  it('takes a request that got no answer after its last bytes as accepted', async () => {
    const p = await open({ timeoutMs: 200 });
    box.answer = () => null;
    const r = await p.send(msg(1), nothing);
    expect(r.status).toBe('sent');
    expect(r.status === 'sent' && r.detail).toMatch(/no answer from Kannel.*taken as accepted/);
    expect(box.requests).toHaveLength(1);
  });

  it('keeps at most maxSockets connections, the others wait their turn', async () => {
    const p = await open({ maxSockets: 3 });
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => p.send(msg(i), nothing)));
    expect(rs.every((r) => r.status === 'sent')).toBe(true);
    expect(box.connections).toBe(3);
    expect(box.requests).toHaveLength(20);
  });

  it('answers a temporary failure once closed', async () => {
    const p = await open();
    await p.close();
    expect((await p.send(msg(1), nothing)).status).toBe('temporary_failure');
  });
});

async function until(check: () => boolean, ms = 2000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
