/**
 * A private Kannel for tests: bearerbox, smsbox and two fakesmsc clients that play the
 * operator's SMSC, with a generated configuration in a temporary folder and every port picked
 * free on 127.0.0.1 (never Kannel's defaults 13000/13001/13013, which the Debian service would
 * use). Debian: `apt-get install kannel kannel-extras` (fakesmsc comes with kannel-extras).
 *
 * - SMSC "mt" (a fakesmsc that only listens) receives every message sent through `sendsmsUrl`.
 *   fakesmsc prints each as `DEBUG: Got message N: <from to type data>` on its stderr; `received()`
 *   parses those lines, decodes the text (text, url-encoded 8-bit data, url-encoded UCS-2) and
 *   joins concatenated parts by their UDH, so that every message is counted exactly once.
 *   Messages sent with `smsc=reject` find no route: smsbox answers 403 "Not routable. Do not
 *   try again." and bearerbox reports DLR type 16 (`NACK/no SMSC`). fakesmsc's line protocol
 *   cannot carry a newline in a 7-bit text (smsc_fake writes it raw): such a message shows up
 *   as two here, though Kannel passes it on whole to a real SMSC.
 * - SMSC "mo" (a fakesmsc in interactive mode, fed through its stdin) injects inbound messages:
 *   `injectMo()`; smsbox's default sms-service passes them to `inboundUrl` (a get-url pattern
 *   with Kannel's escapes, e.g. `http://127.0.0.1:PORT/inbound?from=%p&to=%P&text=%a`) and sends
 *   no reply. smsbox has `mo-recode = true`, so UCS-2 texts (Chinese) reach the URL as UTF-8.
 *   It takes outbound messages only when they name `smsc=mo`.
 *
 * Neither SMSC is throttled. The fake SMSC driver acknowledges each message as soon as it has
 * written it to fakesmsc: with a dlr-mask asking for them, bearerbox then reports type 8 (SMSC
 * submit) and, right after, a final type 1 (delivered); it never produces 2 (failed) or 4
 * (buffered).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';

const SBIN = process.env.KANNEL_SBIN ?? '/usr/sbin';
const FAKESMSC = process.env.KANNEL_FAKESMSC ?? '/usr/lib/kannel/test/fakesmsc';

export const kannelBinaries = {
  bearerbox: join(SBIN, 'bearerbox'),
  smsbox: join(SBIN, 'smsbox'),
  fakesmsc: FAKESMSC,
};

/** Whether bearerbox, smsbox and fakesmsc are installed. */
export function kannelAvailable(): boolean {
  return Object.values(kannelBinaries).every((path) => existsSync(path));
}

/** One message as the fake SMSC received it (concatenated parts joined). */
export interface FakeSmscMessage {
  from: string;
  to: string;
  /** The decoded text. */
  text: string;
  /** How fakesmsc showed it: 'text', 'data' (8-bit), 'ucs-2' or 'udh' (a concatenated one). */
  type: string;
  /** How many SMS it took. */
  parts: number;
  /** fakesmsc's own line(s), as printed. */
  raw: string[];
}

export interface KannelOptions {
  /** smsbox's get-url for inbound messages (Kannel escapes: %p sender, %P receiver, %a text). */
  inboundUrl?: string;
  username?: string;
  password?: string;
  /** bearerbox's and smsbox's log level (0 debug … 4 panic); 2 by default. */
  logLevel?: number;
}

export interface Kannel {
  /** smsbox's HTTP sendsms interface, e.g. `http://127.0.0.1:PORT/cgi-bin/sendsms`. */
  sendsmsUrl: string;
  username: string;
  password: string;
  /** The temporary folder with kannel.conf and the logs. */
  dir: string;
  /** What the "mt" fakesmsc has received so far. */
  received(): FakeSmscMessage[];
  /** Waits until at least `count` messages have arrived; rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs?: number): Promise<FakeSmscMessage[]>;
  /** Sends an inbound (MO) message from the phone `from` to our number `to`. */
  injectMo(message: { from: string; to: string; text: string }): Promise<void>;
  /** bearerbox's status page (status.txt). */
  status(): Promise<string>;
  /** The last lines the Kannel processes printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts bearerbox, both fakesmscs and smsbox, and waits until all are connected. */
export async function startKannel(options: KannelOptions = {}): Promise<Kannel> {
  if (!kannelAvailable()) {
    throw new Error(
      `Kannel is not installed (${Object.values(kannelBinaries).join(', ')}): ` +
        'apt-get install kannel kannel-extras',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'recoup-kannel-'));
  const [adminPort, boxPort, sendsmsPort, mtPort, moPort] = await freePorts(5);
  const username = options.username ?? 'recoup';
  const password = options.password ?? randomBytes(8).toString('hex');
  const adminPassword = randomBytes(8).toString('hex');
  const logLevel = options.logLevel ?? 2;
  if (options.inboundUrl?.includes('"')) throw new Error('inboundUrl must not contain "');

  const conf = [
    'group = core',
    `admin-port = ${adminPort}`,
    'admin-interface = 127.0.0.1',
    `admin-password = ${adminPassword}`,
    `status-password = ${adminPassword}`,
    'admin-allow-ip = "127.0.0.1"',
    `smsbox-port = ${boxPort}`,
    'smsbox-interface = 127.0.0.1',
    'box-allow-ip = "127.0.0.1"',
    `log-file = "${join(dir, 'bearerbox.log')}"`,
    `log-level = ${logLevel}`,
    'dlr-storage = internal',
    '',
    'group = smsc',
    'smsc = fake',
    'smsc-id = mt',
    'our-host = 127.0.0.1',
    `port = ${mtPort}`,
    'connect-allow-ip = "127.0.0.1"',
    'denied-smsc-id = "reject;mo"',
    '',
    'group = smsc',
    'smsc = fake',
    'smsc-id = mo',
    'our-host = 127.0.0.1',
    `port = ${moPort}`,
    'connect-allow-ip = "127.0.0.1"',
    'allowed-smsc-id = "mo"',
    '',
    'group = smsbox',
    'bearerbox-host = 127.0.0.1',
    `bearerbox-port = ${boxPort}`,
    `sendsms-port = ${sendsmsPort}`,
    'sendsms-interface = 127.0.0.1',
    `log-file = "${join(dir, 'smsbox.log')}"`,
    `log-level = ${logLevel}`,
    'http-request-retry = 3',
    'http-queue-delay = 1',
    'max-pending-requests = 4096',
    'mo-recode = true',
    '',
    'group = sendsms-user',
    `username = ${username}`,
    `password = ${password}`,
    'max-messages = 10',
    'concatenation = true',
    '',
    'group = sms-service',
    'keyword = default',
    options.inboundUrl ? `get-url = "${options.inboundUrl}"` : 'text = ""',
    'max-messages = 0',
    'catch-all = true',
    'concatenation = true',
    '',
  ].join('\n');
  const confPath = join(dir, 'kannel.conf');
  writeFileSync(confPath, conf);

  const tail: string[] = [];
  const note = (who: string, line: string) => {
    tail.push(`${who}: ${line}`);
    if (tail.length > 200) tail.shift();
  };
  const children: ChildProcess[] = [];
  const start = (who: string, cmd: string, args: string[], stdin: 'ignore' | 'pipe' = 'ignore') => {
    const child = spawn(cmd, args, { cwd: dir, stdio: [stdin, 'pipe', 'pipe'] });
    children.push(child);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => {
        if (who !== 'fakesmsc-mt' || !line.includes('Got message')) note(who, line);
      });
    }
    child.on('exit', (code, signal) => note(who, `exited (${code ?? signal})`));
    return child;
  };
  const killAll = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killAll);

  const mt = new FakeSmscLog();
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const status = async () => {
    const res = await fetch(`${adminUrl}/status.txt?password=${adminPassword}`);
    return res.text();
  };

  try {
    start('bearerbox', kannelBinaries.bearerbox, ['-v', String(logLevel), confPath]);
    await until(async () => (await status().catch(() => '')).includes('SMSC connections'), 10_000);
    const mtClient = start('fakesmsc-mt', kannelBinaries.fakesmsc, [
      '-H',
      '127.0.0.1',
      '-r',
      String(mtPort),
      '-m',
      '0',
      '0 0 text unused',
    ]);
    createInterface({ input: mtClient.stderr! }).on('line', (line) => mt.line(line));
    start(
      'fakesmsc-mo',
      kannelBinaries.fakesmsc,
      ['-H', '127.0.0.1', '-r', String(moPort), '-i', '0'],
      'pipe',
    );
    start('smsbox', kannelBinaries.smsbox, ['-v', String(logLevel), confPath]);
    await until(async () => {
      const s = await status().catch(() => '');
      return (
        /^\s*smsbox:/m.test(s.split('Box connections:')[1] ?? '') &&
        /^\s*mt\[mt\]\s+FAKE:\d+\s+\(online/m.test(s) &&
        /^\s*mo\[mo\]\s+FAKE:\d+\s+\(online/m.test(s)
      );
    }, 15_000);
  } catch (error) {
    const last = await status().catch((e: unknown) => String(e));
    killAll();
    process.removeListener('exit', killAll);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`Kannel did not start: ${String(error)}\n${last}\n${tail.join('\n')}`, {
      cause: error,
    });
  }

  const moClient = children[2]!;
  let moQueue: Promise<unknown> = Promise.resolve();
  /** bearerbox's count of messages received from the SMSCs. */
  const received = async () => Number(/SMS: received (\d+)/.exec(await status())?.[1] ?? NaN);
  const stop = async () => {
    process.removeListener('exit', killAll);
    // smsbox first, so that nothing new comes in; then the SMSCs, then bearerbox.
    for (const child of [children[3], children[1], children[2], children[0]]) {
      if (!child || child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  return {
    sendsmsUrl: `http://127.0.0.1:${sendsmsPort}/cgi-bin/sendsms`,
    username,
    password,
    dir,
    received: () => mt.messages(),
    waitForMessages: async (count, timeoutMs = 30_000) => {
      await until(async () => mt.messages().length >= count, timeoutMs).catch(async () => {
        const s = await status().catch((e: unknown) => String(e));
        throw new Error(`fakesmsc received ${mt.messages().length} of ${count} messages\n${s}`);
      });
      return mt.messages();
    },
    injectMo: async ({ from, to, text }) => {
      if (/\s/.test(from) || /\s/.test(to)) throw new Error('numbers must not contain spaces');
      const line = isPlain(text)
        ? `${from} ${to} text ${text}\n`
        : `${from} ${to} ucs2 ${percentEncode(Buffer.from(text, 'utf16le').swap16())}\n`;
      // fakesmsc reads its stdin with a 256-byte buffer.
      if (Buffer.byteLength(line) > 250) throw new Error('inbound message too long for fakesmsc');
      // fakesmsc mixes select() on its stdin with stdio's fgets(): lines that reach it together
      // wait in stdio's buffer until more input comes. So one line at a time, each one written
      // only after bearerbox has counted the one before.
      const next = moQueue.then(async () => {
        const before = await received();
        await new Promise<void>((resolve, reject) =>
          moClient.stdin!.write(line, (e) => (e ? reject(e) : resolve())),
        );
        await until(async () => (await received()) > before, 10_000);
      });
      moQueue = next.catch(() => undefined);
      await next;
    },
    status,
    output: () => tail.join('\n'),
    stop,
  };
}

/** Printable ASCII without a newline: fakesmsc's "text" type. */
function isPlain(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

function percentEncode(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) out += `%${b.toString(16).padStart(2, '0').toUpperCase()}`;
  return out;
}

/** Kannel's octstr_url_decode: '+' is a space, %XX a byte, the rest as is. */
function urlDecodeBytes(s: string): Buffer {
  const out: number[] = [];
  const raw = Buffer.from(s, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    const hex = raw.subarray(i + 1, i + 3).toString('latin1');
    if (c === 0x2b) out.push(0x20);
    else if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(c);
  }
  return Buffer.from(out);
}

function ucs2(bytes: Buffer): string {
  const copy = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  return copy.swap16().toString('utf16le');
}

/** The parts' text of a udh line: the coding is not shown, so tell UCS-2 from 8-bit text. */
function guessText(bytes: Buffer): string {
  if (!bytes.includes(0)) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // not UTF-8: UCS-2 below
    }
  }
  return ucs2(bytes);
}

const GOT = /Got message (\d+): <(.*)>$/;

/** The "Got message" lines of a fakesmsc, counted and joined. */
class FakeSmscLog {
  private done: FakeSmscMessage[] = [];
  private pending = new Map<string, { total: number; parts: Map<number, Buffer>; raw: string[] }>();
  private seen = 0;
  private error: Error | undefined;

  line(line: string): void {
    const m = GOT.exec(line);
    if (!m) return;
    const n = Number(m[1]);
    if (n !== this.seen + 1)
      this.error ??= new Error(`fakesmsc's count went from ${this.seen} to ${n}`);
    this.seen = n;
    // fakesmsc shows the line as it came: its binary content as latin1 bytes, text as UTF-8.
    const body = m[2]!;
    const [from = '', to = '', type = '', ...rest] = body.split(' ');
    const data = rest.join(' ');
    if (type === 'text') {
      this.done.push({ from, to, type, text: data, parts: 1, raw: [body] });
    } else if (type === 'data') {
      this.done.push({
        from,
        to,
        type,
        text: guessText(urlDecodeBytes(data)),
        parts: 1,
        raw: [body],
      });
    } else if (type === 'ucs-2' || type === 'ucs2') {
      this.done.push({
        from,
        to,
        type: 'ucs-2',
        text: ucs2(urlDecodeBytes(data)),
        parts: 1,
        raw: [body],
      });
    } else if (type === 'udh') {
      const [udhText = '', , payload = ''] = rest;
      this.part(from, to, urlDecodeBytes(udhText), urlDecodeBytes(payload), body);
    } else {
      this.done.push({ from, to, type, text: data, parts: 1, raw: [body] });
    }
  }

  private part(from: string, to: string, udh: Buffer, payload: Buffer, raw: string): void {
    // UDH: length, then IEs; 0x00 (8-bit ref) or 0x08 (16-bit ref) concatenation.
    let ref: number | undefined;
    let total = 1;
    let seq = 1;
    for (let i = 1; i + 1 < udh.length;) {
      const iei = udh[i]!;
      const len = udh[i + 1]!;
      const v = udh.subarray(i + 2, i + 2 + len);
      if (iei === 0x00 && len === 3) [ref, total, seq] = [v[0]!, v[1]!, v[2]!];
      if (iei === 0x08 && len === 4) [ref, total, seq] = [(v[0]! << 8) | v[1]!, v[2]!, v[3]!];
      i += 2 + len;
    }
    if (ref === undefined) {
      this.done.push({ from, to, type: 'udh', text: guessText(payload), parts: 1, raw: [raw] });
      return;
    }
    const key = `${from} ${to} ${ref}`;
    const entry = this.pending.get(key) ?? {
      total,
      parts: new Map<number, Buffer>(),
      raw: [] as string[],
    };
    this.pending.set(key, entry);
    entry.parts.set(seq, payload);
    entry.raw.push(raw);
    if (entry.parts.size < entry.total) return;
    this.pending.delete(key);
    const bytes = Buffer.concat(
      [...entry.parts.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]),
    );
    this.done.push({
      from,
      to,
      type: 'udh',
      text: guessText(bytes),
      parts: entry.total,
      raw: entry.raw,
    });
  }

  messages(): FakeSmscMessage[] {
    if (this.error) throw this.error;
    return [...this.done];
  }
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    return typeof a === 'object' && a ? a.port : 0;
  });
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
