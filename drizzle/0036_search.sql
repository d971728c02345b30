-- Custom migration: full-text search (FTS5) over message texts, notes and contacts, kept in step by triggers.
-- Each index reads its text from a view (external content): the text as written, plus a folded copy where German
-- spelling differs (ä → ae, ö → oe, ü → ue, ß → ss), so "mueller" finds Müller; remove_diacritics finds it as "muller".
-- The folding is plain SQL in the views, so every connection's writes (the sqlite3 shell, a restore) keep the
-- index right. Triggers read the view before a row changes ('delete' needs the indexed values) and after.
CREATE VIEW search_message_docs AS SELECT id, body, nullif(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(body, 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'Ä', 'Ae'), 'Ö', 'Oe'), 'Ü', 'Ue'), 'ß', 'ss'), 'ẞ', 'SS'), 'a' || char(776), 'ae'), 'o' || char(776), 'oe'), 'u' || char(776), 'ue'), 'A' || char(776), 'Ae'), 'O' || char(776), 'Oe'), 'U' || char(776), 'Ue'), body) AS folded FROM messages;--> statement-breakpoint
CREATE VIRTUAL TABLE search_messages USING fts5(body, folded, content = 'search_message_docs', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');--> statement-breakpoint
CREATE VIEW search_note_docs AS SELECT id, body, nullif(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(body, 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'Ä', 'Ae'), 'Ö', 'Oe'), 'Ü', 'Ue'), 'ß', 'ss'), 'ẞ', 'SS'), 'a' || char(776), 'ae'), 'o' || char(776), 'oe'), 'u' || char(776), 'ue'), 'A' || char(776), 'Ae'), 'O' || char(776), 'Oe'), 'U' || char(776), 'Ue'), body) AS folded FROM conversation_notes;--> statement-breakpoint
CREATE VIRTUAL TABLE search_notes USING fts5(body, folded, content = 'search_note_docs', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');--> statement-breakpoint
CREATE VIEW search_contact_docs AS SELECT id, name, company, email, nullif(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(concat_ws(' ', name, company), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'Ä', 'Ae'), 'Ö', 'Oe'), 'Ü', 'Ue'), 'ß', 'ss'), 'ẞ', 'SS'), 'a' || char(776), 'ae'), 'o' || char(776), 'oe'), 'u' || char(776), 'ue'), 'A' || char(776), 'Ae'), 'O' || char(776), 'Oe'), 'U' || char(776), 'Ue'), concat_ws(' ', name, company)) AS folded FROM contacts;--> statement-breakpoint
CREATE VIRTUAL TABLE search_contacts USING fts5(name, company, email, folded, content = 'search_contact_docs', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');--> statement-breakpoint
-- A contact's numbers as digits (E.164 without its +), one document per contact, searched by any three digits in a row.
-- This index keeps its own copy of the text (no external content): a number that moves to another contact (an upsert)
-- rewrites two documents, and removing a document by rowid needs no old values, so no trigger order can corrupt it.
CREATE VIEW search_phone_docs AS SELECT contact_id AS id, group_concat(replace(phone, '+', ''), ' ' ORDER BY phone) AS digits FROM contact_phones GROUP BY contact_id;--> statement-breakpoint
CREATE VIRTUAL TABLE search_phones USING fts5(digits, tokenize = 'trigram');--> statement-breakpoint
CREATE TRIGGER search_messages_insert AFTER INSERT ON messages BEGIN
  INSERT INTO search_messages(rowid, body, folded) SELECT id, body, folded FROM search_message_docs WHERE id = new.id;
END;--> statement-breakpoint
CREATE TRIGGER search_messages_delete BEFORE DELETE ON messages BEGIN
  INSERT INTO search_messages(search_messages, rowid, body, folded) SELECT 'delete', id, body, folded FROM search_message_docs WHERE id = old.id;
END;--> statement-breakpoint
CREATE TRIGGER search_messages_update_before BEFORE UPDATE OF id, body ON messages BEGIN
  INSERT INTO search_messages(search_messages, rowid, body, folded) SELECT 'delete', id, body, folded FROM search_message_docs WHERE id = old.id;
END;--> statement-breakpoint
CREATE TRIGGER search_messages_update_after AFTER UPDATE OF id, body ON messages BEGIN
  INSERT INTO search_messages(rowid, body, folded) SELECT id, body, folded FROM search_message_docs WHERE id = new.id;
END;--> statement-breakpoint
CREATE TRIGGER search_notes_insert AFTER INSERT ON conversation_notes BEGIN
  INSERT INTO search_notes(rowid, body, folded) SELECT id, body, folded FROM search_note_docs WHERE id = new.id;
END;--> statement-breakpoint
CREATE TRIGGER search_notes_delete BEFORE DELETE ON conversation_notes BEGIN
  INSERT INTO search_notes(search_notes, rowid, body, folded) SELECT 'delete', id, body, folded FROM search_note_docs WHERE id = old.id;
END;--> statement-breakpoint
CREATE TRIGGER search_notes_update_before BEFORE UPDATE OF id, body ON conversation_notes BEGIN
  INSERT INTO search_notes(search_notes, rowid, body, folded) SELECT 'delete', id, body, folded FROM search_note_docs WHERE id = old.id;
END;--> statement-breakpoint
CREATE TRIGGER search_notes_update_after AFTER UPDATE OF id, body ON conversation_notes BEGIN
  INSERT INTO search_notes(rowid, body, folded) SELECT id, body, folded FROM search_note_docs WHERE id = new.id;
END;--> statement-breakpoint
CREATE TRIGGER search_contacts_insert AFTER INSERT ON contacts BEGIN
  INSERT INTO search_contacts(rowid, name, company, email, folded) SELECT id, name, company, email, folded FROM search_contact_docs WHERE id = new.id;
END;--> statement-breakpoint
CREATE TRIGGER search_contacts_delete BEFORE DELETE ON contacts BEGIN
  INSERT INTO search_contacts(search_contacts, rowid, name, company, email, folded) SELECT 'delete', id, name, company, email, folded FROM search_contact_docs WHERE id = old.id;
END;--> statement-breakpoint
CREATE TRIGGER search_contacts_update_before BEFORE UPDATE OF id, name, company, email ON contacts BEGIN
  INSERT INTO search_contacts(search_contacts, rowid, name, company, email, folded) SELECT 'delete', id, name, company, email, folded FROM search_contact_docs WHERE id = old.id;
END;--> statement-breakpoint
CREATE TRIGGER search_contacts_update_after AFTER UPDATE OF id, name, company, email ON contacts BEGIN
  INSERT INTO search_contacts(rowid, name, company, email, folded) SELECT id, name, company, email, folded FROM search_contact_docs WHERE id = new.id;
END;--> statement-breakpoint
-- A number added, removed or moved changes its contact's document (both contacts' when it moved): written again.
CREATE TRIGGER search_phones_insert AFTER INSERT ON contact_phones BEGIN
  DELETE FROM search_phones WHERE rowid = new.contact_id;
  INSERT INTO search_phones(rowid, digits) SELECT id, digits FROM search_phone_docs WHERE id = new.contact_id;
END;--> statement-breakpoint
CREATE TRIGGER search_phones_delete AFTER DELETE ON contact_phones BEGIN
  DELETE FROM search_phones WHERE rowid = old.contact_id;
  INSERT INTO search_phones(rowid, digits) SELECT id, digits FROM search_phone_docs WHERE id = old.contact_id;
END;--> statement-breakpoint
CREATE TRIGGER search_phones_update AFTER UPDATE ON contact_phones BEGIN
  DELETE FROM search_phones WHERE rowid IN (old.contact_id, new.contact_id);
  INSERT INTO search_phones(rowid, digits) SELECT id, digits FROM search_phone_docs WHERE id IN (old.contact_id, new.contact_id);
END;--> statement-breakpoint
-- What is already stored.
INSERT INTO search_messages(search_messages) VALUES ('rebuild');--> statement-breakpoint
INSERT INTO search_notes(search_notes) VALUES ('rebuild');--> statement-breakpoint
INSERT INTO search_contacts(search_contacts) VALUES ('rebuild');--> statement-breakpoint
INSERT INTO search_phones(rowid, digits) SELECT id, digits FROM search_phone_docs;
