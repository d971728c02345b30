/**
 * The XML that MM7 needs, and no more: elements, attributes, namespaces, text, CDATA and the five predefined
 * entities plus character references. Anything a DTD could bring (DOCTYPE, ENTITY, external references) is
 * refused outright, so a carrier's request can neither expand entities nor make us read files or URLs.
 */

export interface XmlElement {
  /** The local name: peers write mm7:SubmitReq, SubmitReq under a default namespace, or forget the namespace. */
  name: string;
  /** The namespace URI the element's prefix resolves to; '' when none. */
  namespace: string;
  /** By local name; namespace declarations are not kept here. */
  attributes: Map<string, string>;
  children: XmlElement[];
  /** The element's own character data, entities decoded; children's text is not included. */
  text: string;
}

const MAX_ATTRIBUTES = 64;
const MAX_DEPTH = 64;
const NAME = /[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?/y;
const SPACE = /[ \t\r\n]*/y;
const ATTRIBUTE =
  /([A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?)[ \t\r\n]*=[ \t\r\n]*(?:"([^"]*)"|'([^']*)')/y;
// Characters XML 1.0 does not allow anywhere in a document.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

interface Open {
  qname: string;
  element: XmlElement;
  scope: Map<string, string>;
}

function fail(message: string, source: string, at: number): never {
  const line = source.slice(0, at).split('\n').length;
  throw new Error(`malformed XML (line ${line}): ${message}`);
}

function decodeEntities(raw: string, source: string, at: number): string {
  if (raw.includes('<')) fail("'<' inside an attribute value", source, at);
  return raw.replace(/&([^;&]*);|&/g, (whole: string, ref: string | undefined) => {
    if (ref === undefined) fail("'&' that does not start an entity or character reference", source, at);
    const predefined = PREDEFINED[ref];
    if (predefined !== undefined) return predefined;
    const numeric = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(ref);
    if (!numeric)
      fail(
        `unknown entity &${ref}; (only &lt; &gt; &amp; &quot; &apos; and character references are accepted)`,
        source,
        at,
      );
    const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2]);
    const allowed =
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      (code >= 0x10000 && code <= 0x10ffff);
    if (!allowed) fail(`character reference ${whole} names a character XML does not allow`, source, at);
    return String.fromCodePoint(code);
  });
}

function splitName(qname: string): [prefix: string, local: string] {
  const colon = qname.indexOf(':');
  return colon < 0 ? ['', qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
}

/** Parses a whole document and returns its root element; throws an Error saying what is wrong and where. */
export function parseXml(source: string): XmlElement {
  const forbidden = FORBIDDEN.exec(source);
  if (forbidden)
    fail(
      `control character U+${forbidden[0].charCodeAt(0).toString(16).padStart(4, '0')} is not allowed in XML`,
      source,
      forbidden.index,
    );
  let pos = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: Open[] = [];
  let root: XmlElement | null = null;

  const expect = (re: RegExp): RegExpExecArray | null => {
    re.lastIndex = pos;
    const m = re.exec(source);
    if (m) pos = re.lastIndex;
    return m;
  };

  while (pos < source.length) {
    const top = stack[stack.length - 1];
    const lt = source.indexOf('<', pos);
    const textEnd = lt < 0 ? source.length : lt;
    if (textEnd > pos) {
      const raw = source.slice(pos, textEnd);
      if (top) {
        if (raw.includes(']]>')) fail("']]>' outside a CDATA section", source, pos);
        top.element.text += decodeEntities(raw, source, pos);
      } else if (raw.trim() !== '') fail(`text outside the root element: "${raw.trim().slice(0, 30)}"`, source, pos);
      pos = textEnd;
      continue;
    }
    if (source.startsWith('<!--', pos)) {
      const end = source.indexOf('-->', pos + 4);
      if (end < 0) fail('unterminated comment', source, pos);
      pos = end + 3;
    } else if (source.startsWith('<![CDATA[', pos)) {
      const end = source.indexOf(']]>', pos + 9);
      if (end < 0) fail('unterminated CDATA section', source, pos);
      if (!top) fail('CDATA outside the root element', source, pos);
      top.element.text += source.slice(pos + 9, end);
      pos = end + 3;
    } else if (source.startsWith('<!', pos)) {
      if (/^<!DOCTYPE/i.test(source.slice(pos, pos + 9)))
        fail('DOCTYPE declarations are refused: no DTDs, no entity definitions', source, pos);
      fail('unexpected <! markup', source, pos);
    } else if (source.startsWith('<?', pos)) {
      // The XML declaration and processing instructions carry nothing MM7 needs; the charset comes from the MIME part.
      const end = source.indexOf('?>', pos + 2);
      if (end < 0) fail('unterminated processing instruction', source, pos);
      pos = end + 2;
    } else if (source.startsWith('</', pos)) {
      pos += 2;
      const name = expect(NAME);
      expect(SPACE);
      if (!name || source[pos] !== '>') fail('malformed end tag', source, pos);
      pos += 1;
      if (!top) fail(`end tag </${name[0]}> without a start tag`, source, pos);
      if (top.qname !== name[0]) fail(`end tag </${name[0]}> does not close <${top.qname}>`, source, pos);
      stack.pop();
    } else {
      const tagStart = pos;
      pos += 1;
      const name = expect(NAME);
      if (!name) fail('malformed start tag', source, pos);
      if (!top && root) fail('a second root element', source, pos);
      if (stack.length >= MAX_DEPTH) fail(`elements nested deeper than ${MAX_DEPTH}`, source, pos);
      const raw = new Map<string, string>();
      for (;;) {
        const space = expect(SPACE);
        if (source.startsWith('/>', pos) || source[pos] === '>') break;
        if (!space || space[0] === '') fail(`malformed attributes in <${name[0]}>`, source, pos);
        const attribute = expect(ATTRIBUTE);
        if (!attribute) fail(`malformed attribute in <${name[0]}>`, source, pos);
        const qname = attribute[1] as string;
        if (raw.has(qname)) fail(`attribute ${qname} appears twice in <${name[0]}>`, source, pos);
        if (raw.size >= MAX_ATTRIBUTES) fail(`more than ${MAX_ATTRIBUTES} attributes in <${name[0]}>`, source, pos);
        raw.set(qname, decodeEntities(attribute[2] ?? attribute[3] ?? '', source, pos));
      }
      const selfClosing = source.startsWith('/>', pos);
      pos += selfClosing ? 2 : 1;

      // A new scope only where namespaces are declared: copying it for every element would make the parse quadratic.
      const declares = [...raw.keys()].some((q) => q === 'xmlns' || q.startsWith('xmlns:'));
      const scope = declares ? new Map(top?.scope) : (top?.scope ?? new Map<string, string>());
      for (const [qname, value] of raw) {
        if (qname === 'xmlns') scope.set('', value);
        else if (qname.startsWith('xmlns:')) scope.set(qname.slice(6), value);
      }
      const attributes = new Map<string, string>();
      for (const [qname, value] of raw) {
        if (qname === 'xmlns' || qname.startsWith('xmlns:')) continue;
        const [prefix, local] = splitName(qname);
        if (prefix && prefix !== 'xml' && !scope.has(prefix))
          fail(`namespace prefix "${prefix}" of attribute ${qname} is not declared`, source, tagStart);
        attributes.set(local, value);
      }
      const [prefix, local] = splitName(name[0]);
      const namespace = scope.get(prefix);
      if (prefix && namespace === undefined)
        fail(`namespace prefix "${prefix}" of <${name[0]}> is not declared`, source, tagStart);
      const element: XmlElement = { name: local, namespace: namespace ?? '', attributes, children: [], text: '' };
      if (top) top.element.children.push(element);
      else root = element;
      if (!selfClosing) stack.push({ qname: name[0], element, scope });
    }
  }
  const open = stack[stack.length - 1];
  if (open) fail(`<${open.qname}> is never closed`, source, source.length);
  if (!root) fail('no root element', source, source.length);
  return root;
}

export function childElement(parent: XmlElement, name: string): XmlElement | undefined {
  return parent.children.find((c) => c.name === name);
}

export function childElements(parent: XmlElement, name: string): XmlElement[] {
  return parent.children.filter((c) => c.name === name);
}

/** The trimmed text of the first child of that name; undefined when there is no such child or it is blank. */
export function childText(parent: XmlElement, name: string): string | undefined {
  const text = childElement(parent, name)?.text.trim();
  return text ? text : undefined;
}

/** Depth-first, the element itself included. */
export function findElement(root: XmlElement, name: string): XmlElement | undefined {
  if (root.name === name) return root;
  for (const child of root.children) {
    const found = findElement(child, name);
    if (found) return found;
  }
  return undefined;
}

/**
 * Safe in text and in quoted attribute values. Non-ASCII becomes a character reference so the SOAP part is plain
 * ASCII whatever transfer encoding an MMSC assumes; characters XML cannot carry at all become U+FFFD.
 */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']|[^\u0020-\u007E\t\n\r]/gu, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
    }
    const code = c.codePointAt(0) ?? 0xfffd;
    const allowed = (code >= 0x80 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;
    return `&#x${(allowed ? code : 0xfffd).toString(16).toUpperCase()};`;
  });
}
