/** WhatsApp's 24-hour window, its templates, quoted replies: what the send gate says when it refuses. */
export const replyWindow = {
  'send.window_closed':
    'Not sent: WhatsApp allows free text only within 24 hours of the customer’s last message. Send an approved template instead; their answer opens the window again.',
  'template.unknown':
    'This template is not (or no longer) approved for this number. Sync the templates and pick another.',
  'template.params_missing': 'Fill in every variable of the template: {missing} is empty.',
  'template.not_whatsapp': 'Templates are sent on WhatsApp numbers only.',
  'reply.quote_unknown': 'The message to quote is not a customer message of this conversation.',
} as const;
