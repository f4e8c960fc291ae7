/**
 * The channels' settings over HTTP: each channel paused or not and its daily limit (changed by
 * administrators, read by them and compliance officers), with the gateway the configuration
 * gives it, read-only. The gateway is described by its kind, whether one is configured, its
 * host and sender: never a password, token or the credentials in a URL. The PUT has its GET at
 * the same address, so the audit log records what each change replaced.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { changeChannelSettings } from '../../../app/dispatch/channel-settings.ts';
import { SETTINGS_CHANNELS, type ChannelSettings } from '../../../domain/channels/settings.ts';
import type { DispatchChannel } from '../../../domain/dispatch/lifecycle.ts';
import type { ChannelConfig } from '../../config.ts';
import type { Platform } from '../../platform.ts';
import { ADMIN, COMPLIANCE } from '../guard.ts';
import { ErrorBody, Nullable } from '../schemas.ts';

export interface Gateway {
  kind: 'smtp' | 'kannel' | 'https' | 'sandbox' | 'pdf' | 'call_queue' | 'field_team';
  /** A real gateway is set in the configuration (the sandbox records, delivers nowhere). */
  configured: boolean;
  host?: string;
  from?: string;
}

/** Each channel's gateway as the configuration gives it (see buildProviders), without secrets. */
export function describeGateways(c: ChannelConfig | undefined): Record<DispatchChannel, Gateway> {
  const sandbox: Gateway = { kind: 'sandbox', configured: false };
  const email: Gateway = c?.smtpUrl
    ? { kind: 'smtp', configured: true, host: c.smtpUrl.hostname, from: c.mailFrom }
    : { ...sandbox, ...(c ? { from: c.mailFrom } : {}) };
  const sms: Gateway = c?.kannelUrl
    ? { kind: 'kannel', configured: true, host: c.kannelUrl.hostname, from: c.smsFrom }
    : c?.smsApiUrl && c.smsApiToken
      ? { kind: 'https', configured: true, host: c.smsApiUrl.hostname, from: c.smsFrom }
      : { ...sandbox, ...(c ? { from: c.smsFrom } : {}) };
  return {
    sms,
    email,
    letter: { kind: 'pdf', configured: true, ...(c ? { from: c.companyName } : {}) },
    phone: { kind: 'call_queue', configured: true },
    field_visit: { kind: 'field_team', configured: true },
  };
}

const GatewaySchema = Type.Object({
  kind: Type.String({
    description:
      'smtp, kannel, https, sandbox (no gateway: recorded, delivered nowhere), pdf, call_queue, field_team',
  }),
  configured: Type.Boolean(),
  host: Type.Optional(Type.String()),
  from: Type.Optional(Type.String()),
});
const ChannelSchema = Type.Object({
  paused: Type.Boolean({ description: 'nothing new goes out while paused; it waits' }),
  dailyLimit: Nullable(
    Type.Integer({ minimum: 1, description: 'at most this many per business day' }),
  ),
  gateway: GatewaySchema,
});
const SettingsSchema = Type.Object({
  channels: Type.Object(
    Object.fromEntries(SETTINGS_CHANNELS.map((c) => [c, ChannelSchema])) as Record<
      DispatchChannel,
      typeof ChannelSchema
    >,
  ),
});

export function channelSettingsRoutes(
  p: Platform,
  config: ChannelConfig | undefined,
): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();
    const gateways = describeGateways(config);
    const view = (s: ChannelSettings) => ({
      channels: Object.fromEntries(
        SETTINGS_CHANNELS.map((c) => [c, { ...s[c], gateway: gateways[c] }]),
      ) as Record<DispatchChannel, ChannelSettings[DispatchChannel] & { gateway: Gateway }>,
    });

    app.get(
      '/channels/settings',
      {
        config: { roles: COMPLIANCE },
        schema: {
          tags: ['administration'],
          summary:
            'Each channel: paused or not, its daily limit, and its gateway from the configuration (read-only)',
          response: { 200: SettingsSchema },
        },
      },
      async () => view(await p.channelSettings.read()),
    );

    app.put(
      '/channels/settings',
      {
        config: { roles: ADMIN },
        schema: {
          tags: ['administration'],
          summary:
            'Pause or resume channels and set their daily limits: { channels: { sms: { paused?, dailyLimit? } } }; ' +
            'channels and fields not given are kept; anything else is refused by its field',
          body: Type.Unknown(),
          response: { 200: SettingsSchema, 400: ErrorBody, 403: ErrorBody },
        },
      },
      async (req) =>
        view(
          await changeChannelSettings(
            {
              store: p.dispatch,
              queue: p.jobs,
              settings: p.channelSettings,
              actor: req.actor!.user,
              timezone: p.timezone,
            },
            req.body,
            p.clock.now(),
          ),
        ),
    );
  };
}
