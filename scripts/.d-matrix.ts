import { readFileSync, writeFileSync } from 'node:fs';
import { permissionMatrixMarkdown } from '../packages/domain/src/permissions';
const p = 'docs/security.md';
const s = readFileSync(p, 'utf8');
const out = s.replace(/(<!-- permission-matrix:start -->\n)[\s\S]*?(\n<!-- permission-matrix:end -->)/, `$1${permissionMatrixMarkdown()}$2`);
writeFileSync(p, out);
