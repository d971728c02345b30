import assert from 'node:assert/strict';
import test from 'node:test';
import { PREVIEW_LENGTH, PREVIEW_READ, previewSteps, toPreview } from '../../src/formatting/markdown.ts';
import { PATHOLOGICAL } from './pathological.ts';

test('a preview is the words without Markdown: markers dropped, links as their text, lines joined', () => {
  assert.equal(toPreview('**Hello** _there_ *you* ~~old~~'), 'Hello there you old');
  assert.equal(
    toPreview('See [our hours](https://example.com/hours) or https://example.com/faq.'),
    'See our hours or https://example.com/faq.',
  );
  assert.equal(toPreview('Items:\n- one\n- two\n\n1. first\n2) second'), 'Items: one two first second');
  assert.equal(toPreview('  Hello\t\tthere\r\n\r\n  you  '), 'Hello there you', 'whitespace collapsed');
  assert.equal(
    toPreview('<b>not html</b> & more'),
    '<b>not html</b> & more',
    'text stays text: the template escapes it',
  );
  assert.equal(toPreview('snake_case_word 2*3*4'), 'snake_case_word 2*3*4');
  assert.equal(toPreview(''), '');
});

test('a long message is cut at a word with an ellipsis; a long word is cut inside', () => {
  const words = 'word '.repeat(60);
  const preview = toPreview(words);
  assert.ok(preview.length <= PREVIEW_LENGTH + 1, `${preview.length} characters`);
  assert.match(preview, /^(word )+word…$/);
  const long = toPreview('x'.repeat(500));
  assert.equal(long, `${'x'.repeat(PREVIEW_LENGTH)}…`);
  assert.equal(toPreview(`**${'a'.repeat(30)}** short`, 20), `${'a'.repeat(20)}…`);
  const emoji = toPreview('😀'.repeat(200), 11);
  assert.ok(!/[\ud800-\udbff]…$/.test(emoji), 'no half emoji before the ellipsis');
});

test('a preview reads a bounded head: a crafted megabyte costs what its first characters cost', () => {
  for (const [name, make] of Object.entries(PATHOLOGICAL)) {
    const huge = make(1_000_000);
    const steps = previewSteps(huge);
    assert.ok(steps <= 10 * PREVIEW_READ, `${name}: ${steps} steps`);
    assert.ok(toPreview(huge).length <= PREVIEW_LENGTH + 1, name);
  }
  assert.match(toPreview(`${'a '.repeat(150)}${'b'.repeat(1000)}`), /…$/, 'what is not read is marked as cut');
  assert.equal(toPreview(`${' '.repeat(PREVIEW_READ)}hidden`), '…', 'whitespace past the head: cut, nothing shown');
});
