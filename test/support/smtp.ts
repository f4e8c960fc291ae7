/**
 * A real SMTP server for tests (smtp-server, no TLS, optional AUTH PLAIN/LOGIN) on a free
 * port of 127.0.0.1. Every message received in full is parsed with mailparser and kept;
 * a DATA cut off before its end (the connection closed mid-message) is counted in `aborted`
 * and kept nowhere. Recipients can be made to fail with a 4xx or 5xx reply, at RCPT TO or
 * after the end of data.
 *
 * Another process can use it too: `npx tsx test/support/smtp.ts [--port N]` prints
 * `{"port":N}` and then one JSON line per message received.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type AddressObject } from 'mailparser';

export interface ReceivedMail {
  /** The Message-ID header, with its angle brackets. */
  messageId: string | undefined;
  /** The X-Recoup-Key header. */
  key: string | undefined;
  from: string;
  to: string[];
  subject: string | undefined;
  text: string | undefined;
  html: string | undefined;
  /** The envelope (MAIL FROM, RCPT TO) and the raw message as received. */
  envelope: { from: string; to: string[] };
  raw: Buffer;
  /** The id the server gave it in its reply: "250 OK: queued as <queueId>". */
  queueId: string;
}

export interface AbortedData {
  /** Bytes of the DATA received before the connection closed. */
  bytes: number;
  /** The start of what was received, for assertions. */
  head: string;
  reason: string;
}

export interface Failure {
  code: number;
  message?: string;
  /** `rcpt`: refuse RCPT TO (default); `data`: take the message, then refuse it. */
  at?: 'rcpt' | 'data';
}

export interface TestSmtpServer {
  readonly host: string;
  readonly port: number;
  readonly messages: ReceivedMail[];
  readonly aborted: AbortedData[];
  /** The DATA received so far of each transaction not yet finished. */
  pending(): Buffer[];
  countByKey(): Map<string, number>;
  /** Make messages to `address` fail; `undefined` lets them through again. */
  failFor(address: string, failure: Failure | undefined): void;
  /** Resolves once `n` messages have been received (or throws after `timeoutMs`). */
  waitForMessages(n: number, timeoutMs?: number): Promise<void>;
  /** The relay's lookup API: `GET ?message_id=<id>` → `{accepted, id}` or 404. */
  readonly lookupUrl: string;
  /** Forgets the messages and aborted DATA received so far. */
  clear(): void;
  close(): Promise<void>;
}

export interface SmtpServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** When given, AUTH is required with these credentials. */
  auth?: { user: string; pass: string };
  /** Drop connections idle for this long (smtp-server's socketTimeout, default 60 s). */
  idleTimeoutMs?: number;
  onMessage?: (mail: ReceivedMail) => void;
}

const smtpError = (code: number, message: string) =>
  Object.assign(new Error(message), { responseCode: code });

const addresses = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value.map((v) => v.address ?? ''));

export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const host = options.host ?? '127.0.0.1';
  const messages: ReceivedMail[] = [];
  const aborted: AbortedData[] = [];
  const failures = new Map<string, Failure>();
  const open = new Set<Buffer[]>();
  let waiters: Array<() => void> = [];
  let seq = 0;
  const failureFor = (session: SMTPServerSession, at: 'rcpt' | 'data') =>
    session.envelope.rcptTo
      .map((r) => failures.get(r.address.toLowerCase()))
      .find((f) => f && (f.at ?? 'rcpt') === at);

  const server = new SMTPServer({
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    hideSTARTTLS: true,
    authOptional: !options.auth,
    allowInsecureAuth: true,
    logger: false,
    // many connections in parallel from the pool under test
    maxClients: 1_000,
    closeTimeout: 1_000,
    ...(options.idleTimeoutMs ? { socketTimeout: options.idleTimeoutMs } : {}),
    onAuth(auth, _session, callback) {
      const ok = auth.username === options.auth?.user && auth.password === options.auth?.pass;
      if (!ok) return callback(smtpError(535, 'Authentication failed'));
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      const f = failures.get(address.address.toLowerCase());
      if (f && (f.at ?? 'rcpt') === 'rcpt')
        return callback(smtpError(f.code, f.message ?? `Mailbox ${address.address} unavailable`));
      callback();
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      open.add(chunks);
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => {
        open.delete(chunks);
        const raw = Buffer.concat(chunks);
        aborted.push({
          bytes: raw.length,
          head: raw.subarray(0, 4_000).toString('utf8'),
          reason: err.message,
        });
      });
      stream.on('end', () => {
        open.delete(chunks);
        const raw = Buffer.concat(chunks);
        const f = failureFor(session, 'data');
        if (f) return callback(smtpError(f.code, f.message ?? 'Message refused'));
        simpleParser(raw).then(
          (p) => {
            const queueId = `Q${(++seq).toString(36).toUpperCase().padStart(6, '0')}`;
            const key = p.headers.get('x-recoup-key');
            const mail: ReceivedMail = {
              messageId: p.messageId,
              key: typeof key === 'string' ? key : undefined,
              from: addresses(p.from)[0] ?? '',
              to: addresses(p.to),
              subject: p.subject,
              text: p.text,
              html: typeof p.html === 'string' ? p.html : undefined,
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              raw,
              queueId,
            };
            messages.push(mail);
            options.onMessage?.(mail);
            const ready = waiters;
            waiters = [];
            for (const w of ready) w();
            callback(null, `OK: queued as ${queueId}`);
          },
          (err: Error) => callback(smtpError(451, `Cannot parse the message: ${err.message}`)),
        );
      });
    },
  });
  server.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('SMTP server has no TCP port');
  // The relay's message lookup, as e-mail services offer it (search by Message-ID).
  const lookup = createServer((req, res) => {
    const id = new URL(req.url ?? '/', 'http://x').searchParams.get('message_id');
    const m = messages.find((x) => x.messageId === id);
    res.writeHead(m ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(m ? { accepted: true, id: m.queueId } : { accepted: false }));
  });
  await new Promise<void>((r) => lookup.listen(0, host, () => r()));
  const lookupPort = (lookup.address() as AddressInfo).port;

  return {
    host,
    port: address.port,
    lookupUrl: `http://${host}:${lookupPort}/messages`,
    messages,
    aborted,
    pending: () => [...open].map((chunks) => Buffer.concat(chunks)),
    countByKey() {
      const counts = new Map<string, number>();
      for (const m of messages) if (m.key) counts.set(m.key, (counts.get(m.key) ?? 0) + 1);
      return counts;
    },
    failFor(addr, failure) {
      if (failure) failures.set(addr.toLowerCase(), failure);
      else failures.delete(addr.toLowerCase());
    },
    async waitForMessages(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${n} messages, received ${messages.length}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
    },
    clear() {
      messages.length = 0;
      aborted.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        lookup.close();
        server.close(() => resolve());
      }),
  };
}

// Run on its own: a server for another process, one JSON line per message on stdout.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : 0;
  const s = await startSmtpServer({
    port,
    onMessage: ({ raw: _raw, ...m }) => console.log(JSON.stringify(m)),
  });
  console.log(JSON.stringify({ port: s.port }));
  process.on('SIGINT', () => void s.close().then(() => process.exit(0)));
  process.on('SIGTERM', () => void s.close().then(() => process.exit(0)));
}
