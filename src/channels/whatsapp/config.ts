/** One [[whatsapp]] block of the config file, as the channel needs it (the lead maps the TOML keys onto this). */
export interface WhatsAppConfig {
  /** The block's name: numbers name it, and Meta posts to /webhooks/whatsapp/<name>. */
  name: string;
  phoneNumberId: string;
  /** The WhatsApp Business Account the templates are listed from. */
  businessAccountId: string;
  accessToken: string;
  /** Verifies X-Hub-Signature-256 of every webhook POST. */
  appSecret: string;
  /** What Meta's GET handshake must present. */
  verifyToken: string;
  /** https://graph.facebook.com, or a stand-in. */
  graphUrl: string;
  /** The Graph API version, from the config (its one default is in src/config/schema.ts). */
  graphVersion: string;
  /** Messages per second from this number; 0 = unpaced. */
  throughput: number;
  /** Mark the customer's latest message read on their phone when an agent opens the conversation. */
  sendReadReceipts: boolean;
}
