-- Proactive disclosure (主动公开): catalog, publications with their review
-- trail, channels, attachments, PII overrides, and the outbox the search
-- index follows. Kept in lock-step with migrations/postgres/0005_publications.sql.
CREATE TABLE catalog_categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    code TEXT NOT NULL,
    parent_code TEXT,
    name TEXT NOT NULL,
    sort_order INTEGER NOT NULL,
    UNIQUE (agency_id, code)
);

CREATE TABLE publication_settings (
    agency_id INTEGER PRIMARY KEY REFERENCES agencies(id),
    index_pattern TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE index_counters (
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    year INTEGER NOT NULL,
    last_serial INTEGER NOT NULL,
    PRIMARY KEY (agency_id, year)
);

CREATE TABLE publications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    index_number TEXT NOT NULL,
    category_key TEXT,
    title TEXT NOT NULL,
    body_html TEXT NOT NULL,
    body_text TEXT NOT NULL,
    document_type TEXT NOT NULL,
    issuer TEXT NOT NULL,
    co_issuers TEXT NOT NULL,
    document_number TEXT,
    written_on TEXT NOT NULL,
    published_on TEXT,
    effective_on TEXT,
    expires_on TEXT,
    repealed_on TEXT,
    validity TEXT NOT NULL,
    topic TEXT,
    keywords TEXT NOT NULL,
    summary TEXT,
    attribute TEXT NOT NULL,
    attribute_reason TEXT,
    status TEXT NOT NULL,
    status_reason TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (agency_id, index_number),
    UNIQUE (agency_id, document_number)
);
CREATE INDEX publications_public ON publications(agency_id, status, published_on);

CREATE TABLE publication_channels (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    publication_id INTEGER NOT NULL REFERENCES publications(id),
    channel TEXT NOT NULL,
    released_on TEXT NOT NULL,
    note TEXT,
    actor_label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (publication_id, channel)
);

CREATE TABLE publication_attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    publication_id INTEGER NOT NULL REFERENCES publications(id),
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    text_content TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX publication_attachments_pub ON publication_attachments(publication_id);

CREATE TABLE publication_reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    publication_id INTEGER NOT NULL REFERENCES publications(id),
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    reason TEXT,
    actor_user_id INTEGER,
    actor_label TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX publication_reviews_pub ON publication_reviews(publication_id);

CREATE TABLE pii_overrides (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    publication_id INTEGER NOT NULL REFERENCES publications(id),
    review_id INTEGER NOT NULL REFERENCES publication_reviews(id),
    findings TEXT NOT NULL,
    reason TEXT NOT NULL,
    actor_label TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    publication_id INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
