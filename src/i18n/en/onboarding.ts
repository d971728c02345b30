export const onboarding = {
  'onboarding.title': 'Getting started',
  'onboarding.teammate': 'Add a teammate',
  'onboarding.carrier': 'Connect a carrier',
  'onboarding.text': 'Send a test text',
  'onboarding.carrier_help': 'Add an [[smpp]] connection and a [[number]] to switchboard.toml, then reload.',
  'onboarding.is_done': 'done',
  'onboarding.to_do': 'to do',
  'onboarding.all_done': 'All set: your team can text customers.',
  'onboarding.dismiss': 'Dismiss the checklist',
  'onboarding.not_done': 'The checklist stays until everything on it is done.',
} as const;
