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

-- The report an operator is typing, kept as they type so that a closed tab or a crash loses
-- nothing: one per user, the form's fields as JSON. It holds a child's personal data, so it is
-- deleted when the case is saved or the draft discarded.
CREATE TABLE drafts (
    user_id TEXT PRIMARY KEY REFERENCES users (id),
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
