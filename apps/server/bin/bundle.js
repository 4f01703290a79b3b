// Bundles the server for `tend` (bin/tend.js): the TypeScript sources of this package and the
// workspace packages it uses, and most npm packages they import, into one ES module file, which
// loads in a fraction of the time of ~1,000 modules compiled one at a time (docs/decisions.md).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const ENTRY = resolve(here, '../src/cli/main.ts');
export const DEFAULT_BUNDLE = resolve(here, '../dist/tend.mjs');

/**
 * npm packages loaded from node_modules rather than bundled: those that read files beside their
 * own code (PGlite's WebAssembly, pdfkit's fonts, the API explorer's pages) or hold a native
 * addon (argon2), the bundler itself, and large ones only some requests use (loaded on demand).
 */
const NOT_BUNDLED = [
  '@electric-sql/pglite',
  '@node-rs/argon2',
  '@fastify/swagger-ui',
  '@faker-js/faker',
  'esbuild',
  'nodemailer',
  'pdfkit',
  'pg-native',
  'qrcode',
  'tsx',
];

/** Besides what esbuild reads: how the bundle is made, and the exact versions installed. */
const ALWAYS_INPUTS = [fileURLToPath(import.meta.url), resolve(here, '../../../package-lock.json')];

/** One digest of the files' contents (and names): what the bundle was made from. */
export function digest(files) {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/** The bundle is current when every file it was made from still has the same content. */
export function isCurrent(bundle) {
  try {
    const made = JSON.parse(readFileSync(`${bundle}.inputs.json`, 'utf8'));
    if (!existsSync(bundle)) return false;
    return digest(made.inputs) === made.digest;
  } catch {
    return false;
  }
}

/**
 * Makes `bundle` unless it is current. Returns false when it cannot be made (a read-only
 * installation, a source that does not compile): the caller then runs the sources through tsx.
 * Several servers may start at once from one checkout: each writes its own file, then renames.
 */
export async function ensureBundle(bundle = DEFAULT_BUNDLE) {
  if (isCurrent(bundle)) return true;
  const temporary = `${bundle}.${process.pid}.tmp`;
  try {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [ENTRY],
      outfile: temporary,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      metafile: true,
      logLevel: 'silent',
      // CommonJS packages inside an ES module bundle still call `require` for Node's own modules.
      banner: {
        js: "import { createRequire as tendRequire } from 'node:module'; const require = tendRequire(import.meta.url);",
      },
      plugins: [notBundled, sourceFileUrls(bundle)],
    });
    const inputs = [...Object.keys(result.metafile.inputs).map((input) => resolve(input)), ...ALWAYS_INPUTS];
    const made = { inputs, digest: digest(inputs) };
    renameSync(temporary, bundle);
    writeFileSync(`${bundle}.inputs.json`, JSON.stringify(made));
    return true;
  } catch {
    rmSync(temporary, { force: true });
    return false;
  }
}

const notBundled = {
  name: 'tend-not-bundled',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) =>
      NOT_BUNDLED.some((name) => args.path === name || args.path.startsWith(`${name}/`))
        ? { external: true }
        : undefined,
    );
  },
};

/**
 * A source that finds a file beside itself (`new URL('./x', import.meta.url)`: the migrations, the
 * web app, the password list) must still find it from the bundle: `import.meta.url` in each of our
 * files becomes that file's own address, relative to the bundle so the checkout can move.
 */
function sourceFileUrls(bundle) {
  return {
    name: 'tend-source-file-urls',
    setup(builder) {
      builder.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes('/node_modules/')) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const fromBundle = relative(dirname(bundle), args.path).split('\\').join('/');
        return {
          contents: source.replaceAll(
            'import.meta.url',
            `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`,
          ),
          loader: 'ts',
        };
      });
    },
  };
}
