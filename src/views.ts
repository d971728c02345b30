import type { FastifyViewOptions } from '@fastify/view';
import { Eta } from 'eta';
import { viewsDir } from './paths.ts';

/** One Eta instance: routes render pages with it, realtime renders the same partials for pushes. */
export function createViews(cache: boolean): Eta {
  return new Eta({ views: viewsDir, autoEscape: true, cache, autoTrim: [false, 'nl'] });
}

/**
 * @fastify/view around that instance (`reply.viewAsync`). The plugin sets `views` and `cache` on the instance again
 * before each render, from `root` and `production`: they are the instance's own, so realtime's direct renders see
 * the same configuration.
 */
export const viewOptions = (eta: Eta): FastifyViewOptions => ({
  engine: { eta },
  root: viewsDir,
  production: eta.config.cache,
});
