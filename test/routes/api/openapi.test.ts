import SwaggerParser from '@apidevtools/swagger-parser';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { formatOpenApi, OPENAPI_FILE } from '../../../scripts/openapi.ts';
import { testApp } from '../../helper.ts';

test('the served OpenAPI document is valid and is the committed docs/openapi.json', async (t) => {
  const w = await testApp(t);
  const res = await w.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  assert.equal(res.statusCode, 200);
  const served = res.json<Record<string, unknown>>();
  // The parser resolves $refs in place: it gets a copy.
  await SwaggerParser.validate(structuredClone(served) as never);
  assert.ok(
    formatOpenApi(served) === readFileSync(OPENAPI_FILE, 'utf8'),
    'docs/openapi.json differs from what the routes say: run `npm run openapi` and commit it',
  );
});

test('the API reference is a plain page drawn from the document: every operation, its parameters and answers', async (t) => {
  const w = await testApp(t);
  const res = await w.app.inject({ method: 'GET', url: '/api/v1/docs' });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /^text\/html/);
  assert.doesNotMatch(res.body, /<script/, 'no script: the CSP is strict and nothing comes from a CDN');
  const doc = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  for (const [path, methods] of Object.entries(doc.paths))
    for (const method of Object.keys(methods))
      assert.ok(res.body.includes(`<code>${method.toUpperCase()} ${path}</code>`), `${method} ${path}`);
  assert.match(res.body, /<caption>Parameters<\/caption>/);
  assert.match(res.body, /<code>idempotency-key<\/code>/);
  assert.match(res.body, /Needs the scope <code>messages:send<\/code>\./);
  assert.match(res.body, /<caption><code>Conversation<\/code><\/caption>/);
});
