export type CsvCell = string | number | boolean | null;

/** One cell: quoted where it holds a comma, a quote or a line break (RFC 4180), and never read as a formula. */
export function csvCell(value: CsvCell): string {
  const text = value === null ? '' : String(value);
  // A leading =, +, - or @ (or a tab or carriage return before one) would run as a formula in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One line of a CSV file, with its CRLF. */
export const csvLine = (cells: CsvCell[]): string => cells.map(csvCell).join(',') + '\r\n';
