import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { permissionMatrixMarkdown } from './permissions';

it('docs/security.md shows the permission matrix exactly as the code enforces it', () => {
  const doc = readFileSync(new URL('../../../docs/security.md', import.meta.url), 'utf8');
  const between = /<!-- permission-matrix:start -->\n([\s\S]*?)\n<!-- permission-matrix:end -->/.exec(doc);
  expect(between, 'docs/security.md lacks the permission-matrix markers').not.toBeNull();
  expect(between?.[1].trim()).toBe(permissionMatrixMarkdown());
});
