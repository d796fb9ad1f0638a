-- Annual reports of agencies not on the platform, imported by a supervising
-- agency into its roll-up (issue 7 §5). Kept in lock-step with
-- migrations/postgres/0007_imported_reports.sql.
--
-- History is kept: a re-import of the same agency name and year retires the
-- current row (retired_at, retired_why = 'replaced') and inserts version N+1;
-- a deletion retires it with retired_why = 'deleted'. Exactly one current
-- (retired_at IS NULL) row per supervising agency, year and name.
CREATE TABLE imported_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    supervisor_agency_id INTEGER NOT NULL REFERENCES agencies(id),
    year INTEGER NOT NULL,
    agency_name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    agency_code TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    report_json TEXT NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    actor_label TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    retired_at TEXT,
    retired_why TEXT
);
CREATE UNIQUE INDEX imported_reports_current
    ON imported_reports(supervisor_agency_id, year, name_key) WHERE retired_at IS NULL;
CREATE INDEX imported_reports_year ON imported_reports(year, supervisor_agency_id);
