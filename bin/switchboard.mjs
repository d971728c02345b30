#!/usr/bin/env node
// `switchboard` (npx switchboard …): runs the compiled bundle. npm run build makes it; npm start rebuilds it
// when the sources changed; this entry never builds, as it also runs where there are no sources or compilers.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/switchboard.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('switchboard: dist/switchboard.mjs is missing; build it with `npm run build`\n');
  process.exit(1);
}
await import(bundle.href);
