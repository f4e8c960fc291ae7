import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStrategy } from '../strategy/validate.ts';
import { DEFAULT_TEMPLATES } from './catalog.ts';
import {
  checkTemplate,
  formatMoney,
  renderTemplate,
  templateValues,
  type MessageFacts,
  type MessageTemplate,
} from './templates.ts';

const facts = (over: Partial<MessageFacts> = {}): MessageFacts => ({
  customerName: 'Ann <Lee> & "Co"',
  companyName: 'Acme Credit',
  accountId: 'A00001234',
  currency: 'USD',
  language: 'en-US',
  amountDue: 123450,
  outstanding: 987650,
  dueDate: '2026-03-05',
  daysPastDue: 12,
  paymentReference: 'R-77',
  paymentLink: 'https://pay.example.com/x?a=1&b=2',
  optOutLink: 'https://pay.example.com/stop/abc',
  bill: [
    { seq: 1, dueDate: '2026-02-05', principal: 90000, interest: 8000, fees: 2000, unpaid: 50000 },
    { seq: 2, dueDate: '2026-03-05', principal: 90000, interest: 8000, fees: 2000, unpaid: 73450 },
  ],
  ...over,
});

describe('templates', () => {
  it('rejects unknown variables, stray braces, missing subjects and opt-out links', () => {
    const t: MessageTemplate = {
      id: 'x',
      channel: 'email',
      language: 'en',
      body: 'Hi {{customer_nme}},\nsee {{ amount_due }} }}',
    };
    expect(checkTemplate(t)).toEqual([
      { field: 'subject', reason: 'is required for e-mails and letters' },
      { field: 'body', reason: 'line 1, column 4: unknown variable "customer_nme"' },
      { field: 'body', reason: 'line 2: unbalanced {{ or }}' },
      { field: 'body', reason: 'an e-mail must carry {{opt_out_link}}' },
    ]);
    expect(
      checkTemplate({
        id: 's',
        channel: 'sms',
        language: 'en',
        body: '{{itemised_bill}} {{opt_out_link}}',
      }),
    ).toEqual([{ field: 'body', reason: 'line 1: an SMS cannot carry the itemised bill' }]);
  });

  it('formats money exactly for the currency and language', () => {
    expect(formatMoney(123450, 'USD', 'en-US')).toBe('$1,234.50');
    expect(formatMoney(123450, 'CNY', 'zh-CN')).toBe('¥1,234.50');
    expect(formatMoney(12000, 'JPY', 'en-US')).toBe('¥12,000');
    // beyond 2^53 / 100 a float would lose the cents; the decimal string keeps them
    expect(formatMoney(900719925474099, 'USD', 'en-US')).toBe('$9,007,199,254,740.99');
  });

  it('renders text and escaped HTML, with the itemised bill', () => {
    const t = DEFAULT_TEMPLATES.find(
      (x) => x.id === 'overdue_itemised_bill' && x.language === 'en',
    )!;
    const r = renderTemplate(t, templateValues(facts()));
    expect(r.subject).toBe('Your account ****1234: $1,234.50 overdue');
    expect(r.text).toContain('Dear Ann <Lee> & "Co",');
    expect(r.text).toContain(
      '#1 due February 5, 2026: principal $900.00, interest $80.00, fees $20.00, unpaid $500.00',
    );
    expect(r.text).toContain('Total due: $1,234.50');
    expect(r.html).toContain('Dear Ann &lt;Lee&gt; &amp; &quot;Co&quot;,');
    expect(r.html).toContain('https://pay.example.com/x?a=1&amp;b=2');
    expect(r.html).toContain('<a href="https://pay.example.com/stop/abc">');
    expect(r.html).not.toContain('<Lee>');
  });

  it('renders Chinese with Chinese dates and amounts', () => {
    const t = DEFAULT_TEMPLATES.find((x) => x.id === 'pre_due_reminder' && x.language === 'zh-CN')!;
    const r = renderTemplate(
      t,
      templateValues(facts({ language: 'zh-CN', currency: 'CNY', customerName: '王伟' })),
    );
    expect(r.text).toBe(
      '【Acme Credit】您尾号****1234的账户将于2026年3月5日到期应还¥1,234.50。还款：https://pay.example.com/x?a=1&b=2 参考号R-77。退订：https://pay.example.com/stop/abc',
    );
    expect(r.html).toBeUndefined();
  });

  it('ships a valid template in English and Chinese for every message the default strategy sends', () => {
    for (const t of DEFAULT_TEMPLATES)
      expect(checkTemplate(t), `${t.id} ${t.language}`).toEqual([]);
    const strategy = parseStrategy(readFileSync('strategies/default.yaml', 'utf8'));
    if (!strategy.ok) throw new Error('default strategy invalid');
    const messages = strategy.strategy.segments.flatMap((s) =>
      s.steps
        .filter((st) => ['sms', 'email', 'letter'].includes(st.channel))
        .map((st) => [st.template, st.channel]),
    );
    expect(messages.length).toBeGreaterThan(5);
    for (const [id, channel] of messages) {
      for (const language of ['en', 'zh-CN']) {
        expect(
          DEFAULT_TEMPLATES.some(
            (t) => t.id === id && t.channel === channel && t.language === language,
          ),
          `${id} ${channel} ${language}`,
        ).toBe(true);
      }
    }
  });
});
