/** API tokens: Settings → API tokens, and what the domain says about them. */
export const api = {
  'api_tokens.name_invalid': 'Give the token a name of 1 to 80 characters.',
  'api_tokens.scopes_invalid': 'Choose at least one scope among: {scopes}.',
  'api_tokens.user_inactive': 'This user is deactivated: their tokens would not work.',
} as const;
