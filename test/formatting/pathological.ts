/** Messages crafted to make a Markdown reader slow: markers that never close, nesting, brackets, links that run on. */
export const PATHOLOGICAL: Record<string, (length: number) => string> = {
  'italic openers': (n) => '*a '.repeat(n / 3),
  underscores: (n) => '_a'.repeat(n / 2),
  'bold openers': (n) => '**a '.repeat(n / 4),
  strikethrough: (n) => '~~a'.repeat(n / 3),
  'link brackets': (n) => '[a]('.repeat(n / 4),
  'bare links': (n) => 'https://'.repeat(n / 8),
  nesting: (n) => '*_'.repeat(n / 4) + 'x' + '_*'.repeat(n / 4),
  // A reader that tries every pattern on the rest of the line after each link rescans every opener each time.
  'italics between links': (n) => ' *a http://x'.repeat(n / 12),
  'underscores between links': (n) => ' _a http://x'.repeat(n / 12),
};
