-- Issue 8 (scale): the public list of an agency (法定主动公开内容) is read
-- newest first, a page at a time (Store::public_publications); this index
-- serves the ORDER BY published_on DESC, id DESC of one agency without
-- sorting all of its items. Kept in lock-step with migrations/postgres/0010_scale.sql.
CREATE INDEX publications_agency_published ON publications(agency_id, published_on, id);
