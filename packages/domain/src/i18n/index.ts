import { en } from './en';

/**
 * Tend's one translation layer, shared by the server (validation messages) and the web app
 * (every UI string). English is the reference catalogue; another language is an object with
 * the same keys.
 */
export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;

const catalogues: Record<string, Catalogue> = { en };
let current: Catalogue = en;

export function setLanguage(language: string): void {
  current = catalogues[language] ?? en;
}

export function registerCatalogue(language: string, catalogue: Catalogue): void {
  catalogues[language] = catalogue;
}

/** Translate `key`, replacing `{name}` placeholders with `vars.name`. */
export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  const template = current[key] ?? en[key] ?? key;
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
