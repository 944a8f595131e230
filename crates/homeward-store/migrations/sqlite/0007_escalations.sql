-- Response targets and escalation (issue 6): the record of each police hand-over and the
-- escalations the job raises when a response target or a task's due time is missed.

-- A case handed over to a police unit: the unit, the police's own reference if they gave one,
-- who handed it over and when. The event (`handed_to_police`, at `event_seq`) names the unit; the
-- reference is free text and lives here, beside the event skeleton.
CREATE TABLE police_handovers (
    case_id TEXT NOT NULL REFERENCES cases (id),
    event_seq INTEGER NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    reference TEXT,
    handed_by TEXT,
    handed_at TEXT NOT NULL,
    PRIMARY KEY (case_id, event_seq)
) WITHOUT ROWID;

-- One row per missed deadline: a case, what was missed (`target:<id>` or `task:<id>`) and the
-- deadline that passed, which names the cycle (each missed period of a recurring target has its
-- own). The unique key is what keeps a rerun of the job from raising it twice. Nobody has taken
-- it up while `acknowledged_at` is empty; until then the job raises it again (`repeats`,
-- `last_raised_at`) for the notifier.
CREATE TABLE escalations (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    subject TEXT NOT NULL,
    cycle INTEGER NOT NULL,
    due_at TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    repeats INTEGER NOT NULL DEFAULT 0,
    last_raised_at TEXT NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at TEXT,
    note TEXT,
    UNIQUE (case_id, subject, due_at)
) WITHOUT ROWID;
CREATE INDEX escalations_queue ON escalations (organisation_id, acknowledged_at, due_at);
