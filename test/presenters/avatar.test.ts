import assert from 'node:assert/strict';
import test from 'node:test';
import { AVATAR_COLOURS, avatar } from '../../src/presenters/avatar.ts';

test("an avatar: the first and last word's first letters, one colour per name", () => {
  assert.equal(avatar('Carla Customer')?.initials, 'CC');
  assert.equal(avatar('ana maría de la cruz')?.initials, 'AC');
  assert.equal(avatar('Ana')?.initials, 'A');
  assert.equal(avatar('  Émile   Zola ')?.initials, 'ÉZ');
  assert.equal(avatar('😀 Smiley')?.initials, 'S', 'words start with a letter or digit');
  assert.equal(avatar('𝒜lice Bee')?.initials, '𝒜B', 'a letter outside the BMP stays whole');
  assert.equal(avatar(null), null);
  assert.equal(avatar('  '), null);
  assert.equal(avatar('+ -'), null);
  assert.deepEqual(avatar('Carla Customer'), avatar('Carla Customer'));
  const colours = new Set(
    ['Ana', 'Ben', 'Carla', 'Dan', 'Eve', 'Fritz', 'Gül', 'Hana', 'Ivo', 'Jo'].map((n) => avatar(n)!.colour),
  );
  assert.ok(colours.size >= 4, `${colours.size} colours for ten names`);
  for (const c of colours) assert.ok(c >= 0 && c < AVATAR_COLOURS);
});
