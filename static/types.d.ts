// What the browser modules need to know of htmx 4 and of the page, for `tsc -p static`.

/** A behaviour module, as the entry hands it to start() (lib/start.js). */
interface Behaviour {
  /** Adds document-level listeners, once. */
  listen?(): void;
  /** Sets up what needs it in a subtree: the page at start, then each piece of content htmx swaps in. */
  init?(root: Element): void;
  /** Sees every key press of the page, through the one keydown listener. */
  keydown?(event: KeyboardEvent): void;
}

/** The part of htmx's request context the behaviours read. */
interface HtmxContext {
  /** The element whose request this is (a form, a button inside it…). */
  sourceElement?: Element | null;
}

interface HtmxSwapDetail {
  ctx: HtmxContext;
}

interface HTMLElementEventMap {
  'htmx:before:swap': CustomEvent<HtmxSwapDetail>;
}

interface DocumentEventMap {
  /** htmx has processed a subtree: the page at start, then every piece of content swapped in (what htmx.onLoad hears). */
  'htmx:after:process': CustomEvent<Record<string, never>>;
}

interface Window {
  /** Safari before 14.1. */
  webkitAudioContext?: typeof AudioContext;
}
