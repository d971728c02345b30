import type { signIn as en } from '../en/sign-in.ts';
import type { Translation } from '../types.ts';

export const signIn: Translation<typeof en> = {
  'login.title': 'Anmelden',
  'login.submit': 'Anmelden',
  'login.failed': 'E-Mail oder Passwort ist falsch.',
  'login.throttled': {
    one: 'Zu viele fehlgeschlagene Anmeldungen. Versuchen Sie es in {n} Minute noch einmal.',
    other: 'Zu viele fehlgeschlagene Anmeldungen. Versuchen Sie es in {n} Minuten noch einmal.',
  },
  'login.delayed': {
    one: 'Zu viele fehlgeschlagene Anmeldungen. Versuchen Sie es in {n} Sekunde noch einmal.',
    other: 'Zu viele fehlgeschlagene Anmeldungen. Versuchen Sie es in {n} Sekunden noch einmal.',
  },
  'admin.sign_ins.title': 'Fehlgeschlagene Anmeldungen',
  'admin.sign_ins.intro':
    'Anmeldungen, die in den letzten {minutes} Min. fehlgeschlagen sind. Hat ein Konto zu viele, wartet jede Adresse, die dafür fehlgeschlagen ist, vor jedem weiteren Versuch länger; eine gesperrte Adresse wartet bis zur angegebenen Zeit. Zurücksetzen lässt sie sofort wieder versuchen.',
  'admin.sign_ins.none': 'Keine fehlgeschlagenen Anmeldungen.',
  'admin.sign_ins.accounts': 'Konten mit fehlgeschlagenen Anmeldungen',
  'admin.sign_ins.failures': 'Fehlgeschlagen',
  'admin.sign_ins.from': 'Von',
  'admin.sign_ins.held_back': 'Zurückgehalten',
  'admin.sign_ins.actions': 'Aktionen',
  'admin.sign_ins.address_failures': { one: '{address}: {n} fehlgeschlagen', other: '{address}: {n} fehlgeschlagen' },
  'admin.sign_ins.address_locked': {
    one: '{address}: {n} fehlgeschlagen, gesperrt bis {time}',
    other: '{address}: {n} fehlgeschlagen, gesperrt bis {time}',
  },
  'admin.sign_ins.more_addresses': { one: 'und {n} weitere Adresse', other: 'und {n} weitere Adressen' },
  'admin.sign_ins.delayed_until': 'Ja, bis {time}',
  'admin.sign_ins.not_held_back': 'Nein',
  'admin.sign_ins.addresses': 'Für alle Konten gesperrte Adressen',
  'admin.sign_ins.address': 'Adresse',
  'admin.sign_ins.locked': 'Gesperrt bis',
  'admin.sign_ins.clear': 'Zurücksetzen',
  'admin.sign_ins.clear_account': 'Fehlgeschlagene Anmeldungen von {name} zurücksetzen',
  'admin.sign_ins.clear_address': 'Fehlgeschlagene Anmeldungen von {address} zurücksetzen',
  'admin.sign_ins.cleared_account': 'Fehlgeschlagene Anmeldungen von {name} zurückgesetzt.',
  'admin.sign_ins.cleared_address': 'Fehlgeschlagene Anmeldungen von {address} zurückgesetzt.',
  'admin.sign_ins.address_invalid':
    'Es wurde keine Adresse angegeben. Laden Sie die Seite neu und versuchen Sie es noch einmal.',
};
