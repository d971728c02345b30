import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  composeText,
  fillFor,
  footerWarns,
  placeholdersIn,
  unknownPlaceholders,
  valuesOf,
} from '../../../src/domain/campaigns/message.ts';

test('placeholders are found once each, in lower case; unknown ones are those neither contact nor CSV fills', () => {
  const body = 'Hi {{contact.first_name}}, your {{ Order_No }} is ready. {{contact.first_name}} {{shoe.size}}';
  assert.deepEqual(placeholdersIn(body), ['contact.first_name', 'order_no', 'shoe.size']);
  assert.deepEqual(unknownPlaceholders(body, ['order_no']), ['shoe.size']);
  assert.deepEqual(unknownPlaceholders('no placeholders {single} {{}}', []), []);
});

test('filling is one pass: a value that looks like a placeholder stays text', () => {
  assert.equal(fillFor('A {{x}} B {{y}} C {{missing}}.', { x: '{{y}}', y: 'why' }), 'A {{y}} B why C .');
});

test('contact fields, CSV columns and the footer on a first message only', () => {
  const recipient = {
    phone: '+15558000001',
    vars: { order_no: 'A-17', name: 'From CSV' },
    contact: { name: 'Ada King Lovelace', company: 'Engines Ltd' },
  };
  assert.deepEqual(
    {
      ...valuesOf(recipient),
    },
    {
      order_no: 'A-17',
      name: 'From CSV',
      'contact.name': 'Ada King Lovelace',
      'contact.first_name': 'Ada',
      'contact.last_name': 'King Lovelace',
      'contact.company': 'Engines Ltd',
      'contact.phone': '+15558000001',
    },
  );
  const campaign = { body: 'Hi {{contact.first_name}}, order {{order_no}}', footer: 'Shop: Reply STOP to opt out' };
  assert.equal(
    composeText(campaign, recipient, { firstFromNumber: true }),
    'Hi Ada, order A-17\n\nShop: Reply STOP to opt out',
  );
  assert.equal(composeText(campaign, recipient, { firstFromNumber: false }), 'Hi Ada, order A-17');
  assert.equal(composeText({ ...campaign, footer: ' ' }, recipient, { firstFromNumber: true }), 'Hi Ada, order A-17');
  // No contact: a CSV "name" column names them.
  assert.equal(valuesOf({ ...recipient, contact: null })['contact.first_name'], 'From');
  assert.equal(footerWarns('Shop: Reply STOP to opt out'), false);
  assert.equal(footerWarns('Shop'), true);
});
