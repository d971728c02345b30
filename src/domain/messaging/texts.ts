import type { NumberConfig } from '../numbers/sync.ts';

/** The automatic answers to keywords; each number may word its own. */
export interface KeywordTexts {
  stop: string;
  start: string;
  help: string;
}

export const defaultKeywordTexts: KeywordTexts = {
  stop: 'You have been unsubscribed and will receive no more messages from this number. Reply START to resubscribe.',
  start: 'You are subscribed again. Reply STOP to unsubscribe, HELP for help.',
  help: 'Reply STOP to unsubscribe, START to resubscribe.',
};

export function keywordTextsOf(
  number: Pick<NumberConfig, 'stop_text' | 'start_text' | 'help_text'> | undefined,
): KeywordTexts {
  return {
    stop: number?.stop_text ?? defaultKeywordTexts.stop,
    start: number?.start_text ?? defaultKeywordTexts.start,
    help: number?.help_text ?? defaultKeywordTexts.help,
  };
}
