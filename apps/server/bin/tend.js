#!/usr/bin/env node
// The `tend` command. There is no separate build step for the server: the TypeScript sources
// (this package and the workspace packages it uses) and most of the npm packages they import are
// bundled by esbuild into one file, `dist/tend.mjs`, which then runs. It is bundled again only
// when a file it was made from has changed since (about a second). Loading one file instead of
// compiling a thousand modules one at a time is what keeps an embedded start under 3 s
// (docs/performance.md).
//
// TEND_NO_BUNDLE=1 runs the sources through tsx instead (as `npm run tend` does); so does a start
// where the bundle cannot be written (a read-only installation).
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const bundle = fileURLToPath(new URL('../dist/tend.mjs', import.meta.url));
/** The files the bundle was made from, to tell whether it is still current. */
const inputsFile = `${bundle}.inputs.json`;

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

function isCurrent() {
  try {
    const built = statSync(bundle).mtimeMs;
    const inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
    return inputs.every((file) => statSync(file).mtimeMs <= built);
  } catch {
    return false;
  }
}

/** Makes the bundle unless it is current; false when it cannot (then the sources run through tsx). */
async function bundleSources() {
  if (process.env.TEND_NO_BUNDLE === '1') return false;
  if (isCurrent()) return true;
  // Several servers may start at once from one checkout: each writes its own file, then renames.
  const temporary = `${bundle}.${process.pid}.tmp`;
  try {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [entry],
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
      plugins: [notBundled, sourceFileUrls],
    });
    const root = process.cwd();
    const inputs = Object.keys(result.metafile.inputs).map((input) => resolve(root, input));
    renameSync(temporary, bundle);
    writeFileSync(inputsFile, JSON.stringify(inputs));
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
const sourceFileUrls = {
  name: 'tend-source-file-urls',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const fromBundle = relative(dirname(bundle), args.path).split('\\').join('/');
      return {
        contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`),
        loader: 'ts',
      };
    });
  },
};

if (await bundleSources()) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(entry).href);
}
