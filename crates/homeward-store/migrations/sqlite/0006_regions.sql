-- Regions (issue 5): the region a child was last seen in, as the trend detector files it, its
-- name folded to a key ("Attica" and " ATTICA" are one), with the time the child went missing,
-- so that a region's reports in a week are one index range. Each region's weekly count is kept
-- in `weekly_counts` under the dimension 'region', beside the categories.
CREATE TABLE case_regions (
    case_id TEXT PRIMARY KEY REFERENCES cases (id),
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    key TEXT NOT NULL,
    missing_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX case_regions_by_region ON case_regions (organisation_id, key, missing_at);
