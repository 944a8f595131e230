-- What the operator interface needs: each user's language and time zone, the desk's filter by
-- assignee, and the open tasks of one person across cases.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE users ADD COLUMN time_zone TEXT;

CREATE INDEX cases_by_assignee ON cases (assignee) WHERE assignee IS NOT NULL;
-- The case desk: one organisation's cases in one status, with what the desk sorts by, so that
-- counting and choosing a page never reads the cases' rows.
CREATE INDEX cases_desk ON cases (organisation_id, status, risk_level, last_seen_at);
CREATE INDEX tasks_by_assignee ON tasks (assignee) WHERE assignee IS NOT NULL;

-- When a task was completed (its `task_completed` event says so too; this column lets a
-- person's open tasks be listed without reading every case).
ALTER TABLE tasks ADD COLUMN done_at TEXT;
UPDATE tasks SET done_at = (
    SELECT e.at FROM case_events e
    WHERE e.case_id = tasks.case_id AND e.kind = 'task_completed'
      AND json_extract(e.data, '$.task_id') = tasks.id
);
