-- Online intake: submissions awaiting the office's confirmation (条例 Art. 31:
-- an online application counts as received on the day the office confirms
-- it), their attachments, and request counters for rate limits.
-- Kept in lock-step with migrations/postgres/0003_intake.sql.
CREATE TABLE online_submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    -- Issued at submission; the confirmed application keeps it.
    tracking_code TEXT NOT NULL UNIQUE,
    applicant_kind TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    id_doc_type TEXT,
    id_doc_number TEXT,
    id_number TEXT,
    credit_code TEXT,
    phone TEXT,
    email TEXT,
    address TEXT,
    identity_key TEXT,
    request TEXT NOT NULL,
    preferred_form TEXT NOT NULL,
    delivery TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    -- pending | confirmed | rejected
    state TEXT NOT NULL,
    reject_reason TEXT,
    decided_on TEXT,
    decided_at TEXT,
    decided_by TEXT,
    application_id INTEGER REFERENCES applications(id)
);
CREATE INDEX online_submissions_agency ON online_submissions(agency_id, state, submitted_at);

-- Files sent with an application, kept in the database so that stateless
-- nodes share them. Owned by the submission, and by the application once
-- the submission is confirmed.
CREATE TABLE application_attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id INTEGER REFERENCES online_submissions(id),
    application_id INTEGER REFERENCES applications(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX application_attachments_submission ON application_attachments(submission_id);
CREATE INDEX application_attachments_application ON application_attachments(application_id);

-- Requests counted for rate limits (public intake, tracking lookups).
CREATE TABLE rate_limit_hits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    throttle_key TEXT NOT NULL,
    hit_at TEXT NOT NULL
);
CREATE INDEX rate_limit_hits_key ON rate_limit_hits(throttle_key, hit_at);
