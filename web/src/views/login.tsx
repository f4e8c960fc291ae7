/** Signing in: user name and password; throttled attempts say when to try again. */
import { useEffect, useState } from 'react';
import { ApiError, get, post } from '../api.ts';
import { LOCALES, useI18n, type Locale } from '../i18n/index.tsx';
import type { User } from '../session.ts';

export function Login({
  onSignedIn,
  locale,
  onLocale,
}: {
  onSignedIn: (u: User, csrfToken: string) => void;
  locale: Locale;
  onLocale: (l: Locale) => void;
}) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // the demo's users are named only where they exist
  const [demo, setDemo] = useState<string | null>(null);
  useEffect(() => {
    get<{ demoPassword?: string }>('/health').then(
      (h) => setDemo(h.demoPassword ?? null),
      () => {},
    );
  }, []);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await post<{ user: User; csrfToken: string }>('/api/auth/login', {
        username,
        password,
      });
      onSignedIn(r.user, r.csrfToken);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'THROTTLED') {
        const d = Array.isArray(err.details)
          ? (err.details as { at: string; reason: string }[])
          : [];
        const seconds = Number(d.find((x) => x.at === 'retryAfter')?.reason ?? 900);
        setError(t('login.throttled', { minutes: Math.ceil(seconds / 60) }));
      } else setError(t('login.failed'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="login">
      <form onSubmit={submit} className="card">
        <h1>{t('login.title')}</h1>
        <label className="field">
          <span>{t('login.username')}</span>
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
            autoFocus
          />
        </label>
        <label className="field">
          <span>{t('login.password')}</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t('login.submit')}
        </button>
        {demo && <p className="muted small">{t('login.demo', { password: demo })}</p>}
        <select
          aria-label={t('shell.language')}
          value={locale}
          onChange={(e) => onLocale(e.target.value as Locale)}
        >
          {LOCALES.map((l) => (
            <option key={l} value={l}>
              {l === 'en' ? 'English' : '简体中文'}
            </option>
          ))}
        </select>
      </form>
    </div>
  );
}
