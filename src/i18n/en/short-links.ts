/** The page a campaign's short link shows when it leads nowhere. */
export const shortLinks = {
  'short_link.gone_title': 'Link not found',
  'short_link.gone': 'This link does not exist. Check that it was copied completely from the message.',
} as const;
