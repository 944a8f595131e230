-- Risk and early warning (issue 5): warnings across cases, their counts and places, the answers
-- to the structured risk questions and the stored trafficking assessments.

-- The place a child went missing from (an institution, a reception centre, a placement; never a
-- home), as the detectors file it: its kind and its name folded to a key, with the time the
-- child went missing, so that the children gone from one place within a window are one range.
CREATE TABLE case_places (
    case_id TEXT PRIMARY KEY REFERENCES cases (id),
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    missing_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX case_places_by_place ON case_places (organisation_id, kind, key, missing_at);

-- Every place an organisation's children went missing from: how many places a chance cluster
-- could have come from.
CREATE TABLE places (
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (organisation_id, kind, key)
) WITHOUT ROWID;
CREATE TABLE place_counts (
    organisation_id TEXT PRIMARY KEY REFERENCES organisations (id),
    places INTEGER NOT NULL
) WITHOUT ROWID;

-- Reports a week, per organisation and category (weeks counted from Monday 1970-01-05, by when
-- the child went missing): the series the trend detector tests, kept as the cases come.
CREATE TABLE weekly_counts (
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    dimension TEXT NOT NULL,
    key TEXT NOT NULL,
    week INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (organisation_id, dimension, key, week)
) WITHOUT ROWID;
CREATE INDEX cases_by_category ON cases (organisation_id, category, last_seen_at);

-- One row per warning. While it is live (open or acknowledged) there is one per organisation,
-- kind and key, and the cases that join its pattern join it; acted on or dismissed, it is
-- closed, and the next case of the pattern that it did not hold opens another. An identifier's
-- value is not kept in the key, only a hash of it.
CREATE TABLE warnings (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    level TEXT NOT NULL,
    state TEXT NOT NULL,
    evidence TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX warnings_live ON warnings (organisation_id, kind, key)
    WHERE state IN ('open', 'acknowledged');
CREATE INDEX warnings_queue ON warnings (organisation_id, state, updated_at);

CREATE TABLE warning_cases (
    warning_id TEXT NOT NULL REFERENCES warnings (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    joined_at TEXT NOT NULL,
    PRIMARY KEY (warning_id, case_id)
) WITHOUT ROWID;
CREATE INDEX warning_cases_by_case ON warning_cases (case_id);

-- Every decision about a warning, kept for tuning the detectors.
CREATE TABLE warning_decisions (
    warning_id TEXT NOT NULL REFERENCES warnings (id),
    seq INTEGER NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT,
    decided_by TEXT,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (warning_id, seq)
) WITHOUT ROWID;

-- Answers to the structured risk questions (issue 5), with who gave each and when; the latest
-- answer to a question counts. The answers are the child's health and circumstances: personal
-- data, kept here and never in an event.
CREATE TABLE risk_answers (
    case_id TEXT NOT NULL REFERENCES cases (id),
    seq INTEGER NOT NULL,
    question TEXT NOT NULL,
    answer INTEGER NOT NULL,
    answered_by TEXT,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;

-- Each trafficking assessment of a case, written in the command that changed it whenever the
-- result changed, with the catalogue version it was made with.
CREATE TABLE case_assessments (
    case_id TEXT NOT NULL REFERENCES cases (id),
    seq INTEGER NOT NULL,
    catalogue_version TEXT NOT NULL,
    concern TEXT NOT NULL,
    score REAL NOT NULL,
    reasons TEXT NOT NULL,
    assessed_at TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;
