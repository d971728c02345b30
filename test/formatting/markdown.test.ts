import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readingSteps, renderMarkdown, toPlainText } from '../../src/formatting/markdown.ts';
import { PATHOLOGICAL } from './pathological.ts';

test('Markdown to HTML: bold, italic, strikethrough, links, lists, line breaks', () => {
  assert.equal(
    renderMarkdown('**Hello** _there_ *you* ~~old~~'),
    '<p><strong>Hello</strong> <em>there</em> <em>you</em> <del>old</del></p>',
  );
  assert.equal(renderMarkdown('**bold _and italic_**'), '<p><strong>bold <em>and italic</em></strong></p>');
  assert.equal(
    renderMarkdown('See [our hours](https://example.com/hours) or https://example.com/faq.'),
    '<p>See <a href="https://example.com/hours" rel="noopener noreferrer nofollow" target="_blank">our hours</a> or <a href="https://example.com/faq" rel="noopener noreferrer nofollow" target="_blank">https://example.com/faq</a>.</p>',
  );
  assert.equal(
    renderMarkdown('Items:\n- one\n- two\n\n1. first\n2. second\nbye'),
    '<p>Items:</p><ul><li>one</li><li>two</li></ul><ol><li>first</li><li>second</li></ol><p>bye</p>',
  );
  assert.equal(renderMarkdown('line one\nline two\n\nnext'), '<p>line one<br>line two</p><p>next</p>');
  assert.equal(
    renderMarkdown('snake_case_word and 2*3*4 and a * b * c'),
    '<p>snake_case_word and 2*3*4 and a * b * c</p>',
    'markers inside words or around spaces are text',
  );
});

test('nothing a user types becomes markup or script', () => {
  const payloads = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[click](javascript:alert(1))',
    '[click](data:text/html,<script>alert(1)</script>)',
    '[x](https://ok.example/"onmouseover="alert(1))',
    '**<b>bold</b>**',
    '"><svg onload=alert(1)>',
    "'; alert(1); '",
    '[<img src=x onerror=alert(1)>](https://example.com)',
    'https://example.com/<script>',
  ];
  for (const payload of payloads) {
    const html = renderMarkdown(payload);
    assert.doesNotMatch(html, /<(script|img|svg|b)\b/i, `${payload} → ${html}`);
    assert.doesNotMatch(html, /href="(javascript|data):/i, `${payload} → ${html}`);
    assert.doesNotMatch(html, /\son\w+="/i, `${payload} → ${html}`);
    // Every tag in the output is one of ours.
    for (const tag of html.match(/<\/?([a-z]+)/g) ?? [])
      assert.match(tag, /^<\/?(p|br|strong|em|del|a|ul|ol|li)$/, `${payload} → ${html}`);
  }
});

test('Markdown to SMS text: markers dropped, links kept as URLs, lists as typed', () => {
  assert.equal(toPlainText('**Hello** _there_ ~~old~~ *you*'), 'Hello there old you');
  assert.equal(
    toPlainText('See [our hours](https://example.com/hours) or https://example.com/faq.'),
    'See our hours (https://example.com/hours) or https://example.com/faq.',
  );
  assert.equal(
    toPlainText('Call [us](tel:+15551230000) or [mail](mailto:help@example.com)'),
    'Call us (+15551230000) or mail (help@example.com)',
  );
  assert.equal(
    toPlainText('Items:\n* one\n- two\n1) first\n2. second'),
    'Items:\n- one\n- two\n1. first\n2. second',
    'the lines stay as typed',
  );
  assert.equal(toPlainText('Hello\n\n\nBye'), 'Hello\n\nBye');
  assert.equal(toPlainText('Reply STOP to opt out.'), 'Reply STOP to opt out.', 'plain text stays as it is');
  assert.equal(toPlainText('snake_case_word 2*3*4'), 'snake_case_word 2*3*4');
});

test('reading grows with the message, not faster: crafted messages four times longer take four times the work', () => {
  for (const [name, make] of Object.entries(PATHOLOGICAL)) {
    const short = readingSteps(make(2_500));
    const long = readingSteps(make(10_000));
    assert.ok(long <= 4.1 * short, `${name}: ${(long / short).toFixed(1)} times the work for four times the text`);
    assert.ok(long <= 10 * 10_000, `${name}: ${long} steps for 10 000 characters`);
  }
});

test('markers nested deeper than eight levels are text', () => {
  const deep = `${'*_'.repeat(6)}x${'_*'.repeat(6)}`;
  const html = renderMarkdown(deep);
  assert.equal((html.match(/<em>/g) ?? []).length, 8);
  assert.equal(toPlainText(deep).replace(/[*_]/g, ''), 'x');
});
