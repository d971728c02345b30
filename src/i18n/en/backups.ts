/** The admin page of backups. */
export const backups = {
  'admin.backups.title': 'Backups',
  'admin.backups.schedule': 'The server backs up every {hours} h and keeps the newest {keep}.',
  'admin.backups.schedule_off':
    'The server makes no backups by itself ([backup] every_hours = 0); use “Back up now” or switchboard backup.',
  'admin.backups.where': 'Folder: {dir}',
  'admin.backups.now': 'Back up now',
  'admin.backups.made': 'Backed up to {dir}.',
  'admin.backups.failed': 'The backup failed: {reason}',
  'admin.backups.last_failed': 'The last backup failed at {time}: {reason}',
  'admin.backups.none': 'No backup yet.',
  'admin.backups.made_at': 'Made',
  'admin.backups.database': 'Database',
  'admin.backups.media': 'Media',
  'admin.backups.media_value': { one: '{n} file, {size}', other: '{n} files, {size}' },
  'admin.backups.folder': 'Folder',
} as const;
