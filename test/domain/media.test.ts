import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { humanSize, safeFilename } from '../../src/domain/media/attachments.ts';
import { sniff } from '../../src/domain/media/sniff.ts';
import { createMediaStore, sweepMedia } from '../../src/domain/media/store.ts';
import { elf, exe, jpeg, mp3, pdf, png, svgWithScript, vcard, zipBomb } from '../fixtures/media.ts';
import { buildTestApp } from '../helper.ts';

const riff = (kind: string, chunk: string, extra: Buffer) =>
  Buffer.concat([Buffer.from('RIFF\0\0\0\0' + kind + chunk, 'latin1'), extra]);

test('types are read from the bytes, with image sizes where the header has them', () => {
  const vp8x = Buffer.alloc(20);
  vp8x.writeUIntLE(1919, 8, 3);
  vp8x.writeUIntLE(1079, 11, 3);
  const cases: [string, Buffer, string | null, object?][] = [
    ['JPEG', jpeg(640, 480), 'image/jpeg', { width: 640, height: 480 }],
    ['PNG', png(10, 20), 'image/png', { width: 10, height: 20 }],
    ['GIF', Buffer.from('GIF89a\x05\x00\x07\x00\x00\x00\x00', 'latin1'), 'image/gif', { width: 5, height: 7 }],
    ['WebP (VP8X)', riff('WEBP', 'VP8X', vp8x), 'image/webp', { width: 1920, height: 1080 }],
    ['WAV', riff('WAVE', 'fmt ', Buffer.alloc(20)), 'audio/wav'],
    ['PDF', pdf(), 'application/pdf'],
    ['vCard', vcard('Jane Doe'), 'text/vcard', { name: 'Jane Doe' }],
    [
      'vCard with BOM, lower case',
      Buffer.from('\uFEFFbegin:vcard\nversion:4.0\nfn;charset=utf-8:Zoë\nend:vcard\n'),
      'text/vcard',
      { name: 'Zoë' },
    ],
    ['MP3 frame', mp3(), 'audio/mpeg'],
    ['MP3 with ID3', Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1'), 'audio/mpeg'],
    ['AAC (ADTS)', Buffer.from([0xff, 0xf1, 0x50, 0x80]), 'audio/aac'],
    ['AMR', Buffer.from('#!AMR\n\x3c', 'latin1'), 'audio/amr'],
    ['AMR-WB', Buffer.from('#!AMR-WB\n\x04', 'latin1'), 'audio/amr-wb'],
    ['Ogg', Buffer.from('OggS\0\x02', 'latin1'), 'audio/ogg'],
    ['MP4', Buffer.from('\0\0\0\x18ftypisom\0\0\0\0', 'latin1'), 'video/mp4'],
    ['3GP', Buffer.from('\0\0\0\x18ftyp3gp5\0\0\0\0', 'latin1'), 'video/3gpp'],
    ['M4A', Buffer.from('\0\0\0\x18ftypM4A \0\0\0\0', 'latin1'), 'audio/mp4'],
    ['QuickTime', Buffer.from('\0\0\0\x14ftypqt  \0\0\0\0', 'latin1'), null],
    ['HEIC photo (same box, not video)', Buffer.from('\0\0\0\x18ftypheic\0\0\0\0', 'latin1'), null],
    ['AVIF photo', Buffer.from('\0\0\0\x18ftypavif\0\0\0\0', 'latin1'), null],
    ['sync bits then HTML', Buffer.from('\xff\xfb\xf0<html>', 'latin1'), null],
    ['vCard that never ends', Buffer.from('BEGIN:VCARD\nFN:x\n<html><script>'), null],
    ['ELF program', elf(), null],
    ['Windows program', exe(), null],
    ['zip', zipBomb(), null],
    ['SVG', svgWithScript(), null],
    ['HTML', Buffer.from('<!doctype html><script>alert(1)</script>'), null],
    ['text with NUL that starts like a vCard', Buffer.from('BEGIN:VCARD\n\0'), null],
    ['empty', Buffer.alloc(0), null],
  ];
  for (const [what, bytes, type, meta] of cases) {
    const found = sniff(bytes);
    assert.equal(found?.contentType ?? null, type, what);
    if (meta) assert.deepEqual(found?.meta, meta, what);
  }
});

test('file names: no folders, no quotes or control characters, the extension the bytes call for', () => {
  assert.equal(safeFilename('Holiday photo.JPEG', 'jpg'), 'Holiday photo.jpg');
  assert.equal(safeFilename('../../etc/passwd', 'pdf'), 'passwd.pdf');
  assert.equal(safeFilename('C:\\Users\\me\\"x"\u0007.png', 'png'), 'x.png');
  assert.equal(safeFilename('.htaccess', 'pdf'), 'htaccess.pdf', 'never a hidden file');
  assert.equal(safeFilename('', 'vcf'), 'file.vcf');
  assert.equal(
    safeFilename('invoice\u202Egpj.exe', 'jpg'),
    'invoicegpj.jpg',
    'no right-to-left override to disguise the name',
  );
  assert.equal(safeFilename('a'.repeat(300) + '.jpg', 'jpg').length, 104);
  assert.equal(humanSize(2 * 1024 * 1024), '2 MB');
  assert.equal(humanSize(1536 * 1024), '1.5 MB');
  assert.equal(humanSize(100 * 1024), '100 KB');
  assert.equal(humanSize(10), '1 KB');
});

test('the start-up sweep removes temp files and content files no message refers to', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const store = h.app.media;
  const orphan = 'ab'.repeat(32);
  mkdirSync(join(store.dir, 'ab'), { recursive: true });
  writeFileSync(store.pathOf(orphan), 'x');
  writeFileSync(store.tmpPath(), 'half an upload');
  assert.deepEqual(sweepMedia(h.app.domain, store), { removed: 2 });
  assert.equal(existsSync(store.pathOf(orphan)), false);
  assert.deepEqual(readdirSync(join(store.dir, 'tmp')), []);
  assert.throws(() => store.pathOf('../../switchboard.db'), /not a SHA-256/);
});

test('adopting a file whose content is already stored keeps the one copy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'media-'));
  try {
    const store = createMediaStore(dir);
    const a = store.writeTmp(Buffer.from('same'));
    const b = store.writeTmp(Buffer.from('same'));
    store.adopt(a.tmpPath, a.sha256);
    store.adopt(b.tmpPath, b.sha256);
    assert.deepEqual(readdirSync(join(dir, a.sha256.slice(0, 2))), [a.sha256]);
    assert.deepEqual(readdirSync(join(dir, 'tmp')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
