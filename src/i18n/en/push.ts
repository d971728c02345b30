/** Notifications with no tab open (Web Push), and the page a phone shows offline. */
export const push = {
  'push.device': 'Notifications on this device',
  'push.state_unsupported':
    'This browser cannot take notifications while Switchboard is closed (it needs HTTPS, and on an iPhone the app added to the home screen).',
  'push.state_denied': 'Notifications are blocked in this browser: allow them in its site settings.',
  'push.state_on':
    'On: this device shows the notifications you chose for the browser, even with no Switchboard tab open.',
  'push.state_off': 'Off: this device shows notifications only while a Switchboard tab is open.',
  'push.state_failed': 'That did not work. Try again, or reload the page.',
  'push.turn_on': 'Turn on for this device',
  'push.turn_off': 'Turn off for this device',
  'push.devices': {
    one: '{n} device of yours takes notifications.',
    other: '{n} devices of yours take notifications.',
  },
  'push.device_help': 'They go for the events ticked under "Browser notification" below.',
  'push.endpoint_invalid': 'This browser sent a push address Switchboard cannot use (it must be https).',
  'push.key_invalid': 'This browser sent an encryption key Switchboard cannot use.',
  'push.offline_title': 'No connection',
  'push.offline_text': 'Switchboard cannot be reached right now. Your conversations are waiting on the server.',
  'push.offline_retry': 'Try again',
} as const;
