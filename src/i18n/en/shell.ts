/** The app's frame: the workspace's panes, the sidebar's groups, the phone's tab bar and the sandbox banner. */
export const shell = {
  'shell.pick': 'Pick a conversation from the list to read and answer it.',
  'shell.back': 'Back to {list}',
  'shell.contact': 'Contact details',
  'shell.contact_close': 'Back to the conversation',
  'shell.admin': 'Admin',
  'shell.more': 'More',
  'shell.banner_dismiss': 'Dismiss',
  'shell.sandbox_short': 'Sandbox: texts go to a built-in test SMSC, not to real phones.',
  'shell.sandbox_connect':
    'To connect a carrier, add [[smpp]] and [[number]] blocks to the configuration file (see switchboard.example.toml).',
} as const;
