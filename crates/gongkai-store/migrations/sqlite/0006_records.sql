-- Records behind the annual report (issue 7) and the report's workflow.
-- Kept in lock-step with migrations/postgres/0006_records.sql.

-- Art. 20 statistics per agency and year (table 二, items 五, 六, 八).
CREATE TABLE art20_statistics (
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    year INTEGER NOT NULL,
    licensing INTEGER NOT NULL,
    penalty INTEGER NOT NULL,
    enforcement INTEGER NOT NULL,
    fees_yuan INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (agency_id, year)
);

-- Reconsideration and litigation cases (table 四).
CREATE TABLE appeal_cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    kind TEXT NOT NULL,
    application_id INTEGER REFERENCES applications(id),
    filed_on TEXT NOT NULL,
    result TEXT,
    decided_on TEXT,
    reanswer_due_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX appeal_cases_agency ON appeal_cases(agency_id, filed_on);

-- NPC deputies' suggestions and CPPCC members' proposals handled, per year.
CREATE TABLE npc_proposals (
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    received INTEGER NOT NULL,
    handled INTEGER NOT NULL,
    results_published INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (agency_id, year, kind)
);

-- The 信息员 roster.
CREATE TABLE info_officers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    name TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    since_on TEXT NOT NULL,
    left_on TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX info_officers_agency ON info_officers(agency_id);

-- Training sessions.
CREATE TABLE trainings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    held_on TEXT NOT NULL,
    topic TEXT NOT NULL,
    attendances INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX trainings_agency ON trainings(agency_id, held_on);

-- The year's report: workflow state, the staff's narrative, the lock.
CREATE TABLE annual_reports (
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    year INTEGER NOT NULL,
    status TEXT NOT NULL,
    narrative TEXT,
    comments TEXT NOT NULL DEFAULT '',
    locked INTEGER NOT NULL DEFAULT 0,
    stale INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (agency_id, year)
);

-- Published versions: immutable report-json text and its SHA-256.
CREATE TABLE annual_report_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    year INTEGER NOT NULL,
    version INTEGER NOT NULL,
    report_json TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    published_on TEXT NOT NULL,
    late INTEGER NOT NULL,
    actor_label TEXT NOT NULL,
    published_at TEXT NOT NULL,
    UNIQUE (agency_id, year, version)
);

-- Unlocks of a published year, with their reasons.
CREATE TABLE report_unlocks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    year INTEGER NOT NULL,
    reason TEXT NOT NULL,
    actor_label TEXT NOT NULL,
    at TEXT NOT NULL
);
