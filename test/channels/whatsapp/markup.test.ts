import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toWhatsAppMarkup } from '../../../src/channels/whatsapp/markup.ts';

test('Markdown markers become WhatsApp markup', () => {
  assert.equal(
    toWhatsAppMarkup('**bold** and *italic* and _also_ and ~~gone~~'),
    '*bold* and _italic_ and _also_ and ~gone~',
  );
  assert.equal(toWhatsAppMarkup('**bold _inside_ it**'), '*bold _inside_ it*');
  assert.equal(
    toWhatsAppMarkup('see [the docs](https://example.com/a) now'),
    'see the docs (https://example.com/a) now',
  );
  assert.equal(toWhatsAppMarkup('[**call**](tel:+4930123)'), '*call* (+4930123)');
  assert.equal(toWhatsAppMarkup('bare https://example.com/x stays'), 'bare https://example.com/x stays');
});

test('code is kept as typed, markers inside it too', () => {
  assert.equal(toWhatsAppMarkup('run `a **b** c` here'), 'run `a **b** c` here');
  assert.equal(toWhatsAppMarkup('```js\nconst a = **1**;\n```'), '```const a = **1**;```');
  assert.equal(toWhatsAppMarkup('one ```x *y*``` line'), 'one ```x *y*``` line');
  assert.equal(toWhatsAppMarkup('```\nnever closed'), '```never closed```');
});

test('lists are text: bullets as •, numbers as typed', () => {
  assert.equal(
    toWhatsAppMarkup('Steps:\n- **first**\n* second\n1. one\n2) two'),
    'Steps:\n• *first*\n• second\n1. one\n2. two',
  );
});

test('what is not Markdown stays as it was', () => {
  assert.equal(toWhatsAppMarkup('snake_case_name and 2*3*4 and * star'), 'snake_case_name and 2*3*4 and * star');
  assert.equal(toWhatsAppMarkup('**unclosed and ~~this'), '**unclosed and ~~this');
  assert.equal(toWhatsAppMarkup('[no link](javascript:alert(1))'), '[no link](javascript:alert(1))');
  assert.equal(toWhatsAppMarkup('line\r\nbreaks\rkept'), 'line\nbreaks\nkept');
});

test('100 000 characters of nested markers are read once per level, and what cannot close stays text', () => {
  // Every marker opens and none closes (a closer follows a non-space): nothing changes.
  const opened = '**a _b ~~c *d `e [f '.repeat(5_000);
  assert.equal(opened.length, 100_000);
  assert.equal(toWhatsAppMarkup(opened), opened);
  const nested = `${'**a '.repeat(12_500)}x${' a**'.repeat(12_500)}`;
  // The first opener takes the first closer; the openers inside have none left and stay text.
  assert.equal(toWhatsAppMarkup(nested), `*a ${'**a '.repeat(12_499)}x a*${' a**'.repeat(12_499)}`);
  const deep = `${'**a ~~b _c *d '.repeat(3)}x${' d* c_ b~~ a**'.repeat(3)}`;
  assert.equal(toWhatsAppMarkup(deep).slice(0, 20), '*a ~b _c _d **a ~~b ');
  const pairs = '*a* '.repeat(25_000);
  assert.equal(toWhatsAppMarkup(pairs), '_a_ '.repeat(25_000));
});
