-- A list filtered by status and category, newest first (open runaways): counted and paged from
-- the index alone. Through the category's index each of the 10,000 rows counted was read from
-- the table for its status (63 ms at p95 on a million cases).
CREATE INDEX cases_by_status_category ON cases (organisation_id, status, category, opened_at);
