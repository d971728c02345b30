import { Eta } from 'eta';
import { viewsDir } from './paths.ts';

/** One Eta instance: routes render pages with it, realtime renders the same partials for pushes. */
export function createViews(cache: boolean): Eta {
  return new Eta({ views: viewsDir, autoEscape: true, cache, autoTrim: [false, 'nl'] });
}
