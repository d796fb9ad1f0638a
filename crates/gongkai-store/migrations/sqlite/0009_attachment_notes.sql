-- What the automatic PII check could not cover in an attachment (a PDF
-- without a text layer, encrypted, pages unreadable; images; legacy Office),
-- shown to the reviewer. NULL: fully checked, or stored before this column.
ALTER TABLE publication_attachments ADD COLUMN text_note TEXT;
