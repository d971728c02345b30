import type { shortLinks as en } from '../en/short-links.ts';
import type { Translation } from '../types.ts';

export const shortLinks: Translation<typeof en> = {
  'short_link.gone_title': 'Link nicht gefunden',
  'short_link.gone': 'Diesen Link gibt es nicht. Prüfen Sie, ob er vollständig aus der Nachricht kopiert wurde.',
};
