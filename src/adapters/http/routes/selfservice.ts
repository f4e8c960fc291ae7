/**
 * The customer's self-service page at `/s/<token>`: server-rendered, mobile-first HTML with no
 * external assets, in the customer's language (English or Simplified Chinese; `?lang=en|zh`
 * overrides). The signed link is the only authority: a changed link or one signed for
 * something else is refused (403), an expired one too (410), with no data of the account. Every
 * form posts back to the same token with a request key made when the page was shown, so a form
 * sent twice is done once. A JSON twin of the page is at `/api/self-service/<token>`.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  LinkRefused,
  choosePlanFromPage,
  paymentIntentFromPage,
  preferencesFromPage,
  previewFromPage,
  promiseFromPage,
  statementFromPage,
  viewPage,
  type PageView,
  type PlanOption,
} from '../../../app/selfservice/selfservice.ts';
import { AppError } from '../../../app/shared/errors.ts';
import { formatMinor } from '../../../domain/money/currency.ts';
import { parsePayloadText } from '../../../domain/selfservice/link.ts';
import { DEFAULT_HOURS } from '../../../domain/selfservice/offer.ts';
import { escapeHtml, formatDate, formatMoney } from '../../../domain/templates/templates.ts';
import { addDays, type LocalDate } from '../../../domain/time/date.ts';
import { selfServiceDeps, type Platform } from '../../platform.ts';

type Lang = 'en' | 'zh';

const TEXT = {
  title: ['Your account', '您的账户'],
  hello: ['Hello', '您好'],
  account: ['Account', '账户'],
  outstanding: ['Balance', '未偿余额'],
  due: ['Due now', '当前应还'],
  dueBy: ['Due date', '到期日'],
  overdue: ['days overdue', '天逾期'],
  unpaid: ['Unpaid instalments', '未还分期'],
  onHold: [
    'Contact about this account is paused while we review it.',
    '我们正在审核此账户，期间暂停联系。',
  ],
  pay: ['Pay now', '立即还款'],
  payHelp: [
    'Tell us how much you are paying; you get a reference to pay under.',
    '请告诉我们您要还款的金额，您将获得一个还款参考号。',
  ],
  amount: ['Amount', '金额'],
  payButton: ['Get my payment reference', '获取还款参考号'],
  promise: ['Promise to pay', '承诺还款'],
  promiseHelp: ['Tell us when you will pay and how much.', '请告诉我们您将何时还款以及金额。'],
  date: ['Date', '日期'],
  promiseButton: ['Make the promise', '提交承诺'],
  openPromise: ['You promised to pay', '您已承诺还款'],
  on: ['on', '于'],
  plans: ['Spread the payments', '分期还款'],
  plansHelp: [
    'Choose a plan: you will see every payment before you agree.',
    '选择一个方案：确认前您将看到每一笔还款。',
  ],
  noPlans: ['No plan can be chosen here for this account.', '此账户暂无可选择的方案。'],
  openPlan: ['Your plan is in place. Next payment', '您的还款方案已生效。下一笔还款'],
  instalments: ['payments of', '期，每期'],
  deferral: ['Move your next payment by', '下一笔还款推迟'],
  days: ['days', '天'],
  fee: ['fee', '手续费'],
  see: ['See the payments', '查看还款计划'],
  schedule: ['Your payments', '您的还款计划'],
  total: ['Total', '合计'],
  agree: ['I agree to this plan', '我同意此方案'],
  back: ['Back to my account', '返回我的账户'],
  contact: ['How we contact you', '联系方式偏好'],
  stop: ['Stop these', '停止以下联系方式'],
  sms: ['Text messages', '短信'],
  email: ['E-mails', '邮件'],
  letter: ['Letters', '信函'],
  phone: ['Calls', '电话'],
  hours: ['Hours we may call you', '方便联系的时间'],
  from: ['from', '从'],
  to: ['to', '至'],
  save: ['Save my preferences', '保存偏好'],
  legal: ['We may still write to you where the law requires it.', '法律要求的通知除外。'],
  trouble: ['Having difficulty, or disagree?', '遇到困难或有异议？'],
  hardship: ['I am in financial difficulty', '我遇到经济困难'],
  dispute: ['I dispute this debt', '我对此欠款有异议'],
  tell: ['Tell us briefly what has happened', '请简要说明情况'],
  send: ['Send', '提交'],
  done: ['Thank you', '谢谢'],
  promiseDone: ['Your promise is recorded: ', '您的还款承诺已记录：'],
  planDone: ['Your plan is in place. First payment', '您的还款方案已生效。第一笔还款'],
  prefDone: ['Your preferences are saved.', '您的偏好已保存。'],
  stopped: ['We will no longer use', '我们将不再使用'],
  statementDone: [
    'We have paused contact about this account and a member of our team will review it.',
    '我们已暂停就此账户联系您，我们的工作人员将进行审核。',
  ],
  reference: ['Pay under this reference', '还款时请注明此参考号'],
  intents: ['Payments you told us about', '您告知的还款'],
  problem: ['Please check the form', '请检查您填写的内容'],
  refusedTitle: ['This link cannot be used', '此链接无法使用'],
  expired: [
    'This link has expired. Please use the link in your latest message from us, or contact us.',
    '此链接已过期。请使用我们最新消息中的链接，或与我们联系。',
  ],
  invalid: [
    'This link is not valid. Please use the link exactly as we sent it, or contact us.',
    '此链接无效。请使用我们发送的完整链接，或与我们联系。',
  ],
} as const satisfies Record<string, readonly [string, string]>;

const t = (lang: Lang, k: keyof typeof TEXT) => TEXT[k][lang === 'zh' ? 1 : 0];
const langOf = (override: string | undefined, customer: string): Lang =>
  override === 'zh' || override === 'en' ? override : customer.startsWith('zh') ? 'zh' : 'en';
/** The locale money and dates are written in. */
const localeOf = (lang: Lang) => (lang === 'zh' ? 'zh-CN' : 'en');

const CSS = `*{box-sizing:border-box}body{font:16px/1.5 system-ui,-apple-system,sans-serif;margin:0;color:#1b1b1b;background:#f5f6f7}
main{max-width:34rem;margin:0 auto;padding:1rem}section{background:#fff;border-radius:.6rem;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 2px #0002}
h1{font-size:1.4rem;margin:.5rem 0 1rem}h2{font-size:1.1rem;margin:0 0 .6rem}.big{font-size:1.8rem;font-weight:600}
.muted{color:#555;font-size:.9rem}label{display:block;margin:.5rem 0 .2rem}input,textarea,select{font:inherit;width:100%;padding:.55rem;border:1px solid #999;border-radius:.4rem}
input[type=checkbox],input[type=radio]{width:auto;margin-right:.4rem}button,.button{display:inline-block;font:inherit;width:100%;margin-top:.8rem;padding:.7rem 1rem;border:0;border-radius:.4rem;background:#1d4ed8;color:#fff;text-align:center;text-decoration:none}
table{width:100%;border-collapse:collapse}td{padding:.3rem 0;border-bottom:1px solid #eee}td:last-child{text-align:right}.row{display:flex;gap:.5rem}.row>*{flex:1}
.error{border-left:4px solid #b91c1c}.ok{border-left:4px solid #15803d}nav{text-align:right;font-size:.9rem}nav a{margin-left:.6rem}`;

function page(lang: Lang, title: string, body: string, query = ''): string {
  const other = lang === 'zh' ? ['en', 'English'] : ['zh', '中文'];
  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body><main><nav><a href="?lang=${other[0]}${query}">${other[1]}</a></nav>${body}</main></body></html>`;
}

function send(reply: FastifyReply, status: number, html: string) {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    )
    .type('text/html; charset=utf-8')
    .send(html);
}

/** A form's hidden request key: the same page sent twice is done once. */
const requestField = () => `<input type="hidden" name="request" value="${randomUUID()}">`;

function optionLine(o: PlanOption, v: PageView | { currency: string }, lang: Lang): string {
  const loc = localeOf(lang);
  const m = (x: number) => formatMoney(x, v.currency, loc);
  if (o.kind === 'deferral')
    return `${t(lang, 'deferral')} ${o.days} ${t(lang, 'days')}${o.feeMinor > 0 ? ` (${t(lang, 'fee')} ${m(o.feeMinor)})` : ''}`;
  return `${o.count} ${t(lang, 'instalments')} ${m(o.otherMinor)}${o.firstMinor !== o.otherMinor ? ` (${m(o.firstMinor)})` : ''}, ${formatDate(o.firstDue, loc)} – ${formatDate(o.lastDue, loc)}`;
}

function accountPage(v: PageView, lang: Lang, token: string): string {
  const loc = localeOf(lang);
  const m = (x: number) => formatMoney(x, v.currency, loc);
  const q = `?lang=${lang}`;
  const base = `/s/${token}`;
  const parts: string[] = [];
  parts.push(`<h1>${escapeHtml(t(lang, 'hello'))}${v.greeting ? ` ${escapeHtml(v.greeting)}` : ''}</h1>
<section><div class="muted">${t(lang, 'account')} ${escapeHtml(v.accountRef)}</div>
<div class="muted">${t(lang, 'due')}</div><div class="big">${escapeHtml(m(v.dueMinor))}</div>
${v.dueDate ? `<div>${t(lang, 'dueBy')}: ${escapeHtml(formatDate(v.dueDate, loc))}${v.pastDueDays > 0 ? ` · ${v.pastDueDays} ${t(lang, 'overdue')}` : ''}</div>` : ''}
<div class="muted">${t(lang, 'outstanding')}: ${escapeHtml(m(v.outstandingMinor))}</div>
${
  v.unpaid.length > 0
    ? `<h2 style="margin-top:1rem">${t(lang, 'unpaid')}</h2><table>${v.unpaid
        .map(
          (u) =>
            `<tr><td>${escapeHtml(formatDate(u.dueDate, loc))}</td><td>${escapeHtml(m(u.unpaidMinor))}</td></tr>`,
        )
        .join('')}</table>`
    : ''
}
${v.onHold ? `<p>${t(lang, 'onHold')}</p>` : ''}</section>`);
  parts.push(`<section><h2>${t(lang, 'pay')}</h2><p class="muted">${t(lang, 'payHelp')}</p>
<form method="post" action="${base}/payment${q}">${requestField()}
<label for="pay-amount">${t(lang, 'amount')} (${escapeHtml(v.currency)})</label>
<input id="pay-amount" name="amount" inputmode="decimal" required value="${escapeHtml(String(v.dueMinor > 0 ? formatMinor(v.dueMinor, v.currency) : ''))}">
<button type="submit">${t(lang, 'payButton')}</button></form>
${
  v.intents.length > 0
    ? `<h2 style="margin-top:1rem">${t(lang, 'intents')}</h2><table>${v.intents
        .map(
          (i) =>
            `<tr><td>${escapeHtml(i.reference)}</td><td>${escapeHtml(formatMoney(i.amountMinor, i.currency, loc))}</td></tr>`,
        )
        .join('')}</table>`
    : ''
}</section>`);
  if (v.openPlan)
    parts.push(
      `<section class="ok"><h2>${t(lang, 'plans')}</h2><p>${t(lang, 'openPlan')}${v.openPlan.nextDue ? `: ${escapeHtml(m(v.openPlan.nextMinor))}, ${escapeHtml(formatDate(v.openPlan.nextDue, loc))}` : ''}</p></section>`,
    );
  else if (v.openPromise)
    parts.push(
      `<section class="ok"><h2>${t(lang, 'promise')}</h2><p>${t(lang, 'openPromise')} ${escapeHtml(m(v.openPromise.amountMinor))} ${t(lang, 'on')} ${escapeHtml(formatDate(v.openPromise.promisedFor, loc))}</p></section>`,
    );
  else {
    parts.push(
      `<section><h2>${t(lang, 'plans')}</h2>${
        v.options.length === 0
          ? `<p class="muted">${t(lang, 'noPlans')}</p>`
          : `<p class="muted">${t(lang, 'plansHelp')}</p><form method="get" action="${base}/plan">
<input type="hidden" name="lang" value="${lang}">${v.options
              .map(
                (o, k) =>
                  `<label><input type="radio" name="option" value="${escapeHtml(o.id)}"${k === 0 ? ' checked' : ''}>${escapeHtml(optionLine(o, v, lang))}</label>`,
              )
              .join('')}<button type="submit">${t(lang, 'see')}</button></form>`
      }</section>`,
    );
    parts.push(`<section><h2>${t(lang, 'promise')}</h2><p class="muted">${t(lang, 'promiseHelp')}</p>
<form method="post" action="${base}/promise${q}">${requestField()}<div class="row">
<div><label for="pr-amount">${t(lang, 'amount')} (${escapeHtml(v.currency)})</label><input id="pr-amount" name="amount" inputmode="decimal" required></div>
<div><label for="pr-date">${t(lang, 'date')}</label><input id="pr-date" type="date" name="promisedFor" min="${v.today}" max="${addDays(v.today, 30)}" required></div></div>
<button type="submit">${t(lang, 'promiseButton')}</button></form></section>`);
  }
  parts.push(`<section><h2>${t(lang, 'contact')}</h2>
<form method="post" action="${base}/preferences${q}">${requestField()}
<div class="muted">${t(lang, 'stop')}</div>${(['sms', 'email', 'letter', 'phone'] as const)
    .map((c) => `<label><input type="checkbox" name="optOut" value="${c}">${t(lang, c)}</label>`)
    .join('')}
<div class="muted" style="margin-top:.6rem">${t(lang, 'hours')}</div><div class="row">
<div><label for="h-from">${t(lang, 'from')}</label><input id="h-from" type="time" name="hoursFrom" value="${DEFAULT_HOURS[0]}"></div>
<div><label for="h-to">${t(lang, 'to')}</label><input id="h-to" type="time" name="hoursTo" value="${DEFAULT_HOURS[1]}"></div></div>
<p class="muted">${t(lang, 'legal')}</p><button type="submit">${t(lang, 'save')}</button></form></section>`);
  parts.push(`<section><h2>${t(lang, 'trouble')}</h2>
<form method="post" action="${base}/statement${q}">${requestField()}
<label><input type="radio" name="kind" value="hardship" checked>${t(lang, 'hardship')}</label>
<label><input type="radio" name="kind" value="dispute">${t(lang, 'dispute')}</label>
<label for="st-text">${t(lang, 'tell')}</label><textarea id="st-text" name="text" rows="4" maxlength="2000" required></textarea>
<button type="submit">${t(lang, 'send')}</button></form></section>`);
  return page(lang, t(lang, 'title'), parts.join('\n'));
}

function donePage(lang: Lang, token: string, message: string, ok = true): string {
  return page(
    lang,
    t(lang, 'done'),
    `<h1>${t(lang, ok ? 'done' : 'problem')}</h1><section class="${ok ? 'ok' : 'error'}">${message}</section>
<a class="button" href="/s/${token}?lang=${lang}">${t(lang, 'back')}</a>`,
  );
}

function refusedPage(lang: Lang, e: LinkRefused): string {
  return page(
    lang,
    t(lang, 'refusedTitle'),
    `<h1>${t(lang, 'refusedTitle')}</h1><section class="error"><p>${t(lang, e.reason === 'expired' ? 'expired' : 'invalid')}</p></section>`,
  );
}

/** The URL with a link's token hidden (request logs). */
export function hideLinkToken(url: string): string {
  return url.replace(/^\/(s|api\/self-service)\/[^/?]+/, '/$1/[link]');
}

/** A form body: every field a string, a field given more than once a list. */
function formOf(body: unknown): Record<string, string | string[]> {
  if (typeof body === 'object' && body !== null) return body as Record<string, string | string[]>;
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(String(body ?? ''))) {
    const seen = out[k];
    out[k] = seen === undefined ? v : Array.isArray(seen) ? [...seen, v] : [seen, v];
  }
  return out;
}
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';
const many = (v: string | string[] | undefined) =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

export function selfServiceRoutes(
  p: Platform,
  settings: { companyName: string },
): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();
    const deps = selfServiceDeps(p, settings.companyName);
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => done(null, formOf(body)),
    );
    const params = Type.Object({ token: Type.String({ minLength: 1, maxLength: 1200 }) });
    const query = Type.Object({
      lang: Type.Optional(Type.String({ maxLength: 8 })),
      option: Type.Optional(Type.String({ maxLength: 40 })),
    });
    const schema = (summary: string) => ({
      tags: ['self-service'],
      summary,
      params,
      querystring: query,
    });

    /** Runs a page's action: a refused link's page, a form's problems, or the action's page. */
    const handle = async (
      reply: FastifyReply,
      lang: string | undefined,
      token: string,
      fn: () => Promise<{ status?: number; html: (lang: Lang) => string; language?: string }>,
    ) => {
      try {
        const r = await fn();
        return send(reply, r.status ?? 200, r.html(langOf(lang, r.language ?? 'en')));
      } catch (e) {
        const l = langOf(lang, 'en');
        if (e instanceof LinkRefused)
          return send(reply, e.reason === 'expired' ? 410 : 403, refusedPage(l, e));
        if (
          e instanceof AppError &&
          (e.code === 'VALIDATION' || e.code === 'CONFLICT' || e.code === 'INVALID_STATE')
        )
          return send(
            reply,
            e.code === 'VALIDATION' ? 400 : 409,
            donePage(
              l,
              token,
              `<p>${escapeHtml(e.message)}</p><ul>${e.details.map((d) => `<li>${escapeHtml(`${d.at}: ${d.reason}`)}</li>`).join('')}</ul>`,
              false,
            ),
          );
        throw e;
      }
    };
    /** The customer's language, for the pages after a form (the link was already checked). */
    const languageOf = async (token: string) => (await viewLanguage(token)) ?? 'en';
    const viewLanguage = async (token: string) => {
      const text = deps.signer.open(token);
      const account = text === null ? undefined : parsePayloadText(text)?.account;
      if (!account) return null;
      const acc = await p.ledger.account(account);
      return acc ? ((await p.ledger.customer(acc.customerId))?.language ?? null) : null;
    };

    app.get(
      '/s/:token',
      {
        config: { roles: 'public' },
        schema: schema('The self-service page of a link'),
      },
      async (req, reply) =>
        handle(reply, req.query.lang, req.params.token, async () => {
          const v = await viewPage(deps, req.params.token);
          return { html: (l) => accountPage(v, l, req.params.token), language: v.language };
        }),
    );

    app.get(
      '/s/:token/plan',
      {
        config: { roles: 'public' },
        schema: schema('The schedule of a plan option, before the customer agrees'),
      },
      async (req, reply) =>
        handle(reply, req.query.lang, req.params.token, async () => {
          const r = await previewFromPage(deps, req.params.token, req.query.option ?? '');
          const cur = r.preview.currency;
          return {
            language: r.language,
            html: (l) => {
              const loc = localeOf(l);
              const m = (x: number) => formatMoney(x, cur, loc);
              return page(
                l,
                t(l, 'schedule'),
                `<h1>${t(l, 'schedule')}</h1><section><p>${escapeHtml(optionLine(r.option, { currency: cur }, l))}</p><table>${r.preview.payments
                  .map(
                    (x) =>
                      `<tr><td>${escapeHtml(formatDate(x.dueDate, loc))}</td><td>${escapeHtml(m(x.amountMinor))}</td></tr>`,
                  )
                  .join(
                    '',
                  )}<tr><td><b>${t(l, 'total')}</b></td><td><b>${escapeHtml(m(r.option.totalMinor))}</b></td></tr></table>
<form method="post" action="/s/${req.params.token}/plan?lang=${l}">${requestField()}<input type="hidden" name="option" value="${escapeHtml(r.option.id)}">
<button type="submit">${t(l, 'agree')}</button></form></section><a href="/s/${req.params.token}?lang=${l}">${t(l, 'back')}</a>`,
                `&option=${encodeURIComponent(r.option.id)}`,
              );
            },
          };
        }),
    );

    app.post(
      '/s/:token/plan',
      {
        config: { roles: 'public' },
        schema: schema('Agree to a plan option'),
      },
      async (req, reply) =>
        handle(reply, req.query.lang, req.params.token, async () => {
          const f = formOf(req.body);
          const r = await choosePlanFromPage(deps, req.params.token, {
            option: one(f.option),
            request: one(f.request),
          });
          const first = r.plan.payments[0];
          return {
            status: r.created ? 201 : 200,
            language: await languageOf(req.params.token),
            html: (l) =>
              donePage(
                l,
                req.params.token,
                `<p>${t(l, 'planDone')}${first ? `: ${escapeHtml(formatMoney(first.amountMinor, r.plan.currency, localeOf(l)))}, ${escapeHtml(formatDate(first.dueDate as LocalDate, localeOf(l)))}` : ''}</p>`,
              ),
          };
        }),
    );

    app.post(
      '/s/:token/promise',
      {
        config: { roles: 'public' },
        schema: schema('Promise to pay'),
      },
      async (req, reply) =>
        handle(reply, req.query.lang, req.params.token, async () => {
          const f = formOf(req.body);
          const r = await promiseFromPage(deps, req.params.token, {
            amount: one(f.amount),
            promisedFor: one(f.promisedFor),
            request: one(f.request),
          });
          return {
            status: r.created ? 201 : 200,
            language: await languageOf(req.params.token),
            html: (l) =>
              donePage(
                l,
                req.params.token,
                `<p>${t(l, 'promiseDone')}${escapeHtml(formatMoney(r.promise.amountMinor, r.promise.currency, localeOf(l)))} ${t(l, 'on')} ${escapeHtml(formatDate(r.promise.promisedFor, localeOf(l)))}</p>`,
              ),
          };
        }),
    );

    app.post(
      '/s/:token/preferences',
      {
        config: { roles: 'public' },
        schema: schema('Contact preferences: opt-outs and the hours we may call'),
      },
      async (req, reply) =>
        handle(reply, req.query.lang, req.params.token, async () => {
          const f = formOf(req.body);
          const r = await preferencesFromPage(deps, req.params.token, {
            optOut: many(f.optOut),
            hoursFrom: one(f.hoursFrom) || undefined,
            hoursTo: one(f.hoursTo) || undefined,
            request: one(f.request),
          });
          return {
            status: r.repeated ? 200 : 201,
            language: await languageOf(req.params.token),
            html: (l) =>
              donePage(
                l,
                req.params.token,
                `<p>${t(l, 'prefDone')}</p>${
                  r.outcome.optedOut.length > 0
                    ? `<p>${t(l, 'stopped')}: ${r.outcome.optedOut.map((c) => t(l, c as 'sms')).join(', ')}</p>`
                    : ''
                }`,
              ),
          };
        }),
    );

    app.post(
      '/s/:token/statement',
      {
        config: { roles: 'public' },
        schema: schema('State hardship or a dispute (a hold and a review)'),
      },
      async (req, reply) =>
        handle(reply, req.query.lang, req.params.token, async () => {
          const f = formOf(req.body);
          const r = await statementFromPage(deps, req.params.token, {
            kind: one(f.kind),
            text: one(f.text),
            request: one(f.request),
          });
          return {
            status: r.repeated ? 200 : 201,
            language: await languageOf(req.params.token),
            html: (l) => donePage(l, req.params.token, `<p>${t(l, 'statementDone')}</p>`),
          };
        }),
    );

    app.post(
      '/s/:token/payment',
      {
        config: { roles: 'public' },
        schema: schema('Say a payment is being made: its reference'),
      },
      async (req, reply) =>
        handle(reply, req.query.lang, req.params.token, async () => {
          const f = formOf(req.body);
          const r = await paymentIntentFromPage(deps, req.params.token, {
            amount: one(f.amount),
            request: one(f.request),
          });
          return {
            status: r.created ? 201 : 200,
            language: await languageOf(req.params.token),
            html: (l) =>
              donePage(
                l,
                req.params.token,
                `<p>${t(l, 'reference')}:</p><p class="big">${escapeHtml(r.intent.reference)}</p><p>${escapeHtml(formatMoney(r.intent.amountMinor, r.intent.currency, localeOf(l)))}</p>`,
              ),
          };
        }),
    );

    app.get(
      '/api/self-service/:token',
      {
        config: { roles: 'public' },
        schema: { tags: ['self-service'], summary: 'The self-service page as JSON', params },
      },
      async (req, reply) => {
        try {
          return await viewPage(deps, req.params.token);
        } catch (e) {
          if (e instanceof LinkRefused)
            return reply
              .code(e.reason === 'expired' ? 410 : 403)
              .send({ code: e.reason === 'expired' ? 'EXPIRED' : 'FORBIDDEN', message: e.message });
          throw e;
        }
      },
    );
  };
}
