/**
 * Reads an uploaded CSV (RFC 4180: quoted cells, "" inside quotes, CRLF or LF, a UTF-8 byte-order mark) in one
 * linear pass, bounded: the file's size, its rows and each cell. The separator is whichever of `,` `;` and tab the
 * header row has most of (spreadsheets in many languages write `;`). A file that is no UTF-8 is read as
 * Windows-1252, what older spreadsheets save.
 */
import { invalid } from '../errors.ts';

export const CSV_MAX_BYTES = 20 * 1024 * 1024;
export const CSV_MAX_CELL = 1_000;

export interface CsvRecord {
  /** 1-based line of the file where the record starts (a quoted cell may span lines). */
  line: number;
  cells: string[];
}

export interface CsvFile {
  header: string[];
  rows: CsvRecord[];
}

function decode(content: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(content);
  } catch {
    return new TextDecoder('windows-1252').decode(content);
  }
}

/** The separator the header row (up to its first line break outside quotes) uses most. */
function sniffSeparator(text: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = ',';
  for (const [sep, n] of counts) if (n > counts.get(best)!) best = sep;
  return best;
}

/** Header and records; blank lines are skipped. `maxRows` counts records after the header. */
export function readCsv(content: Buffer, maxRows: number): CsvFile {
  if (content.length > CSV_MAX_BYTES) {
    throw invalid('campaign.csv_too_large', 'file', { max: `${CSV_MAX_BYTES / 1024 / 1024} MB` });
  }
  const text = decode(content);
  const sep = sniffSeparator(text);
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let start = 1;
  let i = 0;
  const endCell = () => {
    if (cell.length > CSV_MAX_CELL)
      throw invalid('campaign.csv_cell_too_long', 'file', { line: start, max: CSV_MAX_CELL });
    cells.push(cell);
    cell = '';
  };
  const endRecord = () => {
    endCell();
    if (cells.length > 1 || cells[0] !== '') {
      // The header is not counted.
      if (records.length > maxRows) throw invalid('campaign.csv_too_many_rows', 'file', { max: maxRows });
      records.push({ line: start, cells });
    }
    cells = [];
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && cell.length === 0) {
      // A quoted cell: up to the closing quote, "" is one quote; line breaks inside are part of it.
      i++;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close < 0) throw invalid('campaign.csv_unclosed_quote', 'file', { line: start });
        const part = text.slice(i, close);
        for (let j = part.indexOf('\n'); j >= 0; j = part.indexOf('\n', j + 1)) line++;
        cell += part;
        if (cell.length > CSV_MAX_CELL)
          throw invalid('campaign.csv_cell_too_long', 'file', { line: start, max: CSV_MAX_CELL });
        if (text[close + 1] === '"') {
          cell += '"';
          i = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      continue;
    }
    if (c === sep) endCell();
    else if (c === '\n' || c === '\r') {
      endRecord();
      if (c === '\r' && text[i + 1] === '\n') i++;
      line++;
      start = line;
    } else {
      // Plain run up to the next separator, quote or line break: copied in one slice.
      let j = i + 1;
      while (j < text.length) {
        const d = text[j]!;
        if (d === sep || d === '\n' || d === '\r') break;
        j++;
      }
      cell += text.slice(i, j);
      if (cell.length > CSV_MAX_CELL)
        throw invalid('campaign.csv_cell_too_long', 'file', { line: start, max: CSV_MAX_CELL });
      i = j;
      continue;
    }
    i++;
  }
  if (cell.length > 0 || cells.length > 0) endRecord();
  const [header, ...rows] = records;
  if (!header || rows.length === 0) throw invalid('campaign.csv_empty', 'file');
  return { header: header.cells.map((h) => h.trim()), rows };
}

/** A column's name as a placeholder: lower case, every run of other characters than a–z and 0–9 one '_'. */
export function variableName(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}
