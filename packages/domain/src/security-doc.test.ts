import { existsSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { permissionMatrixMarkdown } from './permissions';

it('docs/security.md shows the permission matrix exactly as the code enforces it', () => {
  const doc = readFileSync(new URL('../../../docs/security.md', import.meta.url), 'utf8');
  const between = /<!-- permission-matrix:start -->\n([\s\S]*?)\n<!-- permission-matrix:end -->/.exec(doc);
  expect(between, 'docs/security.md lacks the permission-matrix markers').not.toBeNull();
  expect(between?.[1].trim()).toBe(permissionMatrixMarkdown());
});

it('docs/security.md names only tests that exist', () => {
  const root = new URL('../../../', import.meta.url);
  const doc = readFileSync(new URL('docs/security.md', root), 'utf8');
  const named = [...doc.matchAll(/`([\w./-]+\.(?:test|spec)\.ts)`/g)].map((m) => m[1]);
  expect(named.length).toBeGreaterThan(0);
  // Server tests are named from apps/server/src (`auth/auth.test.ts`), browser tests from the root (`e2e/…`).
  const missing = named.filter(
    (path) => !['', 'apps/server/src/', 'apps/web/src/'].some((base) => existsSync(new URL(base + path, root))),
  );
  expect(missing, 'tests named in docs/security.md that do not exist').toEqual([]);
});
