/**
 * What the report tests share to build their data sets and to figure their expected values
 * independently of the code under test: a seeded generator, local dates through Intl, plain
 * date arithmetic on YYYY-MM-DD, and a percent with one decimal.
 */

const DAY_MS = 86_400_000;

/** A small seeded generator (mulberry32): the same data set every run. */
export function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let r = Math.imul(state ^ (state >>> 15), 1 | state);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** The local date (YYYY-MM-DD) of an instant in `timeZone`. */
export const localDateIn = (timeZone: string) => (instant: Date) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);

export const plusDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The Monday of the ISO week holding `date`. */
export const mondayOf = (date: string) => plusDays(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));

/** A ratio as a percent with one decimal, or null when nothing was counted. */
export const percent = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);
