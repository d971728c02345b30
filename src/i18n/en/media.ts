/** Files sent with messages and the page customers open them on. */
export const media = {
  'media.not_allowed': 'This number does not send attachments.',
  'media.too_many': {
    one: 'You attached {n} file; this number sends at most {max} per message.',
    other: 'You attached {n} files; this number sends at most {max} per message.',
  },
  'media.empty': '{name} is empty.',
  'media.too_large': '{name} is larger than {max}, the most this number sends per file.',
  'media.type':
    '{name} is not a file type carriers take. Send JPEG, PNG, GIF or WebP images, PDF, contact cards (vCard), or MP3, AAC, AMR, Ogg, WAV, MP4 or 3GP audio and video.',
  'media.pixels': '{name} is {width} × {height} pixels; phones open images of up to 40 megapixels.',
  'media.upload_broken': 'The upload was cut off. Attach the files again.',
  'media.open': 'Open {name}',
  'media.pdf_preview': 'Preview of {name}',
  'media.contact_card': 'Contact card: {name}',
  'media.contact_card_unnamed': 'Contact card',
  'media.expired_title': 'Link expired',
  'media.expired': 'This link has expired or does not exist. Ask the sender to send the files again.',
  'media.page_title': 'Files from {from}',
  'media.save': 'Save {name}',
  'media.details': '{name}, {size}',
  'media.way_too_many': 'Too many files at once; attach at most {max}.',
  'media.files_label': 'Attached files: {count}',
  'media.bad_name': '{name}: a file name may not contain folders or control characters.',
  'media.no_size': "{name}: the picture's size cannot be read, so it cannot be checked; save it again as JPEG or PNG.",
  'media.voice_type':
    'The voice note is not a recording this browser can send (Ogg or WebM with Opus). Record it again, or attach the file instead.',
  'media.voice_broken': 'The voice note arrived broken or cut off. Record it again.',
  'media.voice_note': 'Voice note',
  'media.voice_note_seconds': 'Voice note, {time}',
} as const;
