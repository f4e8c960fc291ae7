/**
 * Template preview: a template filled with an account's real figures as of today (what is due,
 * the itemised bill, the customer's language and currency), so a strategy manager sees the
 * message a customer would get.
 */
import { DEFAULT_TEMPLATES } from '../../domain/templates/catalog.ts';
import {
  checkTemplate,
  renderTemplate,
  templateValues,
  type MessageTemplate,
  type Rendered,
} from '../../domain/templates/templates.ts';
import { accountDetail, type LedgerDeps } from '../ledger/ledger-service.ts';
import { invalid, notFound } from '../shared/errors.ts';
import type { LinkSigner } from '../selfservice/ports.ts';
import { signLink } from '../selfservice/links.ts';

export interface PreviewInput {
  /** A template from the catalogue, by id and channel; or `template` to try one out. */
  id?: string;
  channel?: string;
  template?: MessageTemplate;
  accountId: string;
  /** Default: the customer's language. */
  language?: string;
}

export interface PreviewSettings {
  companyName: string;
  /** Base of the customer-facing links. */
  publicUrl: string;
  /** Signs the preview's self-service link (purpose `preview`: the page refuses it). */
  links?: { signer: LinkSigner; days: number } | undefined;
}

export async function previewTemplate(
  deps: LedgerDeps,
  settings: PreviewSettings,
  input: PreviewInput,
): Promise<Rendered & { language: string }> {
  const account = await accountDetail(deps, input.accountId);
  const customer = await deps.ledger.customer(account.customerId);
  if (!customer) throw notFound(`customer ${account.customerId}`);
  const language = input.language ?? customer.language;
  let template = input.template;
  if (!template) {
    const candidates = DEFAULT_TEMPLATES.filter(
      (t) => t.id === input.id && t.channel === input.channel,
    );
    template =
      candidates.find((t) => t.language === language) ??
      candidates.find((t) => language.startsWith(t.language.slice(0, 2))) ??
      candidates.find((t) => t.language === 'en');
    if (!template) throw notFound(`template ${input.id} for ${input.channel}`);
  }
  const errors = checkTemplate(template);
  if (errors.length > 0)
    throw invalid(
      'the template is not valid',
      errors.map((e) => ({ at: e.field, reason: e.reason })),
    );
  const live = account.live;
  const unpaid = live.instalments.filter((i) => i.fallenDue && i.unpaid > 0);
  const values = templateValues({
    customerName: customer.name,
    companyName: settings.companyName,
    accountId: account.id,
    currency: account.currency,
    language,
    amountDue:
      unpaid.reduce((n, i) => n + i.unpaid, 0) ||
      (live.instalments.find((i) => !i.fallenDue)?.unpaid ?? 0),
    outstanding: live.outstanding,
    dueDate: live.overdueDueDate ?? live.nextDueDate,
    daysPastDue: live.pastDueDays,
    paymentReference: account.id,
    paymentLink: settings.links
      ? `${settings.publicUrl}/s/${signLink(settings.links.signer, account.id, 'preview', deps.clock.now(), 1).token}`
      : settings.publicUrl,
    optOutLink: `${settings.publicUrl}/preferences/${encodeURIComponent(account.id)}`,
    bill: unpaid.map((i) => ({
      seq: i.seq,
      dueDate: i.dueDate,
      principal: i.due.principal,
      interest: i.due.interest,
      fees: i.due.fees,
      unpaid: i.unpaid,
    })),
  });
  return { ...renderTemplate(template, values), language };
}
