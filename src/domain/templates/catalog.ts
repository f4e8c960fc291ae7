/**
 * The templates the default strategy names, in English and Simplified Chinese. Texts are short
 * and factual: who is writing, what is due, how to pay, how to stop messages.
 */
import type { MessageTemplate } from './templates.ts';

const en = (t: Omit<MessageTemplate, 'language'>): MessageTemplate => ({ ...t, language: 'en' });
const zh = (t: Omit<MessageTemplate, 'language'>): MessageTemplate => ({ ...t, language: 'zh-CN' });

export const DEFAULT_TEMPLATES: readonly MessageTemplate[] = [
  en({
    id: 'pre_due_reminder',
    channel: 'sms',
    body: '{{company_name}}: {{amount_due}} on account {{account_ref}} is due on {{due_date}}. Pay: {{payment_link}} Ref {{payment_reference}}. Stop texts: {{opt_out_link}}',
  }),
  zh({
    id: 'pre_due_reminder',
    channel: 'sms',
    body: '【{{company_name}}】您尾号{{account_ref}}的账户将于{{due_date}}到期应还{{amount_due}}。还款：{{payment_link}} 参考号{{payment_reference}}。退订：{{opt_out_link}}',
  }),
  en({
    id: 'due_today',
    channel: 'sms',
    body: '{{company_name}}: {{amount_due}} on account {{account_ref}} is due today. Pay: {{payment_link}} Ref {{payment_reference}}. Stop texts: {{opt_out_link}}',
  }),
  zh({
    id: 'due_today',
    channel: 'sms',
    body: '【{{company_name}}】您尾号{{account_ref}}的账户今日应还{{amount_due}}。还款：{{payment_link}} 参考号{{payment_reference}}。退订：{{opt_out_link}}',
  }),
  en({
    id: 'overdue_notice_1',
    channel: 'sms',
    body: '{{company_name}}: your payment of {{amount_due}} on account {{account_ref}} is {{days_past_due}} days late. Pay or set up a plan: {{payment_link}} Stop texts: {{opt_out_link}}',
  }),
  zh({
    id: 'overdue_notice_1',
    channel: 'sms',
    body: '【{{company_name}}】您尾号{{account_ref}}的账户已逾期{{days_past_due}}天，应还{{amount_due}}。还款或申请分期：{{payment_link}} 退订：{{opt_out_link}}',
  }),
  en({
    id: 'overdue_notice_2',
    channel: 'sms',
    body: '{{company_name}}: {{amount_due}} on account {{account_ref}} is still unpaid ({{days_past_due}} days). If you are in difficulty, tell us: {{payment_link}} Stop texts: {{opt_out_link}}',
  }),
  zh({
    id: 'overdue_notice_2',
    channel: 'sms',
    body: '【{{company_name}}】您尾号{{account_ref}}的账户仍有{{amount_due}}未还（逾期{{days_past_due}}天）。如有困难请告知：{{payment_link}} 退订：{{opt_out_link}}',
  }),
  en({
    id: 'overdue_notice_3',
    channel: 'sms',
    body: '{{company_name}}: account {{account_ref}} is {{days_past_due}} days overdue with {{amount_due}} unpaid. Please pay or contact us: {{payment_link}} Stop texts: {{opt_out_link}}',
  }),
  zh({
    id: 'overdue_notice_3',
    channel: 'sms',
    body: '【{{company_name}}】您尾号{{account_ref}}的账户已逾期{{days_past_due}}天，未还{{amount_due}}。请尽快还款或联系我们：{{payment_link}} 退订：{{opt_out_link}}',
  }),
  en({
    id: 'overdue_itemised_bill',
    channel: 'email',
    subject: 'Your account {{account_ref}}: {{amount_due}} overdue',
    body: 'Dear {{customer_name}},\n\nThe following payments on account {{account_ref}} are unpaid:\n\n{{itemised_bill}}\n\nYou can pay, or set up a plan that suits you, here: {{payment_link}} (reference {{payment_reference}}). If you are in financial difficulty, please tell us: we can help.\n\n{{company_name}}\n\nTo stop e-mails about this account: {{opt_out_link}}',
  }),
  zh({
    id: 'overdue_itemised_bill',
    channel: 'email',
    subject: '您尾号{{account_ref}}的账户逾期应还{{amount_due}}',
    body: '{{customer_name}}您好：\n\n您尾号{{account_ref}}的账户以下款项尚未偿还：\n\n{{itemised_bill}}\n\n您可以在此还款或申请适合您的还款计划：{{payment_link}}（参考号{{payment_reference}}）。如您遇到经济困难，请告知我们。\n\n{{company_name}}\n\n退订本账户邮件：{{opt_out_link}}',
  }),
  en({
    id: 'demand_letter_1',
    channel: 'letter',
    subject: 'Payment reminder: account {{account_ref}}',
    body: 'Dear {{customer_name}},\n\nOur records show that {{amount_due}} on your account {{account_ref}} is {{days_past_due}} days overdue:\n\n{{itemised_bill}}\n\nPlease pay, or contact us to agree a plan: {{payment_link}}, reference {{payment_reference}}. Free, independent debt advice is available if you need it.\n\nYours sincerely,\n{{company_name}}',
  }),
  zh({
    id: 'demand_letter_1',
    channel: 'letter',
    subject: '还款提醒函：尾号{{account_ref}}账户',
    body: '尊敬的{{customer_name}}：\n\n根据我们的记录，您尾号{{account_ref}}的账户已逾期{{days_past_due}}天，应还{{amount_due}}：\n\n{{itemised_bill}}\n\n请您尽快还款，或联系我们协商还款计划：{{payment_link}}，参考号{{payment_reference}}。\n\n{{company_name}}',
  }),
  en({
    id: 'demand_letter_2',
    channel: 'letter',
    subject: 'Second notice: account {{account_ref}}',
    body: 'Dear {{customer_name}},\n\nWe wrote to you about the overdue balance on account {{account_ref}}. {{amount_due}} remains unpaid after {{days_past_due}} days:\n\n{{itemised_bill}}\n\nPlease pay or contact us within 14 days: {{payment_link}}, reference {{payment_reference}}. If you are in difficulty, tell us and we will consider a reduced or deferred plan.\n\nYours sincerely,\n{{company_name}}',
  }),
  zh({
    id: 'demand_letter_2',
    channel: 'letter',
    subject: '第二次还款通知：尾号{{account_ref}}账户',
    body: '尊敬的{{customer_name}}：\n\n我们曾就您尾号{{account_ref}}账户的逾期款项致函。截至目前已逾期{{days_past_due}}天，仍有{{amount_due}}未还：\n\n{{itemised_bill}}\n\n请于14天内还款或与我们联系：{{payment_link}}，参考号{{payment_reference}}。如有困难，我们可考虑减少或延期还款。\n\n{{company_name}}',
  }),
  en({
    id: 'final_demand',
    channel: 'letter',
    subject: 'Final notice before further action: account {{account_ref}}',
    body: 'Dear {{customer_name}},\n\nThe balance of {{outstanding}} on account {{account_ref}}, of which {{amount_due}} is {{days_past_due}} days overdue, remains unpaid:\n\n{{itemised_bill}}\n\nIf we do not hear from you within 14 days, we may pass the account to a collection agency. You can still pay or agree a plan: {{payment_link}}, reference {{payment_reference}}.\n\nYours sincerely,\n{{company_name}}',
  }),
  zh({
    id: 'final_demand',
    channel: 'letter',
    subject: '最后通知：尾号{{account_ref}}账户',
    body: '尊敬的{{customer_name}}：\n\n您尾号{{account_ref}}账户的未偿余额为{{outstanding}}，其中{{amount_due}}已逾期{{days_past_due}}天：\n\n{{itemised_bill}}\n\n如14天内未收到您的回复，我们可能将账户委托催收机构处理。您仍可还款或协商还款计划：{{payment_link}}，参考号{{payment_reference}}。\n\n{{company_name}}',
  }),
  // Fallbacks of the default strategy: a text when the courtesy call cannot be made, a letter
  // when the e-mail cannot be sent.
  en({
    id: 'pre_due_courtesy_call',
    channel: 'sms',
    body: '{{company_name}}: a reminder that {{amount_due}} on account {{account_ref}} is due on {{due_date}}. Pay: {{payment_link}} Stop texts: {{opt_out_link}}',
  }),
  zh({
    id: 'pre_due_courtesy_call',
    channel: 'sms',
    body: '【{{company_name}}】温馨提示：您尾号{{account_ref}}的账户将于{{due_date}}到期应还{{amount_due}}。还款：{{payment_link}} 退订：{{opt_out_link}}',
  }),
  en({
    id: 'overdue_itemised_bill',
    channel: 'letter',
    subject: 'Statement of overdue payments: account {{account_ref}}',
    body: 'Dear {{customer_name}},\n\nThe following payments on account {{account_ref}} are unpaid:\n\n{{itemised_bill}}\n\nYou can pay, or set up a plan, at {{payment_link}} (reference {{payment_reference}}).\n\nYours sincerely,\n{{company_name}}',
  }),
  zh({
    id: 'overdue_itemised_bill',
    channel: 'letter',
    subject: '逾期款项明细：尾号{{account_ref}}账户',
    body: '尊敬的{{customer_name}}：\n\n您尾号{{account_ref}}的账户以下款项尚未偿还：\n\n{{itemised_bill}}\n\n您可在{{payment_link}}还款或申请还款计划（参考号{{payment_reference}}）。\n\n{{company_name}}',
  }),
];
