/**
 * The built-in SMSC's own settings: the connection and number it adds while it runs (src/channels/start.ts), so that
 * a server without [[smpp]] blocks has something to text. Routes and presenters read the name here to tell the
 * sandbox's numbers, which reach no real phone, from a carrier's.
 */
export const SANDBOX = {
  name: 'sandbox',
  systemId: 'sandbox',
  password: 'sandbox',
  number: '+15550100100',
  inbox: 'Support',
} as const;

/**
 * The built-in WhatsApp stand-in's channel and number (src/channels/whatsapp/sandbox.ts), beside the SMSC's: a
 * [[whatsapp]] block of this name pointed at Meta's Graph API played on 127.0.0.1, its number in the same inbox.
 */
export const SANDBOX_WHATSAPP = {
  name: 'sandbox-whatsapp',
  number: '+15550100199',
  phoneNumberId: '100000000000199',
  businessAccountId: '200000000000199',
  inbox: 'Support',
} as const;
