/**
 * The console's one way to the server: JSON over fetch with the session cookie, the CSRF
 * token on every change, and the server's error body (code, message, details) as an ApiError.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
export const setCsrfToken = (t: string | null) => {
  csrfToken = t;
};

/** Called when the server says the session is gone, so the shell can show the sign-in. */
let onSignedOut: () => void = () => {};
export const whenSignedOut = (f: () => void) => {
  onSignedOut = f;
};

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data: unknown = text && isJson(res) ? JSON.parse(text) : text;
  if (!res.ok) {
    const e = (data ?? {}) as { code?: string; message?: string; details?: unknown };
    if (res.status === 401 && !path.endsWith('/auth/login')) onSignedOut();
    throw new ApiError(
      res.status,
      e.code ?? 'HTTP_' + res.status,
      e.message ?? res.statusText,
      e.details,
    );
  }
  return data as T;
}

const isJson = (r: Response) => (r.headers.get('content-type') ?? '').includes('json');

const early = new Map<string, Promise<unknown>>();

/**
 * Starts a GET now (while the page's scripts are still loading), for the view that will ask for
 * it; the first `get` of that path takes the answer, or asks again if it failed.
 */
export function prefetch(path: string): void {
  const p = api('GET', path);
  p.catch(() => {});
  early.set(path, p);
}

export const get = <T>(path: string): Promise<T> => {
  const p = early.get(path);
  if (!p) return api<T>('GET', path);
  early.delete(path);
  return p.then(
    (x) => x as T,
    () => api<T>('GET', path),
  );
};
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);

/** A query string from the defined entries. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? '?' + s : '';
}
