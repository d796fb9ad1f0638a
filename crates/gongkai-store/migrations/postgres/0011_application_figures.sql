-- Issue 8 (scale): what table 三 of the annual report needs of each
-- application (gongkai_domain::figures::FiguresSummary), derived from its
-- events and outcome in the same transaction as every change to them, so a
-- year's table is one aggregate query instead of a replay of every history.
-- Rows written before this migration are marked stale and summarised when
-- the store opens (Store::refresh_stale_figures). Kept in lock-step with
-- migrations/sqlite/0011_application_figures.sql.
ALTER TABLE applications ADD COLUMN figures_received_on TEXT;
ALTER TABLE applications ADD COLUMN figures_closed_on TEXT;
ALTER TABLE applications ADD COLUMN figures_outcome TEXT;
ALTER TABLE applications ADD COLUMN figures_flagged BIGINT NOT NULL DEFAULT 0;
ALTER TABLE applications ADD COLUMN figures_stale BIGINT NOT NULL DEFAULT 1;
CREATE INDEX applications_figures ON applications(agency_id, figures_received_on, figures_closed_on);
CREATE INDEX applications_figures_stale ON applications(id) WHERE figures_stale = 1;
