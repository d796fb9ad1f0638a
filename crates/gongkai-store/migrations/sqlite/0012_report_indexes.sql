-- Issue 8 (scale): the reads of one agency's computed report, measured on
-- 100,000 applications (bench/report.sh): table 三's aggregate reads only
-- this covering index (no row lookups); the flagged applications (rare)
-- are found without scanning the agency's rows; a year's fees read the fee
-- events only instead of every event of the agency. Kept in lock-step with
-- migrations/postgres/0012_report_indexes.sql.
DROP INDEX applications_figures;
CREATE INDEX applications_figures ON applications(agency_id, figures_received_on, figures_closed_on, applicant_kind, figures_outcome);
CREATE INDEX applications_figures_flagged ON applications(agency_id, id) WHERE figures_flagged = 1;
CREATE INDEX application_events_kind ON application_events(kind, application_id);
