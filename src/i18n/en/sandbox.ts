/** The sandbox SMSC and its customer phone. */
export const sandbox = {
  'sandbox.open_phone': 'Open the customer phone',
  'sandbox.title': 'Customer phone (sandbox)',
  'sandbox.intro':
    'Text the inbox as a customer would. Replies from the inbox and their delivery receipts arrive here.',
  'sandbox.phone': 'Customer phone number',
  'sandbox.to': 'Inbox number',
  'sandbox.message': 'Message',
  'sandbox.send': 'Send text from this phone',
  'sandbox.transcript': 'Texts of {phone}',
  'sandbox.none': 'No texts yet.',
  'sandbox.sent_to': 'Sent to {number}',
  'sandbox.received_from': 'Received from {number}',
  'sandbox.not_running': 'The sandbox SMSC is not running on this server.',
  'sandbox.phone_invalid': 'Enter the phone number in international form, such as +15557654321.',
  'sandbox.to_invalid': 'Choose one of the inbox numbers.',
  'sandbox.text_invalid': 'Write a message of up to {max} characters.',
} as const;
