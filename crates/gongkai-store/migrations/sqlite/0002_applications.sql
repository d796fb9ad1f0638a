-- Disclosure applications (依申请公开) and their ordered clock events.
-- Kept in lock-step with migrations/postgres/0002_applications.sql.
CREATE TABLE applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    tracking_code TEXT NOT NULL UNIQUE,
    applicant_kind TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    id_number TEXT,
    credit_code TEXT,
    phone TEXT,
    email TEXT,
    address TEXT,
    identity_key TEXT,
    channel TEXT NOT NULL,
    received_on TEXT NOT NULL,
    request TEXT NOT NULL,
    status TEXT NOT NULL,
    due_on TEXT,
    outcome TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX applications_agency ON applications(agency_id, received_on);
CREATE INDEX applications_identity ON applications(identity_key);

CREATE TABLE application_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    on_date TEXT NOT NULL,
    payload TEXT NOT NULL,
    actor_label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (application_id, seq)
);
