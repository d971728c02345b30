/** Assignment in turn (round-robin). */
export const assignment = {
  'event.auto_assigned': 'Assigned to {assignee} automatically (round-robin)',
  'assignment.round_robin_title': 'Round-robin',
  'assignment.round_robin_on':
    'Round-robin is on: new conversations go in turn to members who are in the queue and available.',
  'assignment.round_robin_off': 'Round-robin is off: new conversations wait unassigned.',
  'assignment.round_robin_needs_assignment': 'Round-robin assigns nothing while assignment is switched off.',
  'assignment.enable_field': 'Assign new conversations in turn (round-robin)',
  'assignment.max_open_field': 'Most open conversations per agent (empty: no limit)',
  'assignment.max_open_invalid': 'Enter a whole number from 1 to {max}, or leave it empty for no limit.',
  'assignment.save': 'Save round-robin',
  'assignment.saved': 'Round-robin settings saved.',
} as const;
