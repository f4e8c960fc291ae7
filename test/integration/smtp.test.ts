/**
 * The SMTP e-mail provider against a real SMTP server (smtp-server on 127.0.0.1): delivery in
 * English and Chinese, the mapping of 4xx/5xx replies and connection failures, the hold-back
 * of the end of data until handOver(), abandoned sends and a crash before the hand-over, and
 * 2,000 messages through the pool.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/app/dispatch/ports.ts';
import { SmtpEmailProvider, type SmtpEmailConfig } from '../../src/adapters/channels/smtp.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';

const DOMAIN = 'mail.recoup.test';
const FROM = '"Acme Credit" <billing@acme.example>';

interface BillRow {
  seq: number;
  due: string;
  principal: string;
  interest: string;
  fees: string;
  unpaid: string;
}

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`,
  );

function billHtml(head: string[], rows: BillRow[], total: string) {
  const tr = (cells: string[], tag = 'td') =>
    `<tr>${cells.map((c) => `<${tag}>${esc(c)}</${tag}>`).join('')}</tr>`;
  return [
    '<table class="bill">',
    `<thead>${tr(head, 'th')}</thead>`,
    '<tbody>',
    ...rows.map((r) => tr([String(r.seq), r.due, r.principal, r.interest, r.fees, r.unpaid])),
    '</tbody>',
    `<tfoot>${tr([head[0] === '#' ? 'Total due' : '合计应还', '', '', '', '', total])}</tfoot>`,
    '</table>',
  ].join('\n');
}

const EN_ROWS: BillRow[] = [
  {
    seq: 4,
    due: 'January 5, 2026',
    principal: '$412.50',
    interest: '$58.30',
    fees: '$25.00',
    unpaid: '$495.80',
  },
  {
    seq: 5,
    due: 'February 5, 2026',
    principal: '$418.10',
    interest: '$52.70',
    fees: '$25.00',
    unpaid: '$495.80',
  },
  {
    seq: 6,
    due: 'March 5, 2026',
    principal: '$190.80',
    interest: '$0.00',
    fees: '$0.00',
    unpaid: '$190.80',
  },
];

const ZH_ROWS: BillRow[] = [
  {
    seq: 7,
    due: '2026年1月15日',
    principal: '¥1,050.00',
    interest: '¥96.00',
    fees: '¥30.00',
    unpaid: '¥1,176.00',
  },
  {
    seq: 8,
    due: '2026年2月15日',
    principal: '¥1,062.00',
    interest: '¥84.00',
    fees: '¥30.00',
    unpaid: '¥1,176.00',
  },
  {
    seq: 9,
    due: '2026年3月15日',
    principal: '¥1,180.00',
    interest: '¥86.00',
    fees: '¥0.00',
    unpaid: '¥1,266.00',
  },
];

function englishBill(key: string, to: string): OutboundMessage {
  const lines = EN_ROWS.map(
    (r) =>
      `#${r.seq} due ${r.due}: principal ${r.principal}, interest ${r.interest}, fees ${r.fees}, unpaid ${r.unpaid}`,
  );
  const text = [
    "Dear Ann O'Neill,",
    '',
    'The following payments on account ****4821 are unpaid:',
    '',
    ...lines,
    'Total due: $1,182.40',
    '',
    'You can pay, or set up a plan that suits you, here: https://pay.acme.example/p/7Hq2?ref=R-4821&lang=en (reference R-4821). If you are in financial difficulty, please tell us: we can help.',
    '',
    'Acme Credit',
    '',
    'To stop e-mails about this account: https://pay.acme.example/stop/e/9fK3',
  ].join('\n');
  const html = [
    '<p>Dear Ann O&#39;Neill,</p>',
    '<p>The following payments on account ****4821 are unpaid:</p>',
    billHtml(['#', 'Due', 'Principal', 'Interest', 'Fees', 'Unpaid'], EN_ROWS, '$1,182.40'),
    '<p>You can pay, or set up a plan that suits you, here: <a href="https://pay.acme.example/p/7Hq2?ref=R-4821&amp;lang=en">https://pay.acme.example/p/7Hq2?ref=R-4821&amp;lang=en</a> (reference R-4821). If you are in financial difficulty, please tell us: we can help.</p>',
    '<p>Acme Credit</p>',
    '<p>To stop e-mails about this account: <a href="https://pay.acme.example/stop/e/9fK3">https://pay.acme.example/stop/e/9fK3</a></p>',
  ].join('\n');
  return {
    idempotencyKey: key,
    channel: 'email',
    to,
    subject: 'Your account ****4821: $1,182.40 overdue',
    text,
    html,
    language: 'en-US',
  };
}

function chineseBill(key: string, to: string): OutboundMessage {
  const lines = ZH_ROWS.map(
    (r) =>
      `第${r.seq}期 ${r.due}：本金 ${r.principal}，利息 ${r.interest}，费用 ${r.fees}，未还 ${r.unpaid}`,
  );
  const text = [
    '王伟您好：',
    '',
    '您尾号****3307的账户以下款项尚未偿还：',
    '',
    ...lines,
    '合计应还：¥3,618.00',
    '',
    '您可以在此还款或申请适合您的还款计划：https://pay.acme.example/p/Zx81?ref=R-3307（参考号R-3307）。如您遇到经济困难，请告知我们。',
    '',
    '安信消费金融',
    '',
    '退订本账户邮件：https://pay.acme.example/stop/e/Qm7d',
  ].join('\n');
  const html = [
    '<p>王伟您好：</p>',
    '<p>您尾号****3307的账户以下款项尚未偿还：</p>',
    billHtml(['期数', '到期日', '本金', '利息', '费用', '未还'], ZH_ROWS, '¥3,618.00'),
    '<p>您可以在此还款或申请适合您的还款计划：<a href="https://pay.acme.example/p/Zx81?ref=R-3307">https://pay.acme.example/p/Zx81?ref=R-3307</a>（参考号R-3307）。如您遇到经济困难，请告知我们。</p>',
    '<p>安信消费金融</p>',
    '<p>退订本账户邮件：<a href="https://pay.acme.example/stop/e/Qm7d">https://pay.acme.example/stop/e/Qm7d</a></p>',
  ].join('\n');
  return {
    idempotencyKey: key,
    channel: 'email',
    to,
    subject: '您尾号****3307的账户逾期应还¥3,618.00',
    text,
    html,
    language: 'zh-CN',
  };
}

/** Whether `data` holds a whole multipart message, up to (the start of) its closing boundary. */
function wholeBody(data: Buffer) {
  const s = data.toString('latin1');
  const boundary = /boundary="?([^"\r\n;]+)"?/.exec(s)?.[1];
  return !!boundary && s.split(`\r\n--${boundary}`).length - 1 === 3;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

let server: TestSmtpServer;
const providers: SmtpEmailProvider[] = [];

function provider(overrides: Partial<SmtpEmailConfig> = {}) {
  const p = new SmtpEmailProvider({
    host: server.host,
    port: server.port,
    from: FROM,
    messageIdDomain: DOMAIN,
    timeoutMs: 5_000,
    ...overrides,
  });
  providers.push(p);
  return p;
}

beforeAll(async () => {
  server = await startSmtpServer();
});
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.close()));
  server.clear();
});
afterAll(async () => {
  await server.close();
});

describe('SMTP e-mail provider', () => {
  it('delivers an English itemised bill, holding back the end of data until handOver', async () => {
    const smtp = provider();
    let handOvers = 0;
    const result = await smtp.send(englishBill('d-en-1', 'ann.oneill@example.com'), async () => {
      handOvers++;
      // The whole message, up to its closing MIME boundary, is at the server...
      await until(() => server.pending().some(wholeBody), 'the body at the server');
      await sleep(50);
      // ... and still not taken: the end of data is not written yet.
      expect(server.messages).toHaveLength(0);
      expect(server.pending()).toHaveLength(1);
    });
    expect(handOvers).toBe(1);
    expect(server.messages).toHaveLength(1);
    const m = server.messages[0]!;
    expect(result).toEqual({
      status: 'sent',
      providerMessageId: m.queueId,
      detail: expect.stringContaining(`queued as ${m.queueId}`),
    });
    expect(m.messageId).toBe(`<d-en-1@${DOMAIN}>`);
    expect(m.key).toBe('d-en-1');
    expect(m.from).toBe('billing@acme.example');
    expect(m.to).toEqual(['ann.oneill@example.com']);
    expect(m.envelope).toEqual({ from: 'billing@acme.example', to: ['ann.oneill@example.com'] });
    expect(m.subject).toBe('Your account ****4821: $1,182.40 overdue');
    expect(m.text).toContain("Dear Ann O'Neill,");
    expect(m.text).toContain(
      '#5 due February 5, 2026: principal $418.10, interest $52.70, fees $25.00, unpaid $495.80',
    );
    expect(m.text).toContain('Total due: $1,182.40');
    expect(m.html).toContain(
      '<tr><td>4</td><td>January 5, 2026</td><td>$412.50</td><td>$58.30</td><td>$25.00</td><td>$495.80</td></tr>',
    );
    expect(m.html).toContain(
      '<tr><td>6</td><td>March 5, 2026</td><td>$190.80</td><td>$0.00</td><td>$0.00</td><td>$190.80</td></tr>',
    );
    expect(m.html).toContain('https://pay.acme.example/p/7Hq2?ref=R-4821&amp;lang=en');
    const headers = m.raw.toString('latin1').split('\r\n\r\n')[0]!;
    expect(headers).toMatch(/^Content-Language: en-US$/m);
    expect(headers).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(headers).not.toMatch(/^List-Unsubscribe:/im);
  });

  it('delivers a Chinese itemised bill with UTF-8 intact', async () => {
    const smtp = provider();
    const msg = chineseBill('d-zh-1', 'wang.wei@example.cn');
    const result = await smtp.send(msg, async () => undefined);
    expect(result.status).toBe('sent');
    const m = server.messages[0]!;
    expect(m.subject).toBe('您尾号****3307的账户逾期应还¥3,618.00');
    expect(m.text).toBe(msg.text);
    for (const r of ZH_ROWS)
      expect(m.html).toContain(
        `<tr><td>${r.seq}</td><td>${r.due}</td><td>${r.principal}</td><td>${r.interest}</td><td>${r.fees}</td><td>${r.unpaid}</td></tr>`,
      );
    expect(m.html).toContain('<th>期数</th><th>到期日</th><th>本金</th>');
    expect(m.html).toContain('退订本账户邮件');
    expect(m.messageId).toBe(`<d-zh-1@${DOMAIN}>`);
    expect(m.key).toBe('d-zh-1');
    // encoded for any 7-bit transport: the Chinese is in encoded words and a UTF-8 body part
    expect(m.raw.toString('latin1')).toMatch(/^[\t\r\n\x20-\x7e]*$/);
    expect(m.raw.toString('latin1')).toMatch(/^Subject: =\?UTF-8\?/m);
    expect(m.raw.toString('latin1')).toMatch(/charset=utf-8/i);
  });

  it('keeps a key that is not a dot-atom recognisable in the Message-ID', async () => {
    const smtp = provider();
    const result = await smtp.send(
      englishBill('dispatch:42@step-3', 'ann.oneill@example.com'),
      async () => undefined,
    );
    expect(result.status).toBe('sent');
    const m = server.messages[0]!;
    expect(m.key).toBe('dispatch:42@step-3');
    const encoded = Buffer.from('dispatch:42@step-3').toString('base64url');
    expect(m.messageId).toBe(`<k.${encoded}@${DOMAIN}>`);
  });

  it('maps 4xx to a temporary and 5xx to a permanent failure, and keeps the connection usable', async () => {
    const smtp = provider({ poolSize: 1 });
    server.failFor('full@example.com', { code: 452, message: 'Mailbox full, try later' });
    server.failFor('gone@example.com', { code: 550, message: 'Mailbox unavailable' });
    server.failFor('spam@example.com', { code: 554, message: 'Message refused', at: 'data' });
    server.failFor('busy@example.com', { code: 451, message: 'Local error', at: 'data' });
    const handedOver: string[] = [];
    const send = (key: string, to: string) =>
      smtp.send(englishBill(key, to), async () => void handedOver.push(key));

    const full = await send('f-1', 'full@example.com');
    expect(full.status).toBe('temporary_failure');
    expect(full.status === 'temporary_failure' && full.reason).toMatch(/^452 .*Mailbox full/);

    const gone = await send('f-2', 'gone@example.com');
    expect(gone.status).toBe('permanent_failure');
    expect(gone.status === 'permanent_failure' && gone.reason).toMatch(/^550 .*unavailable/);

    const spam = await send('f-3', 'spam@example.com');
    expect(spam.status).toBe('permanent_failure');
    expect(spam.status === 'permanent_failure' && spam.reason).toMatch(/^554 /);

    const busy = await send('f-4', 'busy@example.com');
    expect(busy.status).toBe('temporary_failure');
    expect(busy.status === 'temporary_failure' && busy.reason).toMatch(/^451 /);

    // refused at RCPT TO: never reached the data, so never handed over
    expect(handedOver).toEqual(['f-3', 'f-4']);
    expect(server.messages).toHaveLength(0);

    // the one connection was reset (RSET) after each failure and still sends
    const ok = await send('f-5', 'ann.oneill@example.com');
    expect(ok.status).toBe('sent');
    expect(server.messages.map((m) => m.key)).toEqual(['f-5']);
    for (const a of ['full', 'gone', 'spam', 'busy']) server.failFor(`${a}@example.com`, undefined);
  });

  it('leaves nothing at the server when handOver rejects', async () => {
    const smtp = provider({ poolSize: 1 });
    const result = await smtp.send(englishBill('d-abandon', 'ann.oneill@example.com'), async () => {
      await until(() => server.pending().some(wholeBody), 'the body at the server');
      throw new Error('the dispatch store is unavailable');
    });
    expect(result).toEqual({
      status: 'temporary_failure',
      reason: 'abandoned before the end of data: the dispatch store is unavailable',
    });
    // the server had the whole message but its end, and dropped it when the connection went
    await until(() => server.aborted.length === 1, 'the aborted DATA');
    expect(server.aborted[0]!.head).toContain('X-Recoup-Key: d-abandon');
    expect(server.aborted[0]!.bytes).toBeGreaterThan(2_000);
    expect(server.aborted[0]!.reason).toMatch(/closed before the message was received/);
    await sleep(50);
    expect(server.messages).toHaveLength(0);
    // the next message goes over a fresh connection
    expect((await smtp.send(englishBill('d-after', 'a@example.com'), async () => {})).status).toBe(
      'sent',
    );
    expect(server.messages.map((m) => m.key)).toEqual(['d-after']);
  });

  it('leaves nothing at the server when the process dies before the hand-over', async () => {
    const code = `
      import { SmtpEmailProvider } from './src/adapters/channels/smtp.ts';
      const p = new SmtpEmailProvider({
        host: '127.0.0.1', port: Number(process.env.SMTP_PORT),
        from: 'billing@acme.example', messageIdDomain: 'mail.recoup.test',
      });
      await p.send(
        { idempotencyKey: 'd-crash', channel: 'email', to: 'ann@example.com',
          subject: 'Crash', text: 'x'.repeat(5000), language: 'en' },
        async () => { console.log('handing over'); process.kill(process.pid, 'SIGKILL'); },
      );
      console.log('not reached');
    `;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', code],
      {
        env: { ...process.env, SMTP_PORT: String(server.port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((r) =>
      child.on('exit', (_code, sig) => r(sig)),
    );
    expect(err).toBe('');
    expect(signal).toBe('SIGKILL');
    expect(out.trim()).toBe('handing over');
    await until(() => server.aborted.length === 1, 'the aborted DATA');
    expect(server.aborted[0]!.head).toContain('X-Recoup-Key: d-crash');
    await sleep(50);
    expect(server.messages).toHaveLength(0);
  });

  it('reports connection failures and timeouts as temporary', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await provider({ port: closedPort }).send(
      englishBill('c-1', 'a@example.com'),
      async () => {},
    );
    expect(refused.status).toBe('temporary_failure');
    expect(refused.status === 'temporary_failure' && refused.reason).toMatch(/ECONNREFUSED/);

    // a server that accepts the connection and never greets
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const started = Date.now();
      const timedOut = await provider({
        port: (silent.address() as net.AddressInfo).port,
        timeoutMs: 300,
      }).send(englishBill('c-2', 'a@example.com'), async () => {});
      expect(timedOut.status).toBe('temporary_failure');
      expect(timedOut.status === 'temporary_failure' && timedOut.reason).toMatch(/ETIMEDOUT/);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      silent.close();
    }
  });

  it('takes a message as accepted when the connection drops after the end of data', async () => {
    // A minimal SMTP server that drops the connection instead of replying to the DATA: after
    // its end (`drop: 'end'`), or once the body is in but before its end (`drop: 'body'`).
    let drop: 'end' | 'body' = 'end';
    const fake = net.createServer((socket) => {
      let data = false;
      let buffered = '';
      socket.write('220 fake ESMTP\r\n');
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('latin1');
        if (data) {
          if (drop === 'end' && buffered.endsWith('\r\n.\r\n')) socket.destroy();
          if (drop === 'body' && buffered.includes('X-Recoup-Key')) socket.destroy();
          return;
        }
        const lines = buffered.split('\r\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          const verb = line.slice(0, 4).toUpperCase();
          if (verb === 'EHLO') socket.write('250-fake\r\n250 PIPELINING\r\n');
          else if (verb === 'DATA') {
            socket.write('354 go ahead\r\n');
            data = true;
          } else socket.write('250 OK\r\n');
        }
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    try {
      const at = { port: (fake.address() as net.AddressInfo).port, poolSize: 1 };
      const after = await provider(at).send(englishBill('n-1', 'a@example.com'), async () => {});
      expect(after).toEqual({
        status: 'sent',
        providerMessageId: `<n-1@${DOMAIN}>`,
        detail: expect.stringMatching(/^no reply after the end of data .*taken as accepted$/),
      });

      // dropped before the end of data, while handOver is still running: a temporary failure,
      // and send() returns only once handOver has settled
      drop = 'body';
      let handOverDone = false;
      const before = await provider(at).send(englishBill('n-2', 'a@example.com'), async () => {
        await sleep(200);
        handOverDone = true;
      });
      expect(handOverDone).toBe(true);
      expect(before.status).toBe('temporary_failure');
    } finally {
      fake.close();
    }
  });

  it('logs in when the server requires it', async () => {
    const authServer = await startSmtpServer({ auth: { user: 'recoup', pass: 's3cret' } });
    try {
      const at = { host: authServer.host, port: authServer.port };
      const good = await provider({ ...at, auth: { user: 'recoup', pass: 's3cret' } }).send(
        englishBill('a-1', 'a@example.com'),
        async () => {},
      );
      expect(good.status).toBe('sent');
      expect(authServer.messages.map((m) => m.key)).toEqual(['a-1']);
      const bad = await provider({ ...at, auth: { user: 'recoup', pass: 'wrong' } }).send(
        englishBill('a-2', 'a@example.com'),
        async () => {},
      );
      // the provider's credentials, not this message, are at fault
      expect(bad.status).toBe('temporary_failure');
      expect(bad.status === 'temporary_failure' && bad.reason).toMatch(/login failed.*535/);
    } finally {
      await Promise.all(providers.splice(0).map((p) => p.close()));
      await authServer.close();
    }
  });

  it('reconnects after the server dropped idle connections', async () => {
    const idleServer = await startSmtpServer({ idleTimeoutMs: 150 });
    try {
      const smtp = provider({ host: idleServer.host, port: idleServer.port, poolSize: 2 });
      const send = (key: string) => smtp.send(englishBill(key, 'a@example.com'), async () => {});
      expect((await Promise.all([send('i-1'), send('i-2')])).map((r) => r.status)).toEqual([
        'sent',
        'sent',
      ]);
      await sleep(400);
      expect((await Promise.all([send('i-3'), send('i-4')])).map((r) => r.status)).toEqual([
        'sent',
        'sent',
      ]);
      expect(idleServer.messages.map((m) => m.key).sort()).toEqual(['i-1', 'i-2', 'i-3', 'i-4']);
    } finally {
      await Promise.all(providers.splice(0).map((p) => p.close()));
      await idleServer.close();
    }
  });

  it('refuses to send once closed', async () => {
    const smtp = provider();
    await smtp.close();
    expect(await smtp.send(englishBill('x-1', 'a@example.com'), async () => {})).toEqual({
      status: 'temporary_failure',
      reason: 'the SMTP provider is closed',
    });
  });

  it('sends 2,000 messages through the pool, each received exactly once', async () => {
    const smtp = provider({ poolSize: 8 });
    const n = 2_000;
    const messages = Array.from({ length: n }, (_, i) =>
      i % 2
        ? englishBill(`bulk-${i}`, `customer${i}@example.com`)
        : chineseBill(`bulk-${i}`, `kehu${i}@example.cn`),
    );
    // warm up: open the connections
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        smtp.send(englishBill(`warm-${i}`, 'w@example.com'), async () => {}),
      ),
    );
    server.clear();
    let handOvers = 0;
    const started = process.hrtime.bigint();
    const results = await Promise.all(
      messages.map((m) =>
        smtp.send(m, async () => {
          handOvers++;
        }),
      ),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rate = n / seconds;
    console.log(
      `SMTP throughput: ${n} messages in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} messages/s (pool of 8, composing, sending and parsing in one process)`,
    );
    expect(results.filter((r) => r.status !== 'sent')).toEqual([]);
    expect(handOvers).toBe(n);
    expect(server.messages).toHaveLength(n);
    const counts = server.countByKey();
    expect(counts.size).toBe(n);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    const ids = new Set(results.map((r) => (r.status === 'sent' ? r.providerMessageId : '')));
    expect(ids.size).toBe(n);
    // the target is well over 200/s; the floor leaves room for a loaded machine
    expect(rate).toBeGreaterThan(100);
  });
});
