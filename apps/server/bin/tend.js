#!/usr/bin/env node
// The `tend` command. There is no separate build step for the server: it runs from one bundled
// file, `dist/tend.mjs`, made by `bundle.js` when a file it is made from has changed (about a
// second), reused otherwise. Loading one file instead of compiling a thousand modules one at a
// time keeps an embedded start under 3 s (docs/performance.md).
//
// TEND_NO_BUNDLE=1 runs the sources through tsx instead; so does a start where the bundle cannot
// be made (a read-only installation, a source that does not compile: tsx then says where).
import { pathToFileURL } from 'node:url';
import { DEFAULT_BUNDLE, ENTRY, ensureBundle } from './bundle.js';

if (process.env.TEND_NO_BUNDLE !== '1' && (await ensureBundle())) {
  await import(pathToFileURL(DEFAULT_BUNDLE).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(ENTRY).href);
}
