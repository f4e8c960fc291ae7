/**
 * The channels' settings over HTTP on the engine under test: each channel with its gateway from
 * the configuration (never a secret), read by administrators and compliance officers, changed by
 * administrators only, refused by the field, audited with what each change replaced.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/adapters/config.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import { testServer } from '../support/auth.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const compliance = { 'x-recoup-user': 'cora', 'x-recoup-role': 'compliance_officer' };
const supervisor = { 'x-recoup-user': 'sue', 'x-recoup-role': 'supervisor' };

describe(`channel settings over HTTP (${ENGINE})`, () => {
  let p: Platform;
  let app: FastifyInstance;

  beforeAll(async () => {
    p = await openTestPlatform(fixedClock('2026-03-02T14:00:00Z'));
    const config = loadConfig({
      RECOUP_SMTP_URL: 'smtp://mailer:s3cret-pass@mail.lender.example:587',
      RECOUP_MAIL_FROM: 'Collections <c@lender.example>',
      RECOUP_SMS_API_URL: 'https://sms.example.net/v1',
      RECOUP_SMS_API_TOKEN: 'tok-abcdef-123456',
      RECOUP_SMS_FROM: 'LENDER',
    });
    app = await buildServer(p, { ...testServer, channels: config.channels });
  });

  afterAll(async () => {
    await app?.close();
    await p?.close();
  });

  it('shows each channel open and unlimited, with its gateway and no secret', async () => {
    const r = await app.inject({ url: '/api/channels/settings', headers: compliance });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      channels: {
        sms: {
          paused: false,
          dailyLimit: null,
          gateway: { kind: 'https', configured: true, host: 'sms.example.net', from: 'LENDER' },
        },
        email: {
          paused: false,
          dailyLimit: null,
          gateway: {
            kind: 'smtp',
            configured: true,
            host: 'mail.lender.example',
            from: 'Collections <c@lender.example>',
          },
        },
        letter: {
          paused: false,
          dailyLimit: null,
          gateway: { kind: 'pdf', configured: true, from: 'Recoup Demo Lender' },
        },
        phone: {
          paused: false,
          dailyLimit: null,
          gateway: { kind: 'call_queue', configured: true },
        },
        field_visit: {
          paused: false,
          dailyLimit: null,
          gateway: { kind: 'field_team', configured: true },
        },
      },
    });
    expect(r.body).not.toMatch(/s3cret|tok-abcdef|mailer/);
    expect(
      (await app.inject({ url: '/api/channels/settings', headers: supervisor })).statusCode,
    ).toBe(403);
  });

  it('an administrator pauses and limits channels; audited with what it replaced', async () => {
    const before = (await app.inject('/api/channels/settings')).json();
    const r = await app.inject({
      method: 'PUT',
      url: '/api/channels/settings',
      payload: { channels: { sms: { paused: true }, email: { dailyLimit: 200 } } },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().channels.sms).toMatchObject({ paused: true, dailyLimit: null });
    expect(r.json().channels.email).toMatchObject({ paused: false, dailyLimit: 200 });
    expect(r.json().channels.sms.gateway.kind).toBe('https');
    // kept: the fields and channels not given
    const again = await app.inject({
      method: 'PUT',
      url: '/api/channels/settings',
      payload: { channels: { email: { paused: true } } },
    });
    expect(again.json().channels.email).toMatchObject({ paused: true, dailyLimit: 200 });
    expect(again.json().channels.sms.paused).toBe(true);
    expect((await p.channelSettings.read()).email).toEqual({ paused: true, dailyLimit: 200 });
    const entries = await p.audit.entries({ entity: 'channels', limit: 2 });
    expect(entries).toHaveLength(2);
    const first = entries.find((e) => JSON.parse(String(e.before)).channels.sms.paused === false)!;
    expect(JSON.parse(String(first.before))).toEqual(before);
    expect(first).toMatchObject({ actor: 'test-admin', action: 'PUT /api/channels/settings' });
  });

  it('refuses anything but paused and dailyLimit, by the field, and writes nothing', async () => {
    const before = await p.channelSettings.read();
    const r = await app.inject({
      method: 'PUT',
      url: '/api/channels/settings',
      payload: {
        channels: {
          sms: { paused: 'no', gateway: { kind: 'kannel' } },
          email: { dailyLimit: 0 },
          fax: { paused: true },
        },
      },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().details.map((d: { at: string }) => d.at)).toEqual([
      'body.channels.sms.paused',
      'body.channels.sms.gateway',
      'body.channels.email.dailyLimit',
      'body.channels.fax',
    ]);
    expect(await p.channelSettings.read()).toEqual(before);
    const forbidden = await app.inject({
      method: 'PUT',
      url: '/api/channels/settings',
      headers: compliance,
      payload: { channels: { sms: { paused: false } } },
    });
    expect(forbidden.statusCode).toBe(403);
  });
});
