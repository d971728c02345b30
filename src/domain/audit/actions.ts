/**
 * Every action the audit log knows, grouped by what it acts on. A new one goes here and gets its label in
 * src/i18n/en/audit.ts (`audit.action.<name>`); the filter on the Audit log page offers them in this order.
 */
export const auditActions = [
  'user.created',
  'user.role_changed',
  'user.activated',
  'user.deactivated',
  'user.password_reset',
  'user.sign_ins_cleared',
  'user.reset_link_created',
  'user.reset_link_used',
  'user.two_factor_enabled',
  'user.two_factor_disabled',
  'user.two_factor_reset',
  'address.sign_ins_cleared',
  'inbox.created',
  'inbox.renamed',
  'inbox.settings_changed',
  'inbox.members_changed',
  'canned.created',
  'canned.updated',
  'canned.deleted',
  'survey.created',
  'survey.archived',
  'survey.unarchived',
  'webhook.created',
  'webhook.updated',
  'webhook.secret_rotated',
  'webhook.rotation_ended',
  'webhook.enabled',
  'webhook.disabled',
  'webhook.sent_again',
  'webhook.test_sent',
  'api_token.created',
  'api_token.revoked',
  'campaign.started',
  'campaign.scheduled',
  'campaign.paused',
  'campaign.resumed',
  'campaign.cancelled',
  'backup.made',
  'config.reloaded',
] as const;

export type AuditAction = (typeof auditActions)[number];

export const isAuditAction = (raw: string): raw is AuditAction => (auditActions as readonly string[]).includes(raw);
