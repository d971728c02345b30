/** Opt-outs are kept per customer address: the number, or the WhatsApp user id of a customer who has none. */
export const optOutAddress = (customer: { phone: string; whatsappId: string | null }): string =>
  customer.phone !== '' ? customer.phone : (customer.whatsappId ?? '');
