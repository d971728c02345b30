import type { accounts as en } from '../en/accounts.ts';
import type { Translation } from '../types.ts';

export const accounts: Translation<typeof en> = {
  'reset.title': 'Neues Passwort wählen',
  'reset.intro': 'Legen Sie ein neues Passwort für {email} fest. Dieser Link funktioniert einmal.',
  'reset.submit': 'Neues Passwort festlegen',
  'reset.done':
    'Ihr Passwort wurde geändert und alle Sitzungen Ihres Kontos wurden beendet. Melden Sie sich mit dem neuen Passwort an.',
  'reset.sign_in': 'Anmelden',
  'reset.gone':
    'Dieser Link zum Zurücksetzen des Passworts ist abgelaufen oder wurde schon benutzt. Bitten Sie einen Admin um einen neuen.',
  'admin.users.account': 'Konto',
  'admin.users.reset_link': 'Link zum Zurücksetzen',
  'admin.users.reset_link_named': 'Link zum Zurücksetzen des Passworts für {name} erstellen',
  'admin.users.reset_link_label': 'Link zum Zurücksetzen des Passworts für {name}',
  'admin.users.reset_link_created':
    'Link zum Zurücksetzen des Passworts für {name}: Er funktioniert einmal, eine Stunde lang. Switchboard verschickt keine E-Mails: Kopieren Sie den Link und geben Sie ihn {name} selbst. Ein neuer Link macht diesen ungültig.',
  'admin.users.two_factor': 'Zwei-Faktor',
  'admin.users.two_factor_on': 'An',
  'admin.users.two_factor_off': 'Aus',
  'admin.users.reset_two_factor': 'Zwei-Faktor zurücksetzen',
  'admin.users.reset_two_factor_named': 'Zwei-Faktor-Anmeldung von {name} zurücksetzen',
  'admin.users.two_factor_was_reset':
    'Die Zwei-Faktor-Anmeldung von {name} wurde zurückgesetzt; sie wird unter Einstellungen neu eingerichtet.',
  'two_factor.title': 'Zwei-Faktor-Anmeldung',
  'two_factor.off': 'Die Zwei-Faktor-Anmeldung ist aus: Ihr Passwort allein meldet Sie an.',
  'two_factor.on':
    'Die Zwei-Faktor-Anmeldung ist an: Nach Ihrem Passwort fragt Switchboard nach einem Code aus Ihrer Authenticator-App. Verbleibende Wiederherstellungscodes: {n}.',
  'two_factor.manage': 'Zwei-Faktor-Anmeldung verwalten',
  'two_factor.set_up': 'Zwei-Faktor-Anmeldung einrichten',
  'two_factor.required':
    'Für Ihre Rolle ist die Zwei-Faktor-Anmeldung Pflicht. Richten Sie sie ein, um weiterzumachen.',
  'two_factor.scan':
    'Scannen Sie diesen QR-Code mit einer Authenticator-App (etwa Aegis, Google Authenticator oder 1Password) und geben Sie dann den sechsstelligen Code ein, den sie zeigt.',
  'two_factor.qr_alt': 'QR-Code für Ihre Authenticator-App',
  'two_factor.secret': 'Oder geben Sie diesen Schlüssel von Hand ein',
  'two_factor.code': 'Sechsstelliger Code',
  'two_factor.confirm': 'Zwei-Faktor-Anmeldung einschalten',
  'two_factor.enabled': 'Die Zwei-Faktor-Anmeldung ist an.',
  'two_factor.codes_title': 'Ihre Wiederherstellungscodes',
  'two_factor.codes_intro':
    'Jeder Code meldet Sie einmal statt eines Codes aus der App an, falls Sie Ihr Telefon verlieren. Bewahren Sie sie sicher auf: Die Codes werden nur jetzt angezeigt.',
  'two_factor.codes_label': 'Wiederherstellungscodes',
  'two_factor.continue': 'Weiter zu Switchboard',
  'two_factor.proof': 'Ihr Passwort oder ein aktueller sechsstelliger Code',
  'two_factor.regenerate': 'Neue Wiederherstellungscodes',
  'two_factor.regenerate_intro': 'Ersetzt alle Ihre Wiederherstellungscodes; die alten funktionieren nicht mehr.',
  'two_factor.disable': 'Zwei-Faktor-Anmeldung ausschalten',
  'two_factor.disabled': 'Die Zwei-Faktor-Anmeldung ist aus.',
  'two_factor.code_wrong':
    'Dieser Code ist falsch oder wurde schon benutzt. Geben Sie den Code ein, den Ihre App gerade zeigt.',
  'two_factor.recovery_wrong': 'Dieser Wiederherstellungscode ist falsch oder wurde schon benutzt.',
  'two_factor.proof_wrong': 'Das ist weder Ihr Passwort noch ein aktueller Code.',
  'two_factor.sign_in_title': 'Zwei-Faktor-Anmeldung',
  'two_factor.sign_in_intro': 'Geben Sie den sechsstelligen Code aus Ihrer Authenticator-App ein.',
  'two_factor.verify': 'Bestätigen',
  'two_factor.use_recovery': 'Stattdessen einen Wiederherstellungscode verwenden',
  'two_factor.recovery': 'Wiederherstellungscode',
  'two_factor.verify_recovery': 'Mit Wiederherstellungscode anmelden',
  'two_factor.sign_in_expired': 'Diese Anmeldung hat zu lange gedauert. Melden Sie sich erneut an.',
};
