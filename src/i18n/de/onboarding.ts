import type { onboarding as en } from '../en/onboarding.ts';
import type { Translation } from '../types.ts';

export const onboarding: Translation<typeof en> = {
  'onboarding.title': 'Erste Schritte',
  'onboarding.teammate': 'Eine Person ins Team holen',
  'onboarding.carrier': 'Einen Netzbetreiber anbinden',
  'onboarding.text': 'Eine Test-SMS senden',
  'onboarding.carrier_help':
    'Tragen Sie eine [[smpp]]-Verbindung und eine [[number]] in switchboard.toml ein und laden Sie die Konfiguration neu.',
  'onboarding.is_done': 'erledigt',
  'onboarding.to_do': 'offen',
  'onboarding.all_done': 'Alles bereit: Ihr Team kann Kunden schreiben.',
  'onboarding.dismiss': 'Checkliste ausblenden',
  'onboarding.not_done': 'Die Checkliste bleibt, bis alles darauf erledigt ist.',
};
