-- Answer letters and notices: per-agency templates and settings, letter numbers.
-- Kept in lock-step with migrations/sqlite/0004_letters.sql (PostgreSQL DDL).
CREATE TABLE letter_settings (
    agency_id BIGINT PRIMARY KEY REFERENCES agencies(id),
    abbreviation TEXT NOT NULL,
    contact_person TEXT NOT NULL,
    reconsideration_body TEXT NOT NULL,
    court TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- An agency's own template for one letter kind (key: event kind, or
-- `answered.` + outcome id); absent rows fall back to the compiled-in default.
CREATE TABLE letter_templates (
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    template_key TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (agency_id, template_key)
);

-- The last serial handed out per agency and year (××公复〔2025〕12号).
CREATE TABLE letter_serials (
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    year BIGINT NOT NULL,
    last_serial BIGINT NOT NULL,
    PRIMARY KEY (agency_id, year)
);

-- The number given to the letter of one event, allocated with the event.
CREATE TABLE letters (
    application_id BIGINT NOT NULL REFERENCES applications(id),
    seq BIGINT NOT NULL,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    year BIGINT NOT NULL,
    serial BIGINT NOT NULL,
    template_key TEXT NOT NULL,
    letter_no TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (application_id, seq),
    UNIQUE (agency_id, year, serial)
);
