import AxeBuilder from '@axe-core/playwright';
import { type APIRequestContext, expect, type Page, request } from '@playwright/test';

/**
 * The API calls the tests make with Playwright's request contexts (`page.request`, a context's
 * `request`) send the CSRF header as the web app does (apps/web/src/api/client.ts): a change
 * carries `x-tend-csrf` with the value of the session's `tend_csrf` cookie.
 */
const probe = await request.newContext();
const requestContext = Object.getPrototypeOf(probe) as APIRequestContext;
await probe.dispose();
const fetchOriginal = requestContext.fetch;
type Fetch = APIRequestContext['fetch'];
requestContext.fetch = async function (this: APIRequestContext, ...[urlOrRequest, options = {}]: Parameters<Fetch>) {
  const method = (options.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD' && !options.headers?.['x-tend-csrf']) {
    const csrf = (await this.storageState()).cookies.find((cookie) => cookie.name === 'tend_csrf');
    if (csrf) options = { ...options, headers: { ...options.headers, 'x-tend-csrf': csrf.value } };
  }
  return fetchOriginal.call(this, urlOrRequest, options);
} as Fetch;

/** What the page's `document.getAnimations()` gives (the e2e code has no DOM types). */
interface Animation {
  playState: string;
  effect: { getTiming(): { iterations?: number } } | null;
}

/** Accounts the setup test creates; the other tests sign in with them. */
export const ADMIN = { name: 'Alice Admin', email: 'alice@riverside.test', password: 'riverside-admin-2026' };
export const RECEPTIONIST = { name: 'Rita Reyes', email: 'rita@riverside.test', password: 'front-desk-pass-2026' };
export const CLINIC = 'Riverside Family Clinic';

export async function signIn(page: Page, account: { email: string; password: string }): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation')).toBeVisible();
}

/**
 * Runs axe on the page and fails on any serious or critical violation, naming them. Judged at
 * rest: a notification fading in or out is half transparent, which axe reads as too little
 * contrast — so the page's finite animations are waited for (endless ones, like a loader's spin,
 * are not), and a violation must still be there when checked a second time.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const seriousNow = async () => {
    await page.waitForFunction(() =>
      (globalThis as unknown as { document: { getAnimations(): Animation[] } }).document
        .getAnimations()
        .every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
    );
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    return results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  };
  const first = await seriousNow();
  const serious = first.length ? await seriousNow() : first;
  expect(serious, `accessibility violations on ${what}`).toEqual([]);
}

/** Opens a menu entry by its exact name: home-page tiles are links too ("Claims ready to submit"). */
export async function openMenu(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
}

export interface StoredCopy {
  userId: string;
  copy: { takenAt: string; locationName?: string | null; patients: Array<{ name: string }> };
}

/**
 * The device's offline copy, read straight from IndexedDB (null when there is none). Runs in the
 * page; the e2e code has no DOM types, hence the source text.
 */
export function storedCopy(page: Page): Promise<StoredCopy | null> {
  return page.evaluate(`(async () => {
    if (!(await indexedDB.databases()).some((d) => d.name === 'tend-offline')) return null;
    return new Promise((resolve, reject) => {
      const open = indexedDB.open('tend-offline');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('copies')) {
          db.close();
          return resolve(null);
        }
        const all = db.transaction('copies').objectStore('copies').getAll();
        all.onsuccess = () => {
          db.close();
          resolve(all.result[0] ?? null);
        };
      };
    });
  })()`);
}
