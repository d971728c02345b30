import { renderSVG } from 'uqr';
import type { Enrolment } from '../domain/accounts/two-factor.ts';

/** The enrolment as the page shows it: the QR code as an image data URL (the CSP allows `img-src data:`), and the key in groups of four. */
export function enrolmentView(enrolment: Enrolment): { qr: string; secret: string } {
  const svg = renderSVG(enrolment.uri, { border: 2, ecc: 'M' });
  return {
    qr: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
    secret: enrolment.secret.match(/.{1,4}/g)!.join(' '),
  };
}
