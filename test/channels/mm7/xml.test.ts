import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { childText, escapeXml, parseXml } from '../../../src/channels/mm7/xml.ts';

describe('parseXml', () => {
  test('resolves prefixes and default namespaces and matches on local names', () => {
    const root = parseXml(`<?xml version="1.0"?>
      <!-- a comment -->
      <e:Envelope xmlns:e="urn:soap"><e:Body><Req xmlns="urn:mm7" a:x="1" xmlns:a="urn:a"><V>6.8.0</V></Req></e:Body></e:Envelope>`);
    assert.equal(root.name, 'Envelope');
    assert.equal(root.namespace, 'urn:soap');
    const req = root.children[0]!.children[0]!;
    assert.deepEqual([req.name, req.namespace, req.attributes.get('x')], ['Req', 'urn:mm7', '1']);
    assert.equal(req.children[0]!.namespace, 'urn:mm7', 'children inherit the default namespace');
    assert.equal(childText(req, 'V'), '6.8.0');
  });

  test('decodes the predefined entities, character references and CDATA', () => {
    const root = parseXml(`<a t="&quot;&lt;&#x41;&#66;">&lt;&gt;&amp;&quot;&apos;&#x1F600;<![CDATA[<raw> & ]]></a>`);
    assert.equal(root.text, `<>&"'😀<raw> & `);
    assert.equal(root.attributes.get('t'), '"<AB');
  });

  for (const [name, xml, reason] of [
    ['a DOCTYPE', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', /DOCTYPE declarations are refused/],
    ['a lower-case doctype', '<!doctype a><a/>', /DOCTYPE/],
    ['an ENTITY declaration', '<a><!ENTITY x "y"></a>', /unexpected <! markup/],
    ['an unknown entity', '<a>&x;</a>', /unknown entity &x;/],
    ['a bare ampersand', '<a>fish & chips</a>', /'&'/],
    ['a reference to NUL', '<a>&#0;</a>', /does not allow/],
    ['a control character', '<a>\u0001</a>', /control character/],
    ['an undeclared prefix', '<m:a/>', /prefix "m"/],
    ['crossed tags', '<a><b></a></b>', /does not close/],
    ['an unclosed element', '<a><b></b>', /never closed/],
    ['two roots', '<a/><b/>', /second root/],
    ['text outside the root', '<a/>junk', /outside the root/],
    ['a duplicate attribute', '<a x="1" x="2"/>', /appears twice/],
    ['an unquoted attribute', '<a x=1/>', /malformed attribute/],
    ['< in an attribute', '<a x="<"/>', /malformed attribute|'<'/],
    ['nothing', '   ', /no root element/],
  ] as const) {
    test(`refuses ${name}`, () => {
      assert.throws(() => parseXml(xml), reason);
    });
  }

  test('refuses nesting deeper than 64', () => {
    assert.throws(() => parseXml(`${'<a>'.repeat(65)}${'</a>'.repeat(65)}`), /deeper than 64/);
  });
});

describe('escapeXml', () => {
  test('what it escapes reads back as the original, in text and in attributes', () => {
    const hostile = `</mm7:X><y z="1"> & ]]> ' " ünï 😀 \t`;
    const root = parseXml(`<a v="${escapeXml(hostile)}">${escapeXml(hostile)}</a>`);
    assert.equal(root.text, hostile);
    assert.equal(root.attributes.get('v'), hostile);
  });

  test('writes plain ASCII and replaces what XML cannot carry', () => {
    assert.match(escapeXml('ü😀'), /^[\x20-\x7e]+$/);
    assert.equal(parseXml(`<a>${escapeXml('x\u0000y\uD800')}</a>`).text, 'x\uFFFDy\uFFFD');
  });
});
