import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { answerSurvey, surveyForToken } from '../domain/surveys/answers.ts';
import { formErrorsOf } from './forms.ts';
import { anyForm } from './schemas.ts';

/** The customer's side of a survey: no sign-in; the unguessable token in the link is the key. */
/** Any token: one that is wrong or expired is told on the page (the domain checks it). */
const tokenParams = z.object({ token: z.string() });

export default async function publicSurveyRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/s/:token', { schema: { params: tokenParams } }, async (req, reply) => {
    reply.header('referrer-policy', 'no-referrer');
    return reply.page('pages/survey-public', {
      ...surveyForToken(app.domain, req.params.token),
      errors: {},
      values: {},
      thanks: false,
    });
  });

  // The answers, keyed by question (`q<id>`): each sent once.
  app.post('/s/:token', { schema: { params: tokenParams, body: anyForm } }, async (req, reply) => {
    const t = req.params.token;
    reply.header('referrer-policy', 'no-referrer');
    const answers = req.body;
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
