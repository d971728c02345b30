/** A user’s own settings page. */
export const settings = {
  'settings.title': 'Settings',
  'settings.profile': 'Profile',
  'settings.language_browser': 'Same as my browser',
  'settings.save': 'Save profile',
  'settings.saved': 'Your profile was saved.',
  'settings.password': 'Password',
  'settings.change_password': 'Change password',
  'settings.password_saved': 'Your password was changed. Other devices were signed out.',
  'settings.time_zone': 'Time zone',
  'settings.time_zone_server': 'Same as the server ({zone})',
  'settings.time_zone_help':
    'Times are shown in this zone, and days (date filters, reports) run from midnight to midnight in it.',
  'settings.save_time_zone': 'Save time zone',
  'settings.time_zone_saved': 'Your time zone was saved.',
  'settings.display': 'Display',
  'settings.hide_tags': 'Hide tags in conversation lists',
  'settings.save_display': 'Save display settings',
  'settings.display_saved': 'Display settings saved.',
} as const;
