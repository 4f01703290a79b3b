import { type ErrorCode, type FieldError, isErrorBody, t } from '@tend/domain';
import { reportReachable, reportUnreachable } from '../offline/connectivity';

/**
 * The one way the web app talks to the API: JSON in, JSON out, same-origin session cookie.
 * Errors become `ApiError` (the server's `{ error: { code, message, fields, details } }`).
 *
 * It also implements the lock screen's contract: while the app is locked no request leaves the
 * browser (they wait), and a request refused because the session idled out locks the app and
 * is sent again once the user has unlocked — so a form submitted at the wrong moment is not lost.
 */

export type ClientErrorCode = ErrorCode | 'network' | 'unexpected';

export class ApiError extends Error {
  readonly status: number;
  readonly code: ClientErrorCode;
  readonly fields: FieldError[];
  readonly details: unknown;

  constructor(status: number, code: ClientErrorCode, message: string, fields: FieldError[] = [], details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.details = details;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface ApiOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, QueryValue>;
  /** Polling and other requests the user did not cause: they must not keep the session alive. */
  background?: boolean;
  signal?: AbortSignal;
  /**
   * Sign-in, setup and session probes: sent even while locked, and a 401 is returned to the
   * caller instead of locking the app or going back to the sign-in page.
   */
  authFlow?: boolean;
}

interface AuthHandlers {
  /** A request was refused because the session idled out (or ended while the app was locked). */
  onSessionExpired: () => void;
  /** A request was refused because nobody is signed in any more. */
  onUnauthenticated: () => void;
}

let handlers: AuthHandlers = { onSessionExpired: () => undefined, onUnauthenticated: () => undefined };

export function setAuthHandlers(next: AuthHandlers): void {
  handlers = next;
}

// ---- The lock gate ------------------------------------------------------------------------

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

let locked = false;
const waiters = new Set<Waiter>();

/** Holds back every request until `openRequests()`. */
export function holdRequests(): void {
  locked = true;
}

/** Lets held requests go, in the order they were made. */
export function openRequests(): void {
  locked = false;
  for (const waiter of [...waiters]) waiter.resolve();
  waiters.clear();
}

/** Fails every held request (someone else signs in: the old user's requests must not be sent). */
export function dropHeldRequests(): void {
  locked = false;
  const error = new ApiError(401, 'unauthenticated', t('error.signedOut'));
  for (const waiter of [...waiters]) waiter.reject(error);
  waiters.clear();
}

export function requestsHeld(): boolean {
  return locked;
}

function waitUntilOpen(): Promise<void> {
  if (!locked) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    waiters.add({ resolve, reject });
  });
}

// ---- Activity bookkeeping -----------------------------------------------------------------

let lastForegroundRequestAt = Date.now();

/** When the last request that counts as activity left (the idle tracker's heartbeat uses it). */
export function lastForegroundRequest(): number {
  return lastForegroundRequestAt;
}

// ---- Requests -----------------------------------------------------------------------------

function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  const url = `/api${path}`;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${url}?${search}` : url;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toApiError(status: number, body: unknown): ApiError {
  if (isErrorBody(body)) {
    const { code, message, fields, details } = body.error;
    return new ApiError(status, code, message, fields ?? [], details);
  }
  return new ApiError(status, 'unexpected', t('error.unexpected', { status }));
}

/** No working Tend behind the address (a proxy's error page, or Tend without its database). */
const GATEWAY_STATUSES = new Set([502, 503, 504]);

export async function api<T>(path: string, options: ApiOptions = {}, retried = false): Promise<T> {
  if (!options.authFlow) await waitUntilOpen();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.background) headers['x-tend-background'] = '1';
  // Double-submit CSRF token: the server refuses a signed-in change without it.
  const csrf = /(?:^|;\s*)tend_csrf=([^;]+)/.exec(globalThis.document?.cookie ?? '')?.[1];
  if (csrf) headers['x-tend-csrf'] = csrf;
  if (!options.background) lastForegroundRequestAt = Date.now();

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    reportUnreachable();
    throw new ApiError(0, 'network', t('error.network'));
  }
  if (GATEWAY_STATUSES.has(response.status)) reportUnreachable();
  else reportReachable();

  const body = await readBody(response);
  if (response.ok) return body as T;

  const error = toApiError(response.status, body);
  if (response.status === 401 && !options.authFlow) {
    // Refused because the session idled out — or because the app locked (and ended the session)
    // while this request was on its way: lock, and send it again after the unlock.
    if (error.code === 'session_expired' || requestsHeld()) {
      handlers.onSessionExpired();
      if (!retried) return api<T>(path, options, true);
    } else {
      handlers.onUnauthenticated();
    }
  }
  throw error;
}

export const http = {
  get: <T>(path: string, query?: Record<string, QueryValue>, options: Omit<ApiOptions, 'query'> = {}) =>
    api<T>(path, { ...options, query }),
  post: <T>(path: string, body?: unknown, options: ApiOptions = {}) =>
    api<T>(path, { ...options, method: 'POST', body: body ?? {} }),
  put: <T>(path: string, body: unknown, options: ApiOptions = {}) => api<T>(path, { ...options, method: 'PUT', body }),
  patch: <T>(path: string, body: unknown, options: ApiOptions = {}) =>
    api<T>(path, { ...options, method: 'PATCH', body }),
  delete: <T = void>(path: string, options: ApiOptions = {}) => api<T>(path, { ...options, method: 'DELETE' }),
};

/** A file the API sends (an 837P, a PDF): its bytes and the name from `content-disposition`. */
export async function apiFile(
  path: string,
  query?: Record<string, QueryValue>,
  accept?: string,
): Promise<{ blob: Blob; filename: string | null }> {
  await waitUntilOpen();
  lastForegroundRequestAt = Date.now();
  let response: Response;
  try {
    response = await fetch(buildUrl(path, query), {
      credentials: 'same-origin',
      headers: accept ? { accept } : undefined,
    });
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  if (!response.ok) {
    const error = toApiError(response.status, await readBody(response));
    if (response.status === 401) handlers.onUnauthenticated();
    throw error;
  }
  const disposition = response.headers.get('content-disposition') ?? '';
  const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? null;
  return { blob: await response.blob(), filename };
}

/** Saves a file from the API to the user's downloads, under the server's file name. */
export async function downloadFromApi(
  path: string,
  query: Record<string, QueryValue> | undefined,
  fallbackName: string,
  accept?: string,
): Promise<string> {
  const { blob, filename } = await apiFile(path, query, accept);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename ?? fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return link.download;
}
