/** The admin page of carrier connections. */
export const connections = {
  'admin.connections.title': 'Carrier connections',
  'admin.connections.none': 'No SMPP connection is configured.',
  'admin.connections.name': 'Connection',
  'admin.connections.status': 'State',
  'admin.connections.since': 'since {time}',
  'admin.connections.next_attempt': 'next attempt {time} (in {seconds} s)',
  'admin.connections.last_error': 'Last error',
  'admin.connections.queue': 'Queue',
  'admin.connections.queue_value': '{inFlight} in flight, {waiting} waiting',
  'admin.connections.counts': 'Sent / failed',
  'admin.connections.counts_value': '{sent} / {failed}',
  'connection.connecting': 'Connecting',
  'connection.bound': 'Bound',
  'connection.down': 'Down',
  'connection.stopped': 'Stopped',
} as const;
