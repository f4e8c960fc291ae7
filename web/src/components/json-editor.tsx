/**
 * A settings document edited as JSON: the text is checked as it is typed (a syntax error named
 * in place), saved to the server, and the server's validation errors shown with their paths.
 */
import { useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { ErrorNote, useAction } from './ui.tsx';

export function JsonEditor<T>({
  value,
  onSave,
  readOnly = false,
  rows = 20,
  label,
  testId,
}: {
  value: T;
  /** Saves the document; the server's answer becomes the text shown. */
  onSave: (doc: unknown) => Promise<T>;
  readOnly?: boolean;
  rows?: number;
  label: string;
  testId?: string;
}) {
  const { t } = useI18n();
  const [saved, setSaved] = useState(() => JSON.stringify(value, null, 2));
  const [text, setText] = useState(saved);
  const syntax = parseError(text);
  const save = useAction(async () => {
    const r = await onSave(JSON.parse(text));
    const s = JSON.stringify(r, null, 2);
    setSaved(s);
    setText(s);
  });
  const changed = text !== saved;
  return (
    <div className="json-editor">
      <textarea
        aria-label={label}
        data-testid={testId}
        rows={rows}
        spellCheck={false}
        readOnly={readOnly}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          save.clear();
        }}
      />
      {syntax && (
        <p className="bad small" role="alert">
          {t('admin.jsonInvalid', { message: syntax })}
        </p>
      )}
      {save.error && <ErrorNote error={save.error} />}
      {!readOnly && (
        <div className="form-row">
          <button
            className="primary"
            disabled={!changed || syntax !== null || save.busy}
            onClick={() => void save.run()}
          >
            {t('common.save')}
          </button>
          <button disabled={!changed || save.busy} onClick={() => setText(saved)}>
            {t('admin.revert')}
          </button>
          {save.done && !changed && <span className="ok">{t('common.saved')}</span>}
        </div>
      )}
    </div>
  );
}

function parseError(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
