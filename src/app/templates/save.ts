/** Saving a template: checked first, so a template naming an unknown variable is never stored. */
import { checkTemplate, type MessageTemplate } from '../../domain/templates/templates.ts';
import { invalid } from '../shared/errors.ts';
import type { DispatchStore } from '../dispatch/ports.ts';

export async function saveTemplate(
  store: Pick<DispatchStore, 'saveTemplate'>,
  t: MessageTemplate,
  by: string,
): Promise<{ version: number }> {
  const errors = checkTemplate(t);
  if (errors.length > 0)
    throw invalid(
      `template ${t.id} (${t.channel}, ${t.language}) is not valid`,
      errors.map((e) => ({ at: e.field, reason: e.reason })),
    );
  return { version: await store.saveTemplate(t, by) };
}
