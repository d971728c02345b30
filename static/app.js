// @ts-check
// The few things HTML cannot do by itself, one module per behaviour. Everything here is an enhancement: forms work
// without it.
import * as attachments from './behaviours/attachments.js';
import * as composeSwitch from './behaviours/compose-switch.js';
import * as callLog from './behaviours/call-log.js';
import * as campaignProgress from './behaviours/campaign-progress.js';
import * as banners from './behaviours/banners.js';
import * as composer from './behaviours/composer.js';
import * as days from './behaviours/days.js';
import * as contactPicker from './behaviours/contact-picker.js';
import * as emoji from './behaviours/emoji.js';
import * as formatting from './behaviours/formatting.js';
import * as menus from './behaviours/menus.js';
import * as mentions from './behaviours/mentions.js';
import * as navMore from './behaviours/nav-more.js';
import * as notifications from './behaviours/notifications.js';
import * as panes from './behaviours/panes.js';
import * as pins from './behaviours/pins.js';
import * as quotes from './behaviours/quotes.js';
import * as sendLater from './behaviours/send-later.js';
import * as push from './behaviours/push.js';
import * as searchBox from './behaviours/search-box.js';
import * as shortcuts from './behaviours/shortcuts.js';
import * as templates from './behaviours/templates.js';
import * as sound from './behaviours/sound.js';
import * as timeZone from './behaviours/time-zone.js';
import * as title from './behaviours/title.js';
import * as toasts from './behaviours/toasts.js';
import * as undo from './behaviours/undo.js';
import * as typing from './behaviours/typing.js';
import * as voiceRecorder from './behaviours/voice-recorder.js';
import { start } from './lib/start.js';

document.documentElement.classList.add('js');
start([
  timeZone,
  formatting,
  composer,
  composeSwitch,
  days,
  contactPicker,
  mentions,
  emoji,
  attachments,
  pins,
  title,
  toasts,
  undo,
  menus,
  notifications,
  sound,
  sendLater,
  voiceRecorder,
  quotes,
  templates,
  typing,
  push,
  callLog,
  shortcuts,
  searchBox,
  banners,
  navMore,
  panes,
  campaignProgress,
]);
