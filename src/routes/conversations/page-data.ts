import type { FastifyInstance } from 'fastify';
import { analyzeText } from '../../channels/smpp/encoding.ts';
import { toPlainText } from '../../formatting/markdown.ts';
import { contactHistory, getContact, isFavourite } from '../../domain/contacts/service.ts';
import type { Actor } from '../../domain/context.ts';
import { getConversation, type ConversationView } from '../../domain/conversations/queries.ts';
import { listTags } from '../../domain/tags/service.ts';
import { listSurveys } from '../../domain/surveys/definitions.ts';
import { humanSize } from '../../domain/media/attachments.ts';
import { ACCEPTED_TYPES } from '../../domain/media/sniff.ts';
import type { FormErrors } from '../forms.ts';

export interface PageState {
  draft?: string;
  errors?: FormErrors;
  panelErrors?: FormErrors;
  panelNotice?: string;
  panelDraft?: Record<string, string>;
  surveyNotice?: string;
}

/** The contact panel beside a conversation: the contact, whether they are my favourite, their history I may see. */
export function panelFor(app: FastifyInstance, actor: Actor, conversation: ConversationView) {
  return {
    contact: getContact(app.domain, actor, conversation.contactId),
    favourite: isFavourite(app.domain, actor, conversation.contactId),
    history: contactHistory(app.domain, actor, conversation.contactId),
    meeting: app.configStore.current.contacts.meeting_url !== undefined,
  };
}

/** Everything the conversation page and its partials (header, panel, composer) draw from, for one user. */
export function conversationPageData(app: FastifyInstance, actor: Actor, conversationId: number, state: PageState = {}) {
  const conversation = getConversation(app.domain, actor, conversationId);
  return {
    conversation,
    panel: conversation.history ? null : panelFor(app, actor, conversation),
    allTags: listTags(app.domain),
    draft: state.draft ?? '',
    errors: state.errors ?? {},
    panelErrors: state.panelErrors ?? {},
    panelNotice: state.panelNotice,
    panelDraft: state.panelDraft,
    count: analyzeText(toPlainText(state.draft ?? '')),
    attach: conversation.maxAttachments > 0
      ? {
          max: conversation.maxAttachments,
          size: humanSize(conversation.maxAttachmentBytes),
          linkDays: conversation.mediaRoute === 'link' ? app.configStore.current.media.link_days : null,
          accept: ACCEPTED_TYPES,
        }
      : null,
    surveys: listSurveys(app.domain),
    surveyNotice: state.surveyNotice,
  };
}
