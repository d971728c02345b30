/**
 * Builds static/icons/sprite.svg from the Lucide icons src/presenters/icons.ts names: one <symbol> each, id = name.
 * Run `npm run icons` after changing the list; the sprite is committed, nothing builds it at run time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ICONS } from '../src/presenters/icons.ts';

const lucide = join(dirname(createRequire(import.meta.url).resolve('lucide-static/package.json')), 'icons');
const version = (JSON.parse(readFileSync(join(lucide, '..', 'package.json'), 'utf8')) as { version: string }).version;

const STROKE = 'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"';

const symbols = ICONS.map((name) => {
  const svg = readFileSync(join(lucide, `${name}.svg`), 'utf8');
  const body = svg.slice(svg.indexOf('>', svg.indexOf('<svg')) + 1, svg.lastIndexOf('</svg>'));
  const shapes = body
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join('');
  // On each symbol: a <use> clones the symbol, not the sprite's root, so that is where the strokes are inherited from.
  return `<symbol id="${name}" viewBox="0 0 24 24" ${STROKE}>${shapes}</symbol>`;
});

const sprite =
  `<!-- Lucide icons (lucide-static ${version}, ISC license: https://lucide.dev/license). Built by npm run icons. -->\n` +
  `<svg xmlns="http://www.w3.org/2000/svg">\n${symbols.join('\n')}\n</svg>\n`;
writeFileSync(join(import.meta.dirname, '..', 'static', 'icons', 'sprite.svg'), sprite);
console.log(`static/icons/sprite.svg: ${ICONS.length} icons`);
