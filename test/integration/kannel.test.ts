/**
 * The SMS channel through a real Kannel (bearerbox, smsbox, fakesmsc as the operator's SMSC),
 * started privately by test/support/kannel.ts. Skipped where Kannel is not installed, except
 * in CI, where it must run: `apt-get install kannel kannel-extras`.
 */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundMessage, SendResult } from '../../src/app/dispatch/ports.ts';
import {
  KannelSmsProvider,
  parseKannelDlr,
  parseKannelInbound,
  type KannelConfig,
  type KannelDlr,
  type KannelInbound,
} from '../../src/adapters/channels/kannel.ts';
import { kannelAvailable, startKannel, type Kannel } from '../support/kannel.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms: number, what: () => string) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
    await sleep(50);
  }
}

/** Runs `send` over `items` with `concurrency` lanes. */
async function sendAll<T>(items: T[], concurrency: number, send: (x: T) => Promise<SendResult>) {
  const out: SendResult[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await send(items[i]!);
      }
    }),
  );
  return out;
}

describe.skipIf(!kannelAvailable() && !process.env.CI)('SMS through Kannel', () => {
  let kannel: Kannel;
  let web: Server;
  let base: string;
  const dlrs: KannelDlr[] = [];
  const badDlrs: string[] = [];
  const inbound: { parsed: KannelInbound; raw: KannelInbound }[] = [];
  const providers: KannelSmsProvider[] = [];

  const provider = (extra: Partial<KannelConfig> = {}) => {
    const p = new KannelSmsProvider({
      sendsmsUrl: kannel.sendsmsUrl,
      username: kannel.username,
      password: kannel.password,
      from: 'RECOUP',
      dlrUrl: (key) =>
        `${base}/api/channels/kannel/dlr?key=${encodeURIComponent(key)}` +
        '&status=%d&at=%T&reply=%A&smscid=%F',
      ...extra,
    });
    providers.push(p);
    return p;
  };
  const dlrsOf = (key: string) => dlrs.filter((d) => d.idempotencyKey === key);

  beforeAll(async () => {
    // our side: the dlr-url and the inbound get-url
    web = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const query = Object.fromEntries(url.searchParams);
      try {
        if (url.pathname === '/api/channels/kannel/dlr') dlrs.push(parseKannelDlr(query));
        else if (url.pathname === '/api/channels/kannel/inbound')
          inbound.push({
            parsed: parseKannelInbound(query),
            raw: parseKannelInbound(url.search),
          });
        res.end('');
      } catch (e) {
        badDlrs.push(`${req.url}: ${String(e)}`);
        res.statusCode = 400;
        res.end('');
      }
    });
    web.keepAliveTimeout = 70_000;
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    kannel = await startKannel({
      inboundUrl: `${base}/api/channels/kannel/inbound?from=%p&to=%P&text=%b&charset=%C&coding=%c`,
    });
  });

  afterAll(async () => {
    await Promise.all(providers.map((p) => p.close()));
    await kannel?.stop();
    await new Promise((r) => web?.close(r));
  });

  it('delivers 200 messages, English and Chinese, each exactly once, with DLRs by key', async () => {
    const p = provider();
    const messages: OutboundMessage[] = Array.from({ length: 200 }, (_, i) => ({
      idempotencyKey: i === 7 ? `dispatch:退订:${i}` : `dispatch:${i}:sms`,
      channel: 'sms',
      to: `+86138${String(i).padStart(8, '0')}`,
      text:
        i % 2 === 0
          ? `Dear customer, EUR ${i}.50 is due on 15 April [ref ${i}] {ok} 100% @£$`
          : `您好，您的账户逾期 ${i} 天，请尽快还款。回复退订`,
      language: i % 2 === 0 ? 'en' : 'zh-CN',
    }));
    let handOvers = 0;
    const results = await sendAll(messages, 16, (m) => p.send(m, async () => void handOvers++));
    expect(results.filter((r) => r.status !== 'sent')).toEqual([]);
    expect(handOvers).toBe(200);

    await kannel.waitForMessages(200);
    await sleep(300); // nothing more is to come
    const got = kannel.received();
    expect(got).toHaveLength(200);
    const byTo = new Map(got.map((m) => [m.to, m]));
    expect(byTo.size).toBe(200);
    for (const m of messages) {
      const r = byTo.get(m.to);
      expect(r, m.to).toBeDefined();
      expect(r!.text).toBe(m.text);
      expect(r!.from).toBe('RECOUP');
      // 7-bit GSM for the English text, UCS-2 for the Chinese
      expect(r!.type).toBe(m.language === 'en' ? 'text' : 'ucs-2');
    }

    // the fake SMSC's acknowledgement (8) and its final "delivered" (1), for every key
    await until(
      () => messages.every((m) => dlrsOf(m.idempotencyKey).length >= 2),
      30_000,
      () => `DLRs: ${dlrs.length} of 400`,
    );
    expect(badDlrs).toEqual([]);
    for (const m of messages) {
      const codes = dlrsOf(m.idempotencyKey)
        .map((d) => d.code)
        .sort((a, b) => a - b);
      expect(codes, m.idempotencyKey).toEqual([1, 8]);
    }
    const sample = dlrsOf('dispatch:0:sms');
    expect(sample.find((d) => d.code === 8)).toMatchObject({ status: 'accepted', detail: 'ACK/' });
    expect(sample.find((d) => d.code === 1)).toMatchObject({ status: 'delivered' });
    expect(sample.find((d) => d.code === 1)?.smscMessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs(sample[0]!.at!.getTime() - Date.now())).toBeLessThan(120_000);
  }, 90_000);

  it('sends a long Chinese text as one concatenated message with one pair of DLRs', async () => {
    const p = provider();
    const before = kannel.received().length;
    const text = '尊敬的客户，您好！您的贷款账户已逾期，当前欠款金额为人民币 1,234.56 元。'.repeat(
      4,
    );
    const key = 'dispatch:long:sms';
    expect(
      await p.send(
        { idempotencyKey: key, channel: 'sms', to: '+8613900000000', text, language: 'zh' },
        async () => undefined,
      ),
    ).toMatchObject({ status: 'sent' });
    const got = (await kannel.waitForMessages(before + 1)).slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]!.text).toBe(text);
    expect(got[0]!.parts).toBeGreaterThan(1);
    await until(
      () => dlrsOf(key).length >= 2,
      10_000,
      () => 'DLRs of the long message',
    );
    await sleep(300);
    expect(
      dlrsOf(key)
        .map((d) => d.code)
        .sort((a, b) => a - b),
    ).toEqual([1, 8]);
  });

  it('leaves nothing at the SMSC when the request is abandoned before its last bytes', async () => {
    const p = provider();
    const before = kannel.received().length;
    const abandoned = await p.send(
      {
        idempotencyKey: 'dispatch:abandoned:sms',
        channel: 'sms',
        to: '+8613700000001',
        text: 'ABANDONED by handOver',
        language: 'en',
      },
      () => Promise.reject(new Error('the claim was lost')),
    );
    expect(abandoned).toEqual({
      status: 'temporary_failure',
      reason: 'abandoned before the end of the request: the claim was lost',
    });

    // the same by hand: GET without the headers' final CRLF or LF, POST without its last byte
    const port = Number(new URL(kannel.sendsmsUrl).port);
    const q = (text: string, to: string) =>
      new URLSearchParams({
        username: kannel.username,
        password: kannel.password,
        from: 'RECOUP',
        to,
        text,
      }).toString();
    const get = (text: string, to: string) =>
      `GET /cgi-bin/sendsms?${q(text, to)} HTTP/1.1\r\nHost: kannel\r\n\r\n`;
    const post = (text: string, to: string) =>
      'POST /cgi-bin/sendsms HTTP/1.1\r\nHost: kannel\r\nContent-Type: text/plain\r\n' +
      `X-Kannel-Username: ${kannel.username}\r\nX-Kannel-Password: ${kannel.password}\r\n` +
      `X-Kannel-From: RECOUP\r\nX-Kannel-To: ${to}\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
    const raw = async (request: string, holdBack: number) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      await new Promise((r) => socket.once('connect', r));
      const answer = new Promise<string>((resolve) => {
        let data = '';
        socket.on('data', (d) => (data += d.toString()));
        socket.on('close', () => resolve(data));
      });
      socket.write(request.slice(0, request.length - holdBack));
      await sleep(holdBack > 0 ? 300 : 200);
      socket.destroy();
      return answer;
    };
    expect(await raw(get('ABANDONED get crlf', '+8613700000002'), 2)).toBe('');
    expect(await raw(get('ABANDONED get lf', '+8613700000003'), 1)).toBe('');
    expect(await raw(post('ABANDONED post', '+8613700000004'), 1)).toBe('');
    // the controls, complete, do arrive
    expect(await raw(get('complete get', '+8613700000005'), 0)).toMatch(/^HTTP\/1.1 202/);
    expect(await raw(post('complete post', '+8613700000006'), 0)).toMatch(/^HTTP\/1.1 202/);

    // then a message that comes after them all at the SMSC
    expect(
      await p.send(
        {
          idempotencyKey: 'dispatch:after:sms',
          channel: 'sms',
          to: '+8613700000009',
          text: 'after',
          language: 'en',
        },
        async () => undefined,
      ),
    ).toMatchObject({ status: 'sent' });
    await until(
      () => kannel.received().some((m) => m.to === '+8613700000009'),
      10_000,
      () => 'the message after',
    );
    await sleep(500);
    const got = kannel.received().slice(before);
    expect(got.map((m) => m.text).sort()).toEqual(['after', 'complete get', 'complete post']);
    expect(dlrsOf('dispatch:abandoned:sms')).toEqual([]);
  });

  it('answers a permanent failure for what Kannel refuses, with a DLR 16 for no route', async () => {
    const noRoute = provider({ smsc: 'reject' });
    const key = 'dispatch:noroute:sms';
    expect(
      await noRoute.send(
        { idempotencyKey: key, channel: 'sms', to: '+8613600000001', text: 'x', language: 'en' },
        async () => undefined,
      ),
    ).toEqual({
      status: 'permanent_failure',
      reason: 'Kannel answered 403: Not routable. Do not try again.',
    });
    await until(
      () => dlrsOf(key).length > 0,
      10_000,
      () => 'the DLR of the unroutable message',
    );
    expect(dlrsOf(key)).toMatchObject([{ status: 'rejected', code: 16, detail: 'NACK/no SMSC' }]);

    const wrongPassword = provider({ password: 'wrong' });
    expect(
      await wrongPassword.send(
        { idempotencyKey: 'k', channel: 'sms', to: '+8613600000002', text: 'x', language: 'en' },
        async () => undefined,
      ),
    ).toEqual({
      status: 'permanent_failure',
      reason: 'Kannel answered 403: Authorization failed for sendsms',
    });
  });

  it('passes inbound STOP and 退订 on to the inbound URL with the sender and the text', async () => {
    await kannel.injectMo({ from: '+447700900123', to: '10690', text: 'STOP' });
    await kannel.injectMo({ from: '+8613912345678', to: '10690', text: '退订' });
    await until(
      () => inbound.length >= 2,
      10_000,
      () => `inbound messages: ${inbound.length} of 2`,
    );
    expect(inbound.map((m) => m.parsed)).toEqual([
      { from: '+447700900123', to: '10690', text: 'STOP' },
      { from: '+8613912345678', to: '10690', text: '退订' },
    ]);
    expect(inbound.map((m) => m.raw)).toEqual(inbound.map((m) => m.parsed));
    expect(badDlrs).toEqual([]);
  });

  it('sustains hundreds of SMS per second to the SMSC with 32 connections', async () => {
    const p = provider({ maxSockets: 32 });
    const before = kannel.received().length;
    const n = 1500;
    const messages: OutboundMessage[] = Array.from({ length: n }, (_, i) => ({
      idempotencyKey: `bench:${i}`,
      channel: 'sms',
      to: `+86135${String(i).padStart(8, '0')}`,
      text: i % 2 ? `Reminder ${i}: EUR 12.50 due` : `提醒 ${i}：请还款 12.50 元`,
      language: 'en',
    }));
    const started = performance.now();
    const results = await sendAll(messages, 32, (m) => p.send(m, async () => undefined));
    expect(results.filter((r) => r.status !== 'sent')).toEqual([]);
    await kannel.waitForMessages(before + n, 60_000);
    const seconds = (performance.now() - started) / 1000;
    const rate = Math.round(n / seconds);
    console.log(`Kannel: ${n} SMS to fakesmsc in ${seconds.toFixed(2)} s, ${rate} SMS/s`);
    expect(kannel.received()).toHaveLength(before + n);
    expect(rate).toBeGreaterThan(200);
  }, 90_000);
});
