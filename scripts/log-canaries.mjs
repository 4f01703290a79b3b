#!/usr/bin/env node
// "Patient data never in logs", checked after a whole test run: every log the test servers wrote
// (TEND_TEST_LOG_DIR: the API tests' apps, the browser tests' server) is searched for the
// patients the tests made — the names, phones and emails the harness's `patientBody()` wrote to
// canaries-*.txt, and the patients the browser tests type in (taken from e2e/*.ts).
//   node scripts/log-canaries.mjs <log folder>     exit 1 and the lines found when any is there
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;

/** Patient names, phones and emails the browser tests use (literals in e2e/*.ts). */
export function e2eCanaries(folder = join(ROOT, 'e2e')) {
  const found = new Set();
  const patterns = [
    /\b(?:givenName|familyName|given|family): '([^']+)'/g,
    /getByLabel\('(?:Given name|Family name|Mobile phone|Phone|Email)'\)\.fill\('([^']+)'\)/g,
  ];
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.ts'))) {
    const text = readFileSync(join(folder, file), 'utf8');
    for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.add(match[1]);
  }
  return [...found];
}

const digitsOf = (text) => text.replace(/\D/g, '');

/**
 * Compiles the canaries into a matcher: names are whole capitalised words of at least four letters
 * (case-sensitive, so "Ann" does not match "Annual"; the words of invalid input that tests send,
 * like "not-an-email" or "DROP TABLE", are no names), emails whole and case-insensitive, phones by
 * their digits (at least seven) wherever they appear with any separators.
 */
export function canaryMatcher(canaries) {
  const words = new Set();
  const emails = new Set();
  const phones = new Set();
  for (const raw of canaries) {
    const value = raw.trim();
    if (!value) continue;
    if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) emails.add(value.toLowerCase());
    else if (/^[+\d\s().-]+$/.test(value)) {
      if (digitsOf(value).length >= 7) phones.add(digitsOf(value));
    } else for (const word of value.split(/[\s-]+/)) if (/^\p{Lu}\p{Ll}[\p{L}'’]{2,}$/u.test(word)) words.add(word);
  }
  return (line) => {
    const hits = [];
    for (const word of line.match(/\p{L}[\p{L}'’]*/gu) ?? []) if (words.has(word)) hits.push(word);
    for (const email of line.match(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g) ?? [])
      if (emails.has(email.toLowerCase())) hits.push(email);
    for (const phone of line.match(/\+?\d[\d\s().-]{5,}\d/g) ?? []) if (phones.has(digitsOf(phone))) hits.push(phone);
    return hits;
  };
}

/** Every log line in `folder` (*.jsonl, *.log) that names a canary: `file:line: canary`. */
export function findLeaks(folder, extraCanaries = []) {
  const files = existsSync(folder) ? readdirSync(folder) : [];
  const canaries = [...extraCanaries];
  for (const file of files.filter((name) => /^canaries-.*\.txt$/.test(name))) {
    canaries.push(...readFileSync(join(folder, file), 'utf8').split('\n'));
  }
  const matches = canaryMatcher(canaries);
  const leaks = [];
  let lines = 0;
  for (const file of files.filter((name) => /\.(jsonl|log)$/.test(name))) {
    readFileSync(join(folder, file), 'utf8')
      .split('\n')
      .forEach((line, index) => {
        lines++;
        for (const hit of matches(line)) leaks.push(`${file}:${index + 1}: ${hit}`);
      });
  }
  return { leaks, lines, canaries: canaries.filter(Boolean).length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const folder = process.argv[2] ?? join(ROOT, '.tend-test', 'logs');
  const { leaks, lines, canaries } = findLeaks(folder, e2eCanaries());
  if (lines === 0) {
    console.error(`No test server logs in ${folder}: nothing was checked (is TEND_TEST_LOG_DIR set?).`);
    process.exit(1);
  }
  if (leaks.length) {
    console.error(`Patient data in the test servers' logs (${leaks.length}):\n${leaks.slice(0, 50).join('\n')}`);
    process.exit(1);
  }
  console.log(`No patient data in ${lines} log lines (${canaries} canaries).`);
}
