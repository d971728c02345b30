import type { MessageKind } from '../domain/messaging/capabilities.ts';
import type { IconName } from './icons.ts';

/** The WhatsApp Cloud API error codes an agent meets, each with its words in the catalogs (`wa_error.<code>`). */
const WHATSAPP_CODES = new Set([
  '100',
  '190',
  '368',
  '130429',
  '131026',
  '131047',
  '131051',
  '131052',
  '131053',
  '131056',
  '131062',
  '132000',
  '132001',
]);

/** How an outbound message's status is drawn: its tick icon (none while it has none to show). */
const TICKS: Record<string, IconName | undefined> = {
  queued: 'clock',
  sent: 'check',
  delivered: 'check-check',
  read: 'check-check',
  played: 'check-check',
  failed: 'circle-alert',
  expired: 'circle-alert',
};

/**
 * Why a message failed, for the agent: a WhatsApp code the catalogs know in their words, else the channel's
 * own text (SMS carriers and unknown codes).
 */
export function failureOf(item: {
  messageKind: MessageKind;
  errorCode: string | null;
  errorReason: string | null;
}): { key: string; params: Record<string, string> } | null {
  if (item.messageKind === 'whatsapp' && item.errorCode !== null && WHATSAPP_CODES.has(item.errorCode))
    return { key: `wa_error.${item.errorCode}`, params: {} };
  if (item.errorReason) return { key: 'status.carrier_said', params: { reason: item.errorReason } };
  return null;
}

export const tickOf = (status: string): IconName | null => TICKS[status] ?? null;

/** OpenStreetMap at street level around a shared place. */
export const mapLinkOf = ({ latitude, longitude }: { latitude: number; longitude: number }): string =>
  `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=17/${latitude}/${longitude}`;
