import { capabilitiesOf, type MessageKind } from '../domain/messaging/capabilities.ts';
import { replyWindowOf } from '../domain/messaging/outbox.ts';
import { quotableExcerpt } from '../domain/messaging/quotes.ts';
import { analyzeText } from '../domain/messaging/sms-parts.ts';
import { approvedTemplatesFor, fillTemplate } from '../domain/messaging/templates.ts';
import type { ConfigStore } from '../config/store.ts';
import { callLinks, contactHistory, getContact, isFavourite } from '../domain/contacts/service.ts';
import type { Actor, DomainContext } from '../domain/context.ts';
import { newestReplyId } from '../domain/conversations/collision.ts';
import { getConversation, type ConversationView } from '../domain/conversations/queries.ts';
import type { TimelineCursor } from '../domain/conversations/timeline.ts';
import { humanSize } from '../domain/media/attachments.ts';
import { ACCEPTED_TYPES } from '../domain/media/sniff.ts';
import { listSurveys } from '../domain/surveys/definitions.ts';
import { listTags } from '../domain/tags/service.ts';
import { toPlainText } from '../formatting/markdown.ts';
import { scheduledData, zoneOfActor } from './later.ts';
import type { ReplyAsk } from './collision.ts';
import { timelineData } from './timeline.ts';

/** What the conversation's presenters read: the domain and the configuration as it is now (the app is one). */
export interface Sources {
  domain: DomainContext;
  configStore: ConfigStore;
}

type FormErrors = Record<string, string>;

/** What a refused or half-done form brings back into the page. */
export interface PageState {
  draft?: string;
  errors?: FormErrors;
  panelErrors?: FormErrors;
  panelNotice?: string;
  panelDraft?: Record<string, string>;
  surveyNotice?: string;
  /** A send held back: a teammate replied meanwhile (./collision.ts). */
  ask?: ReplyAsk;
  /** The customer message the refused reply quoted. */
  replyTo?: number;
  /** A refused template send: which template and the values typed. */
  template?: TemplateChoice;
}

export interface TemplateChoice {
  name: string;
  language: string;
  params: string[];
}

const HOUR = 3_600_000;

/** WhatsApp's reply window as the composer says it (null: the kind has none), with the templates offered once it closed. */
function replyWindowView(src: Sources, actor: Actor, conversation: ConversationView, state: PageState) {
  if (capabilitiesOf(conversation.numberKind).replyWindowMs === null) return null;
  const window = replyWindowOf(src.domain, conversation.id);
  if (window.open && window.closesAt !== null) {
    const left = Math.max(0, window.closesAt - src.domain.now());
    return {
      open: true as const,
      hours: Math.floor(left / HOUR),
      minutes: Math.floor((left % HOUR) / 60_000),
      templates: [],
    };
  }
  const chosen = state.template;
  const templates = approvedTemplatesFor(src.domain, actor, conversation.id).map((t) => {
    const mine = chosen && chosen.name === t.name && chosen.language === t.language;
    const params = mine ? t.params.map((p, i) => chosen.params[i] ?? p) : t.params;
    return {
      ...t,
      params,
      // A variable still empty shows as {{n}}, as the preview in the browser does.
      preview: fillTemplate(
        t.body,
        params.map((p, i) => (p === '' ? `{{${i + 1}}}` : p)),
      ),
      // Distinct per template: the page has one form for each.
      key: `${t.name}-${t.language}`.replace(/[^\w-]/g, '_'),
      chosen: mine === true,
    };
  });
  return { open: false as const, hours: 0, minutes: 0, templates };
}

/** The header: state, actions and tags — all that header actions and live header pushes redraw (no timeline). */
export function conversationHeader(
  domain: DomainContext,
  actor: Actor,
  conversationId: number,
  errors: FormErrors = {},
) {
  return { conversation: getConversation(domain, actor, conversationId), allTags: listTags(domain), errors };
}

/** The admin's click-to-call and meeting URL templates (`[contacts]`). */
export const callConfig = (src: Sources) => ({
  callUrl: src.configStore.current.contacts.call_url,
  meetingUrl: src.configStore.current.contacts.meeting_url,
});

/** The contact panel beside a conversation: the contact, whether they are my favourite, their history I may see. None for a number's history. */
export function contactPanel(src: Sources, actor: Actor, conversation: ConversationView, state: PageState = {}) {
  const panel = conversation.history
    ? null
    : {
        contact: getContact(src.domain, actor, conversation.contactId),
        favourite: isFavourite(src.domain, actor, conversation.contactId),
        history: contactHistory(src.domain, actor, conversation.contactId),
        links: callLinks(src.domain, actor, conversation.id, callConfig(src)),
      };
  return { panel, panelErrors: state.panelErrors ?? {}, panelNotice: state.panelNotice, panelDraft: state.panelDraft };
}

/**
 * The composer's meter, as the number's kind counts: SMS parts (characters left in this SMS, how many SMS), or
 * characters against the kind's limit. `textLimit` is the draft's maximum length.
 */
export function composerCount(kind: MessageKind, draft: string) {
  const { meter, textLimit } = capabilitiesOf(kind);
  const count =
    meter === 'sms-parts'
      ? { meter, ...analyzeText(toPlainText(draft)) }
      : { meter, characters: draft.length, limit: textLimit };
  return { count, textLimit };
}

/** The customer message a reply quotes, drawn above the composer again after a refused send. */
function quoteOf(src: Sources, conversation: ConversationView, state: PageState) {
  if (state.replyTo === undefined || !capabilitiesOf(conversation.numberKind).quotes) return null;
  const excerpt = quotableExcerpt(src.domain, conversation.id, state.replyTo);
  return excerpt === null ? null : { id: state.replyTo, excerpt };
}

/**
 * The reply composer under the timeline: the draft and its count, what may be attached, the surveys to send;
 * on WhatsApp the reply window, and once it closed the templates in its place.
 */
function composer(src: Sources, actor: Actor, conversation: ConversationView, state: PageState) {
  const draft = state.draft ?? '';
  return {
    draft,
    errors: state.errors ?? {},
    ...composerCount(conversation.numberKind, draft),
    attach:
      conversation.maxAttachments > 0
        ? {
            max: conversation.maxAttachments,
            size: humanSize(conversation.maxAttachmentBytes),
            linkDays: conversation.mediaRoute === 'link' ? src.configStore.current.media.link_days : null,
            accept: ACCEPTED_TYPES,
          }
        : null,
    // The recorder, when the number's kind sends recorded voice notes.
    voiceNotes: capabilitiesOf(conversation.numberKind).voiceNotes,
    replyWindow: replyWindowView(src, actor, conversation, state),
    quote: quoteOf(src, conversation, state),
    surveys: listSurveys(src.domain),
    surveyNotice: state.surveyNotice,
    ask: state.ask ?? null,
    // What the composer is drawn after: a send that finds a teammate's newer reply asks first.
    seenReply: newestReplyId(src.domain, conversation.id),
  };
}

/** The composer alone, for its redraws (a canned reply put in, a refused send, a survey sent). */
export function conversationComposer(src: Sources, actor: Actor, conversationId: number, state: PageState = {}) {
  const conversation = getConversation(src.domain, actor, conversationId);
  return { conversation, ...composer(src, actor, conversation, state) };
}

/** The whole conversation page: header, panel, composer and one page of the timeline (the newest, or the one before `before`). */
export function conversationPage(
  src: Sources,
  actor: Actor,
  conversationId: number,
  state: PageState = {},
  before?: TimelineCursor,
) {
  const header = conversationHeader(src.domain, actor, conversationId, state.errors);
  return {
    ...header,
    ...contactPanel(src, actor, header.conversation, state),
    ...composer(src, actor, header.conversation, state),
    timeline: timelineData(src.domain, actor, conversationId, before),
    // Scheduled replies wait below the newest page only.
    ...scheduledData(src.domain, actor, conversationId, zoneOfActor(src, actor), before === undefined),
  };
}
