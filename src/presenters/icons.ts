/**
 * The app's icons: Lucide's (lucide-static, ISC), drawn from one SVG sprite (static/icons/sprite.svg) that
 * `npm run icons` builds from this list. Add a name here, run it, commit the sprite; templates draw an icon with
 * `it.icon('name')` (decorative: the control around it carries the name).
 */
export const ICONS = [
  'archive',
  'at-sign',
  'bell',
  'bold',
  'check',
  'check-check',
  'chevron-down',
  'chevron-left',
  'circle-alert',
  'circle-help',
  'clock',
  'contact-round',
  'ellipsis',
  'ellipsis-vertical',
  'hard-drive-download',
  'image',
  'inbox',
  'italic',
  'link',
  'list',
  'list-checks',
  'list-ordered',
  'log-out',
  'map-pin',
  'message-circle',
  'message-square',
  'message-square-text',
  'mic',
  'moon',
  'paperclip',
  'pencil',
  'phone',
  'pin',
  'plug',
  'plus',
  'reply',
  'scroll-text',
  'search',
  'send',
  'settings',
  'shield-alert',
  'smile',
  'square-pen',
  'star',
  'sticky-note',
  'strikethrough',
  'tag',
  'trash-2',
  'undo-2',
  'user',
  'user-check',
  'user-plus',
  'users',
  'video',
  'x',
  'zap',
] as const;

export type IconName = (typeof ICONS)[number];

/** An icon from the sprite, hidden from assistive technology: the control around it is named by its text or label. */
export const icon = (name: IconName): string =>
  `<svg class="icon" aria-hidden="true" focusable="false"><use href="/static/icons/sprite.svg#${name}"></use></svg>`;
