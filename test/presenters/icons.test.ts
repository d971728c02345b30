import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { viewsDir } from '../../src/paths.ts';
import { ICONS } from '../../src/presenters/icons.ts';

const sprite = readFileSync(join(import.meta.dirname, '..', '..', 'static', 'icons', 'sprite.svg'), 'utf8');

test('the sprite holds every icon the list names, and every icon a template draws is in the list', () => {
  const inSprite = [...sprite.matchAll(/<symbol id="([a-z0-9-]+)"/g)].map((m) => m[1]);
  assert.deepEqual(inSprite, [...ICONS], 'run npm run icons after changing src/presenters/icons.ts');
  const drawn = new Set<string>();
  for (const file of readdirSync(viewsDir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.eta')) continue;
    for (const m of readFileSync(join(viewsDir, file), 'utf8').matchAll(/icon\('([^']+)'\)/g)) drawn.add(m[1]!);
  }
  const names: readonly string[] = ICONS;
  assert.deepEqual(
    [...drawn].filter((name) => !names.includes(name)),
    [],
    'icons drawn by templates but missing from src/presenters/icons.ts',
  );
});
