/** Texts of one feature in both languages; en.ts and de.ts take them in. */
export const en = {
  'personal.status': 'Status',
  'personal.availability': 'Availability',
  'personal.availability_available': 'Available',
  'personal.availability_away': 'Away',
  'personal.availability_offline': 'Offline',
  'personal.availability_help':
    'Closing your last Switchboard tab makes you offline; opening one makes you available again. Away stays away while you have tabs open.',
  'personal.availability_invalid': 'Choose available, away or offline.',
  'personal.status_message': 'Status message (up to 80 characters)',
  'personal.status_message_invalid': 'Write at most {max} characters.',
  'personal.save_status': 'Save status',
  'personal.status_saved': 'Your status was saved.',

  'personal.queues': 'Queues',
  'personal.queues_help':
    'Inboxes with round-robin hand new conversations in turn to members who take them and are available.',
  'personal.queue_take': 'Take new conversations from {inbox}',
  'personal.queue_rotation_off': 'Round-robin is off in {inbox} for now.',
  'personal.queues_none': 'You are not a member of a shared inbox.',
  'personal.queues_invalid': 'Choose among the listed inboxes.',
  'personal.save_queues': 'Save queues',
  'personal.queues_saved': 'Your queues were saved.',

  'personal.notifications': 'Notifications',
  'personal.notifications_help':
    'Each of these shows a notice in your open Switchboard tabs. Choose what else should tell you.',
  'personal.event': 'Event',
  'personal.event_new_conversation': 'New conversation in my inboxes',
  'personal.event_assigned': 'Assigned to me',
  'personal.event_mention': 'Someone mentions me',
  'personal.event_direct': 'Direct message',
  'personal.browser': 'Browser notification',
  'personal.sound': 'Sound',
  'personal.browser_for': 'Browser notification: {event}',
  'personal.sound_for': 'Sound: {event}',
  'personal.sound_help':
    'The sound plays once you have clicked somewhere in the tab (browsers allow no sound before that).',
  'personal.choice_invalid': 'Tick the box or leave it empty.',
  'personal.save_notifications': 'Save notification settings',
  'personal.notifications_saved': 'Notification settings saved.',
  'personal.allow_browser': 'Allow browser notifications',
  'personal.permission_default': 'Browser notifications are not allowed in this browser yet.',
  'personal.permission_granted': 'Browser notifications are allowed in this browser.',
  'personal.permission_denied': 'Browser notifications are blocked in this browser: allow them in its site settings.',
  'personal.permission_unsupported': 'This browser cannot show notifications from this address (they need HTTPS).',

  'personal.call': 'Click-to-call',
  'personal.extension': 'My extension or phone number',
  'personal.extension_help':
    'Up to 30 characters: digits, +, *, # and spaces. Calls from the contact panel ring here when your phone system uses it.',
  'personal.extension_invalid': 'Use at most {max} characters: digits, +, *, # and spaces.',
  'personal.save_extension': 'Save extension',
  'personal.extension_saved': 'Your extension was saved.',

  'personal.quick_replies': 'Quick replies',
  'personal.quick_replies_help': 'Your personal canned replies, offered in the composer to you only:',
  'personal.quick_replies_link': 'My quick replies',

  'personal.toasts': 'Notifications',
  'personal.toast_dismiss': 'Dismiss',
  'personal.someone': 'Someone',
  'personal.toast_new_conversation': 'New conversation in {inbox}: {conversation}',
  'personal.toast_assigned': '{actor} assigned you {conversation}',
  'personal.toast_assigned_auto': '{conversation} was assigned to you',
  'personal.toast_mention_note': '{actor} mentioned you in a note on {conversation}',
  'personal.toast_mention_chat': '{actor} mentioned you in {chat}',
  'personal.toast_mention': '{actor} mentioned you',
  'personal.toast_direct': '{actor}: {excerpt}',
} as const;

export const de: Record<keyof typeof en, string> = {
  'personal.status': 'Status',
  'personal.availability': 'Verfügbarkeit',
  'personal.availability_available': 'Verfügbar',
  'personal.availability_away': 'Abwesend',
  'personal.availability_offline': 'Offline',
  'personal.availability_help':
    'Schließt du deinen letzten Switchboard-Tab, bist du offline; öffnest du einen, bist du wieder verfügbar. Abwesend bleibt abwesend, solange du Tabs offen hast.',
  'personal.availability_invalid': 'Wähle verfügbar, abwesend oder offline.',
  'personal.status_message': 'Statusmeldung (bis zu 80 Zeichen)',
  'personal.status_message_invalid': 'Schreib höchstens {max} Zeichen.',
  'personal.save_status': 'Status speichern',
  'personal.status_saved': 'Dein Status wurde gespeichert.',

  'personal.queues': 'Warteschlangen',
  'personal.queues_help':
    'Posteingänge mit Reihum-Zuweisung geben neue Unterhaltungen der Reihe nach an Mitglieder, die sie annehmen und verfügbar sind.',
  'personal.queue_take': 'Neue Unterhaltungen aus {inbox} annehmen',
  'personal.queue_rotation_off': 'Die Reihum-Zuweisung ist in {inbox} zurzeit aus.',
  'personal.queues_none': 'Du bist in keinem geteilten Posteingang Mitglied.',
  'personal.queues_invalid': 'Wähle unter den angezeigten Posteingängen.',
  'personal.save_queues': 'Warteschlangen speichern',
  'personal.queues_saved': 'Deine Warteschlangen wurden gespeichert.',

  'personal.notifications': 'Benachrichtigungen',
  'personal.notifications_help':
    'Zu jedem dieser Ereignisse erscheint ein Hinweis in deinen offenen Switchboard-Tabs. Wähle, was dich sonst noch darauf aufmerksam machen soll.',
  'personal.event': 'Ereignis',
  'personal.event_new_conversation': 'Neue Unterhaltung in meinen Posteingängen',
  'personal.event_assigned': 'Mir zugewiesen',
  'personal.event_mention': 'Jemand erwähnt mich',
  'personal.event_direct': 'Direktnachricht',
  'personal.browser': 'Browser-Benachrichtigung',
  'personal.sound': 'Ton',
  'personal.browser_for': 'Browser-Benachrichtigung: {event}',
  'personal.sound_for': 'Ton: {event}',
  'personal.sound_help':
    'Der Ton erklingt, sobald du einmal in den Tab geklickt hast (vorher erlauben Browser keinen Ton).',
  'personal.choice_invalid': 'Setz das Häkchen oder lass das Feld leer.',
  'personal.save_notifications': 'Benachrichtigungen speichern',
  'personal.notifications_saved': 'Benachrichtigungen gespeichert.',
  'personal.allow_browser': 'Browser-Benachrichtigungen erlauben',
  'personal.permission_default': 'Browser-Benachrichtigungen sind in diesem Browser noch nicht erlaubt.',
  'personal.permission_granted': 'Browser-Benachrichtigungen sind in diesem Browser erlaubt.',
  'personal.permission_denied':
    'Browser-Benachrichtigungen sind in diesem Browser blockiert: Erlaube sie in seinen Website-Einstellungen.',
  'personal.permission_unsupported':
    'Dieser Browser kann von dieser Adresse keine Benachrichtigungen zeigen (dafür braucht es HTTPS).',

  'personal.call': 'Click-to-Call',
  'personal.extension': 'Meine Durchwahl oder Telefonnummer',
  'personal.extension_help':
    'Bis zu 30 Zeichen: Ziffern, +, *, # und Leerzeichen. Anrufe aus der Kontaktleiste klingeln hier, wenn eure Telefonanlage sie nutzt.',
  'personal.extension_invalid': 'Verwende höchstens {max} Zeichen: Ziffern, +, *, # und Leerzeichen.',
  'personal.save_extension': 'Durchwahl speichern',
  'personal.extension_saved': 'Deine Durchwahl wurde gespeichert.',

  'personal.quick_replies': 'Schnellantworten',
  'personal.quick_replies_help': 'Deine persönlichen Textbausteine, die nur dir im Antwortfeld angeboten werden:',
  'personal.quick_replies_link': 'Meine Schnellantworten',

  'personal.toasts': 'Benachrichtigungen',
  'personal.toast_dismiss': 'Schließen',
  'personal.someone': 'Jemand',
  'personal.toast_new_conversation': 'Neue Unterhaltung in {inbox}: {conversation}',
  'personal.toast_assigned': '{actor} hat dir {conversation} zugewiesen',
  'personal.toast_assigned_auto': '{conversation} wurde dir zugewiesen',
  'personal.toast_mention_note': '{actor} hat dich in einer Notiz zu {conversation} erwähnt',
  'personal.toast_mention_chat': '{actor} hat dich in {chat} erwähnt',
  'personal.toast_mention': '{actor} hat dich erwähnt',
  'personal.toast_direct': '{actor}: {excerpt}',
};
