// What every esbuild bundle of the server shares: dist/switchboard.mjs (scripts/build.mjs) and the
// script inside the single binary (scripts/build-binary.mjs).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** V8 parses a long JSON string far faster than the same data written as an object literal (iconv-lite's tables, say). */
const jsonAsParse = {
  name: 'json-as-parse',
  setup(b) {
    b.onLoad({ filter: /\.json$/ }, async ({ path }) => ({
      loader: 'js',
      contents: `module.exports = JSON.parse(${JSON.stringify(await readFile(path, 'utf8'))});`,
    }));
  },
};

/**
 * One character above U+00FF makes V8 hold the whole source as UTF-16, twice the memory. esbuild's ASCII output
 * escapes strings and identifiers but leaves regular expression literals as written (evanw/esbuild#4205) and,
 * unless lowered, the raw text of tagged templates. With templates lowered to strings, what is left is patterns
 * and comments, where `\uXXXX` means the same character (surrogate pairs included, with or without the u flag);
 * only a pattern's `source` reads differently.
 */
function asciiOnly(code) {
  return code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Bundles one entry with its dependencies for Node 24 and returns the code and esbuild's metafile.
 * `options` adds to or overrides the shared esbuild options (entryPoints, format, external, banner …).
 */
export async function bundle(options) {
  const result = await build({
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node24',
    // Names stay, so stack traces still say which function failed.
    minifyWhitespace: true,
    minifySyntax: true,
    write: false,
    metafile: true,
    logLevel: 'warning',
    plugins: [jsonAsParse],
    supported: { 'template-literal': false },
    // ws would look for its optional native helpers on every start: none is installed, and the binary's require
    // could not load them (it warns).
    define: { 'process.env.WS_NO_BUFFER_UTIL': '"1"', 'process.env.WS_NO_UTF_8_VALIDATE': '"1"' },
    ...options,
  });
  const [output] = result.outputFiles;
  return { code: asciiOnly(output.text), metafile: result.metafile };
}
