import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { conversations } from './conversations.ts';
import { users } from './users.ts';

export const questionKinds = ['rating', 'nps', 'choice', 'text'] as const;
export type QuestionKind = (typeof questionKinds)[number];

/** A survey managers define once and agents send from conversations. */
export const surveys = sqliteTable('surveys', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  title: text('title').notNull(),
  /** The text message that carries the link; `{link}` marks where it goes. */
  invitation: text('invitation').notNull(),
  archived: integer('archived', { mode: 'boolean' }).notNull().default(false),
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: integer('created_at').notNull(),
});

export const surveyQuestions = sqliteTable(
  'survey_questions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    surveyId: integer('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    kind: text('kind', { enum: questionKinds }).notNull(),
    prompt: text('prompt').notNull(),
    /** The choices of a multiple-choice question. */
    options: text('options', { mode: 'json' }).$type<string[]>(),
  },
  (t) => [index('survey_questions_survey_idx').on(t.surveyId, t.position)],
);

/** One survey sent in one conversation; the customer answers through its unguessable token. */
export const surveySends = sqliteTable(
  'survey_sends',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    surveyId: integer('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    token: text('token').notNull().unique(),
    sentBy: integer('sent_by').references(() => users.id, { onDelete: 'set null' }),
    sentAt: integer('sent_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    answeredAt: integer('answered_at'),
  },
  (t) => [
    index('survey_sends_survey_idx').on(t.surveyId, t.sentAt),
    index('survey_sends_conversation_idx').on(t.conversationId, t.sentAt),
  ],
);

export const surveyAnswers = sqliteTable(
  'survey_answers',
  {
    sendId: integer('send_id')
      .notNull()
      .references(() => surveySends.id, { onDelete: 'cascade' }),
    questionId: integer('question_id')
      .notNull()
      .references(() => surveyQuestions.id, { onDelete: 'cascade' }),
    /** Ratings, scores and the index of the chosen option. */
    number: integer('number'),
    text: text('text'),
  },
  (t) => [primaryKey({ columns: [t.sendId, t.questionId] })],
);
