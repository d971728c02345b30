/** Collision awareness: who else is in a conversation, and the question before answering a customer twice. */
export const collision = {
  'collision.typing_one': '{names} is typing a reply',
  'collision.typing_many': '{names} are typing a reply',
  'collision.viewing_one': '{names} is viewing',
  'collision.viewing_many': '{names} are viewing',
  'collision.replied_seconds': {
    one: '{name} replied {n} second ago: “{text}”',
    other: '{name} replied {n} seconds ago: “{text}”',
  },
  'collision.replied_minutes': {
    one: '{name} replied {n} minute ago: “{text}”',
    other: '{name} replied {n} minutes ago: “{text}”',
  },
  'collision.replied_at': '{name} replied at {time}: “{text}”',
  'collision.send_anyway_question': 'Send anyway?',
  'collision.send_anyway': 'Send anyway',
  'collision.cancel': 'Cancel',
} as const;
