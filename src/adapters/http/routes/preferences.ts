/**
 * The customer's side of an opt-out link: a page that asks to confirm (in the customer's
 * language), and the POST that opts out, which is also the one-click unsubscribe of e-mail
 * clients (RFC 8058).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { optOutByLink } from '../../../app/dispatch/preferences.ts';
import { escapeHtml } from '../../../domain/templates/templates.ts';
import type { Platform } from '../../platform.ts';

const NAMES: Record<string, [string, string]> = {
  sms: ['text messages', '短信'],
  email: ['e-mails', '邮件'],
  letter: ['letters', '信函'],
  phone: ['calls', '电话'],
};

function page(title: string, body: string, lang: string): string {
  return `<!doctype html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem}
button{font:inherit;padding:.6rem 1.2rem}</style></head><body>${body}</body></html>`;
}

export function preferenceRoutes(p: Platform): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();
    // The page's form and one-click unsubscribe post a form body; nothing in it is needed.
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => done(null, body),
    );
    const params = Type.Object({ key: Type.String({ minLength: 1, maxLength: 300 }) });
    const query = Type.Object({ channel: Type.String() });

    app.get(
      '/preferences/:key',
      {
        config: { roles: 'public' },
        schema: {
          tags: ['preferences'],
          summary: 'The opt-out page of a message link',
          params,
          querystring: query,
        },
      },
      async (req, reply) => {
        const [en, zh] = NAMES[req.query.channel] ?? [req.query.channel, req.query.channel];
        const action = `?channel=${encodeURIComponent(req.query.channel)}`;
        return reply.type('text/html; charset=utf-8').send(
          page(
            'Stop messages',
            `<h1>Stop ${escapeHtml(en)} / 停止接收${escapeHtml(zh)}</h1>
<p>We will stop sending you ${escapeHtml(en)} about this account. We may still write to you where the law requires it.</p>
<p>我们将停止就此账户向您发送${escapeHtml(zh)}。法律要求的通知除外。</p>
<form method="post" action="${escapeHtml(action)}"><button type="submit">Stop / 退订</button></form>`,
            'en',
          ),
        );
      },
    );

    app.post(
      '/preferences/:key',
      {
        config: { roles: 'public' },
        schema: {
          tags: ['preferences'],
          summary: 'Opt out (the link, or one-click unsubscribe)',
          params,
          querystring: query,
        },
      },
      async (req, reply) => {
        const r = await optOutByLink(p.dispatch, req.params.key, req.query.channel, p.clock.now());
        const [en, zh] = NAMES[req.query.channel] ?? [req.query.channel, req.query.channel];
        return reply.type('text/html; charset=utf-8').send(
          page(
            'Done',
            `<h1>${r.language.startsWith('zh') ? `已退订${escapeHtml(zh)}` : `You will get no more ${escapeHtml(en)}`}</h1>
<p>Account ****${escapeHtml(r.accountRef.slice(-4))}</p>`,
            r.language,
          ),
        );
      },
    );
  };
}
