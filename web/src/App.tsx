/**
 * The console's shell: sign-in, the navigation the user's role allows, the language switch and
 * sign-out, and the current view (each view its own file, loaded when first opened).
 */
import { lazy, Suspense, useEffect, useState, type ComponentType } from 'react';
import { get, patch, post, prefetch, setCsrfToken, whenSignedOut } from './api.ts';
import { OVERVIEW_PATH } from './views/overview-path.ts';
import { I18nProvider, isLocale, LOCALES, useI18n, type Locale } from './i18n/index.tsx';
import { parseHash, useRoute, href } from './router.ts';
import { SessionCtx, type User } from './session.ts';
import { Loading, ViewBoundary } from './components/ui.tsx';
import { Login } from './views/login.tsx';
import { homeView, isView, mayOpen, viewsFor, type View } from '../../src/domain/access/views.ts';

const LOADERS: Record<View, () => Promise<{ default: ComponentType }>> = {
  overview: () => import('./views/overview.tsx'),
  monitoring: () => import('./views/monitoring.tsx'),
  strategies: () => import('./views/strategies.tsx'),
  customers: () => import('./views/customers.tsx'),
  desk: () => import('./views/desk.tsx'),
  field: () => import('./views/field.tsx'),
  performance: () => import('./views/performance.tsx'),
  incentives: () => import('./views/incentives.tsx'),
  training: () => import('./views/training.tsx'),
  compliance: () => import('./views/compliance.tsx'),
  admin: () => import('./views/admin.tsx'),
};
const VIEW_COMPONENTS = Object.fromEntries(
  Object.entries(LOADERS).map(([v, load]) => [v, lazy(load)]),
) as unknown as Record<View, ComponentType>;

// the view in the address starts loading with the page, beside the session check
const bootView = parseHash(location.hash).view;
if (isView(bootView)) void LOADERS[bootView]().catch(() => {});
if (bootView === 'overview') prefetch(OVERVIEW_PATH);

const LOCALE_KEY = 'recoup.locale';

function initialLocale(): Locale {
  const saved = localStorage.getItem(LOCALE_KEY);
  if (isLocale(saved)) return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function App() {
  const [locale, setLocale] = useState<Locale>(initialLocale);
  const [user, setUser] = useState<User | null | undefined>(undefined);

  useEffect(() => {
    whenSignedOut(() => setUser(null));
    get<{ user: User; csrfToken: string | null }>('/api/auth/me').then(
      (me) => {
        setCsrfToken(me.csrfToken);
        setUser(me.user);
      },
      () => setUser(null),
    );
  }, []);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const changeLocale = (l: Locale) => {
    setLocale(l);
    localStorage.setItem(LOCALE_KEY, l);
    if (user) void patch('/api/auth/me', { locale: l }).catch(() => {});
  };

  return (
    <I18nProvider locale={locale}>
      {user === undefined ? (
        <Loading />
      ) : user === null ? (
        <Login
          locale={locale}
          onLocale={changeLocale}
          onSignedIn={(u, token) => {
            setCsrfToken(token);
            setUser(u);
            if (!localStorage.getItem(LOCALE_KEY) && isLocale(u.locale)) setLocale(u.locale);
            const r = parseHash(location.hash);
            if (!isView(r.view) || !mayOpen(u.role, r.view)) location.hash = href(homeView(u.role));
          }}
        />
      ) : (
        <SessionCtx.Provider value={user}>
          <Shell
            user={user}
            locale={locale}
            onLocale={changeLocale}
            onSignOut={async () => {
              await post('/api/auth/logout').catch(() => {});
              setCsrfToken(null);
              setUser(null);
            }}
          />
        </SessionCtx.Provider>
      )}
    </I18nProvider>
  );
}

function Shell({
  user,
  locale,
  onLocale,
  onSignOut,
}: {
  user: User;
  locale: Locale;
  onLocale: (l: Locale) => void;
  onSignOut: () => void;
}) {
  const { t } = useI18n();
  const route = useRoute();
  const views = viewsFor(user.role);
  const view = route.view === '' ? homeView(user.role) : route.view;
  useEffect(() => {
    if (route.view === '') location.replace(href(homeView(user.role)));
  }, [route.view, user.role]);
  const Current = isView(view) && mayOpen(user.role, view) ? VIEW_COMPONENTS[view] : null;
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href={href(homeView(user.role))}>
          <strong>{t('app.name')}</strong> <span>{t('app.tagline')}</span>
        </a>
        <nav aria-label="main">
          {views.map((v) => (
            <a key={v} href={href(v)} className={v === view ? 'active' : undefined} data-view={v}>
              {t(`nav.${v}`)}
            </a>
          ))}
        </nav>
        <div className="who">
          <label className="lang">
            <span className="sr-only">{t('shell.language')}</span>
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
          </label>
          <span className="user" data-role={user.role}>
            {user.name} · {t(`role.${user.role}`)}
          </span>
          <button onClick={onSignOut}>{t('shell.signOut')}</button>
        </div>
      </header>
      <main>
        {Current ? (
          <ViewBoundary key={view}>
            <Suspense fallback={<Loading />}>
              <Current />
            </Suspense>
          </ViewBoundary>
        ) : (
          <p className="error" role="alert" data-testid="not-allowed">
            {isView(view) ? t('shell.notAllowed') : t('shell.notFound')}
          </p>
        )}
      </main>
    </div>
  );
}
