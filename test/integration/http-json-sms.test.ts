/**
 * HttpJsonSmsProvider against a small server that implements the published contract
 * (src/adapters/channels/http-json-sms.ts): idempotency by key, lookup by reference, and a
 * request whose last byte never comes is not acted on.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpJsonSmsProvider } from '../../src/adapters/channels/http-json-sms.ts';
import type { OutboundMessage } from '../../src/app/dispatch/ports.ts';

interface Stored {
  id: string;
  reference: string;
  status: string;
  to: string;
  from: string;
  text: string;
}

/** The provider's side of the contract, in memory. */
class ContractServer {
  server: Server;
  messages = new Map<string, Stored>();
  posts = 0;
  connections = 0;
  /** Bodies of requests that were cut short. */
  cutShort: string[] = [];
  /** Bytes of the body of the request in progress. */
  received = 0;
  /** What to do instead of the contract, for a given text. */
  misbehave: (text: string) => 'fail' | 'hang' | 'drop' | undefined = () => undefined;
  private sockets = new Set<Socket>();
  private seq = 0;

  constructor(readonly token = 'secret-token') {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s: Socket) => {
      this.connections++;
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop() {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }

  private json(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return this.json(res, 401, { error: 'bad token' });
    if (req.method === 'GET' && url.pathname === '/v1/messages') {
      const ref = url.searchParams.get('reference') ?? '';
      const m = this.messages.get(ref);
      return this.json(res, 200, m ? [{ id: m.id, reference: m.reference, status: m.status }] : []);
    }
    if (req.method !== 'POST' || url.pathname !== '/v1/messages')
      return this.json(res, 404, { error: 'no such thing' });
    this.posts++;
    const chunks: Buffer[] = [];
    this.received = 0;
    let complete = false;
    req.on('data', (c: Buffer) => {
      chunks.push(c);
      this.received += c.length;
    });
    req.on('close', () => {
      if (!complete) this.cutShort.push(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('end', () => {
      complete = true;
      const key = String(req.headers['idempotency-key'] ?? '');
      let body: Partial<Stored>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<Stored>;
      } catch {
        return this.json(res, 400, { error: 'not JSON' });
      }
      if (!key || body.reference !== key)
        return this.json(res, 400, { error: 'the reference must be the Idempotency-Key' });
      const seen = this.messages.get(key);
      if (seen) return this.json(res, 409, { id: seen.id, status: seen.status });
      if (!/^\+[1-9][0-9]{6,14}$/.test(body.to ?? ''))
        return this.json(res, 422, { error: `invalid number ${body.to}` });
      const bad = this.misbehave(body.text ?? '');
      if (bad === 'fail') return this.json(res, 503, { error: 'try later' });
      const m: Stored = {
        id: `msg_${++this.seq}`,
        reference: key,
        status: 'accepted',
        to: body.to!,
        from: body.from ?? '',
        text: body.text ?? '',
      };
      this.messages.set(key, m);
      if (bad === 'hang') return; // took it, never answers
      if (bad === 'drop') return req.socket.destroy();
      this.json(res, 201, { id: m.id, status: m.status });
    });
  }
}

const msg = (key: string, text = 'Your payment of EUR 12.50 is due', to = '+447700900001') =>
  ({ idempotencyKey: key, channel: 'sms', to, text, language: 'en' }) satisfies OutboundMessage;
const nothing = async () => undefined;

describe('HttpJsonSmsProvider against the contract', () => {
  let srv: ContractServer;
  let provider: HttpJsonSmsProvider;
  let baseUrl: string;

  beforeEach(async () => {
    srv = new ContractServer();
    baseUrl = await srv.start();
    provider = new HttpJsonSmsProvider({
      baseUrl,
      token: srv.token,
      from: 'RECOUP',
      timeoutMs: 1000,
    });
  });

  afterEach(async () => {
    await provider.close();
    await srv.stop();
  });

  it('posts the message and gets the provider’s id; Chinese text intact', async () => {
    expect(await provider.send(msg('d:1'), nothing)).toEqual({
      status: 'sent',
      providerMessageId: 'msg_1',
      detail: 'accepted',
    });
    const zh = '您好，请于4月15日前还款 ¥50.00。回复退订';
    expect(await provider.send(msg('d:2', zh, '+8613812345678'), nothing)).toMatchObject({
      status: 'sent',
      providerMessageId: 'msg_2',
    });
    expect(srv.messages.get('d:1')).toMatchObject({ from: 'RECOUP', to: '+447700900001' });
    expect(srv.messages.get('d:2')?.text).toBe(zh);
    expect(srv.connections).toBe(1); // kept open
  });

  it('holds back the last byte of the body until handOver resolves', async () => {
    let atHandOver: { received: number; stored: number } | undefined;
    const r = await provider.send(msg('d:1'), async () => {
      await new Promise((res) => setTimeout(res, 50));
      atHandOver = { received: srv.received, stored: srv.messages.size };
    });
    expect(r.status).toBe('sent');
    const length = Buffer.byteLength(
      JSON.stringify({
        to: '+447700900001',
        from: 'RECOUP',
        text: msg('d:1').text,
        reference: 'd:1',
      }),
    );
    expect(atHandOver).toEqual({ received: length - 1, stored: 0 });
  });

  it('abandons the request when handOver rejects: the provider has nothing', async () => {
    const r = await provider.send(msg('d:1'), () => Promise.reject(new Error('lease lost')));
    expect(r).toEqual({
      status: 'temporary_failure',
      reason: 'abandoned before the end of the request: lease lost',
    });
    await until(() => srv.cutShort.length === 1);
    expect(srv.cutShort[0]).toMatch(/^\{"to":"\+447700900001".*"reference":"d:1"$/);
    expect(srv.messages.size).toBe(0);
    expect(await provider.lookup('d:1')).toEqual({ status: 'not_found' });
    // the key can still be sent
    expect(await provider.send(msg('d:1'), nothing)).toMatchObject({ status: 'sent' });
  });

  it('takes a replayed key (409) as sent, with the original id, and sends nothing twice', async () => {
    const first = await provider.send(msg('d:1'), nothing);
    const again = await provider.send(msg('d:1', 'changed text'), nothing);
    expect(first).toMatchObject({ status: 'sent', providerMessageId: 'msg_1' });
    expect(again).toEqual({
      status: 'sent',
      providerMessageId: 'msg_1',
      detail: 'the key was used before: the original message, accepted',
    });
    expect(srv.messages.size).toBe(1);
    expect(srv.messages.get('d:1')?.text).toBe(msg('d:1').text);
  });

  it('maps refusals to permanent and server failures to temporary', async () => {
    expect(await provider.send(msg('d:1', 'x', 'not-a-number'), nothing)).toEqual({
      status: 'permanent_failure',
      reason: 'the provider answered 422: invalid number not-a-number',
    });
    srv.misbehave = (t) => (t === 'busy' ? 'fail' : undefined);
    expect(await provider.send(msg('d:2', 'busy'), nothing)).toEqual({
      status: 'temporary_failure',
      reason: 'the provider answered 503: try later',
    });
    const wrongToken = new HttpJsonSmsProvider({ baseUrl, token: 'nope', from: 'RECOUP' });
    expect(await wrongToken.send(msg('d:3'), nothing)).toEqual({
      status: 'permanent_failure',
      reason: 'the provider answered 401: bad token',
    });
    await wrongToken.close();
  });

  it('asks the provider when the answer is lost after the whole request went', async () => {
    srv.misbehave = (t) => (t === 'hang' ? 'hang' : t === 'drop' ? 'drop' : undefined);
    expect(await provider.send(msg('d:1', 'hang'), nothing)).toEqual({
      status: 'sent',
      providerMessageId: 'msg_1',
      detail: 'no answer to the request (no answer within 1000 ms), but the provider has it',
    });
    expect(await provider.send(msg('d:2', 'drop'), nothing)).toMatchObject({
      status: 'sent',
      providerMessageId: 'msg_2',
    });
  });

  it('is a temporary failure when the provider cannot be reached, without a hand-over', async () => {
    await srv.stop();
    let asked = false;
    const r = await provider.send(msg('d:1'), async () => void (asked = true));
    expect(r.status).toBe('temporary_failure');
    expect(asked).toBe(false);
    expect(await provider.lookup('d:1')).toEqual({ status: 'unknown' });
  });

  it('looks messages up by reference', async () => {
    await provider.send(msg('d:1'), nothing);
    expect(await provider.lookup('d:1')).toEqual({
      status: 'accepted',
      providerMessageId: 'msg_1',
    });
    expect(await provider.lookup('d:unknown')).toEqual({ status: 'not_found' });
  });

  it('sends many at once over a bounded pool, each key once', async () => {
    const keys = Array.from({ length: 100 }, (_, i) => `d:${i}`);
    const rs = await Promise.all(keys.map((k) => provider.send(msg(k), nothing)));
    expect(rs.every((r) => r.status === 'sent')).toBe(true);
    expect(srv.messages.size).toBe(100);
    expect(srv.connections).toBeLessThanOrEqual(16);
  });
});

async function until(check: () => boolean, ms = 2000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
