import type { FastifyInstance } from 'fastify';
import { answerSurvey, surveyForToken } from '../domain/surveys/answers.ts';
import { formErrorsOf, formFields } from './forms.ts';

/** The customer's side of a survey: no sign-in; the unguessable token in the link is the key. */
export default async function publicSurveyRoutes(app: FastifyInstance): Promise<void> {
  const token = (params: unknown): string => String((params as Record<string, string>).token ?? '');

  app.get('/s/:token', async (req, reply) => {
    reply.header('referrer-policy', 'no-referrer');
    return reply.page('pages/survey-public', {
      ...surveyForToken(app.domain, token(req.params)),
      errors: {},
      values: {},
      thanks: false,
    });
  });

  app.post('/s/:token', async (req, reply) => {
    const t = token(req.params);
    reply.header('referrer-policy', 'no-referrer');
    const answers = formFields(req);
    try {
      answerSurvey(app.domain, t, answers);
      return reply.page('pages/survey-public', {
        ...surveyForToken(app.domain, t),
        errors: {},
        values: {},
        thanks: true,
      });
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      reply.code(refused.status);
      return reply.page('pages/survey-public', {
        ...surveyForToken(app.domain, t),
        errors: refused.errors,
        values: answers,
        thanks: false,
      });
    }
  });
}
