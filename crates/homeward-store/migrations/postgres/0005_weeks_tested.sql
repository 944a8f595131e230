-- The trend detector tests a week in a background job, not in the report that counts it (a
-- report's transaction no longer reads the series inside the writer lock): `tested` is the
-- count the job last tested the week at. A week whose count differs has reports it has not seen.
-- Every week stored so far was tested by the report that counted it.
ALTER TABLE weekly_counts ADD COLUMN tested BIGINT NOT NULL DEFAULT 0;
UPDATE weekly_counts SET tested = count;
CREATE INDEX weekly_counts_untested ON weekly_counts (organisation_id) WHERE count <> tested;
