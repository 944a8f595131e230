-- Homeward's PostgreSQL schema: the end state of SQLite migrations 0001-0012 in one file, with
-- the same tables, columns and column order, so that a copy between the backends goes by name.
-- Never edit a migration that has landed; add the next one.
--
-- How it differs from the SQLite schema, and why:
-- * INTEGER is BIGINT, flags included (`active`, `must_change_password`): the shared code
--   writes and compares 0 and 1, never true and false. REAL is DOUBLE PRECISION, BLOB is BYTEA.
-- * `audit_log.seq` is a plain BIGINT key, not an identity: the writer numbers each entry
--   itself (the chain's head + 1), as it does on SQLite.
-- * No WITHOUT ROWID: every PostgreSQL table is a heap with its key in a separate index.
-- * Times are fixed-width RFC 3339 text and ids UUIDv7 text, compared and sorted as text (and
--   `child_matches` checks `child_a < child_b`): the database must be created with a byte-order
--   collation (C or C.UTF-8), which sorts text as SQLite's BINARY does.
-- * Foreign keys are enforced always (SQLite enforces them only with `PRAGMA foreign_keys`,
--   which Homeward sets on every connection).

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    country TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    must_change_password BIGINT NOT NULL,
    -- A deactivated user cannot log in; their sessions and tokens are deleted.
    active BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT 'en',
    time_zone TEXT,
    -- Until when the supervisor has taken the duty; NULL (or a time past) is off duty.
    on_duty_until TEXT
);

-- Browser sessions and API tokens: only SHA-256 hashes of the secrets are stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- The anonymous skeleton of a child. `identity_id` names the child across reports (linkage);
-- `linkage_seq` is the commit order the linkage job's watermark follows.
CREATE TABLE children (
    id TEXT PRIMARY KEY,
    sex TEXT NOT NULL,
    birth_year BIGINT,
    nationalities TEXT NOT NULL,
    created_at TEXT NOT NULL,
    identity_id TEXT,
    linkage_seq BIGINT
);
CREATE INDEX children_by_identity ON children (identity_id);
CREATE UNIQUE INDEX children_by_linkage_seq ON children (linkage_seq);

CREATE TABLE child_personal (
    child_id TEXT PRIMARY KEY REFERENCES children (id),
    details TEXT NOT NULL
);

CREATE TABLE child_search (
    key TEXT NOT NULL,
    child_id TEXT NOT NULL REFERENCES children (id),
    PRIMARY KEY (key, child_id)
);

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    child_id TEXT NOT NULL REFERENCES children (id),
    category TEXT NOT NULL,
    risk_level TEXT,
    status TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    assignee TEXT,
    version BIGINT NOT NULL,
    state TEXT NOT NULL
);
CREATE INDEX cases_by_organisation ON cases (organisation_id, opened_at);
CREATE INDEX cases_by_child ON cases (child_id);
CREATE INDEX cases_by_assignee ON cases (assignee) WHERE assignee IS NOT NULL;
CREATE INDEX cases_desk ON cases (organisation_id, status, risk_level, last_seen_at);
CREATE INDEX cases_by_category ON cases (organisation_id, category, last_seen_at);

CREATE TABLE case_numbers (
    organisation_id TEXT NOT NULL,
    year BIGINT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, year)
);

CREATE TABLE case_events (
    case_id TEXT NOT NULL REFERENCES cases (id),
    seq BIGINT NOT NULL,
    id TEXT NOT NULL UNIQUE,
    at TEXT NOT NULL,
    actor TEXT,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);

CREATE TABLE case_personal (
    case_id TEXT PRIMARY KEY REFERENCES cases (id),
    last_seen TEXT NOT NULL,
    circumstances TEXT
);

CREATE TABLE case_shares (
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    PRIMARY KEY (organisation_id, case_id)
);

CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    details TEXT NOT NULL,
    recorded_by TEXT,
    recorded_at TEXT NOT NULL
);
CREATE INDEX contacts_by_case ON contacts (case_id);

CREATE TABLE notes (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    text TEXT NOT NULL,
    author TEXT,
    at TEXT NOT NULL
);
CREATE INDEX notes_by_case ON notes (case_id);

CREATE TABLE identifiers (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    normalised TEXT NOT NULL,
    label TEXT
);
CREATE INDEX identifiers_by_case ON identifiers (case_id);
CREATE INDEX identifiers_by_value ON identifiers (kind, normalised);

CREATE TABLE persons (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    details TEXT NOT NULL
);
CREATE INDEX persons_by_case ON persons (case_id);

CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    title TEXT NOT NULL,
    due_at TEXT,
    assignee TEXT,
    created_at TEXT NOT NULL,
    done_at TEXT
);
CREATE INDEX tasks_by_case ON tasks (case_id);
CREATE INDEX tasks_by_assignee ON tasks (assignee) WHERE assignee IS NOT NULL;

-- The audit trail: append-only, each entry chained to the one before by its hash.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor_user_id TEXT,
    actor_organisation_id TEXT,
    origin TEXT NOT NULL,
    code BIGINT NOT NULL,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE drafts (
    user_id TEXT PRIMARY KEY REFERENCES users (id),
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE child_matches (
    child_a TEXT NOT NULL REFERENCES children (id),
    child_b TEXT NOT NULL REFERENCES children (id),
    probability DOUBLE PRECISION,
    explanation TEXT NOT NULL,
    found_at TEXT NOT NULL,
    found_by TEXT NOT NULL CHECK (found_by IN ('intake', 'job', 'person')),
    status TEXT NOT NULL CHECK (status IN ('suggested', 'confirmed', 'rejected')),
    decided_by TEXT REFERENCES users (id),
    decided_at TEXT,
    reason TEXT,
    PRIMARY KEY (child_a, child_b),
    CHECK (child_a < child_b)
);
CREATE INDEX child_matches_by_b ON child_matches (child_b);

CREATE TABLE job_watermarks (
    job TEXT PRIMARY KEY,
    mark BIGINT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE case_refs (
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    case_ref TEXT NOT NULL,
    case_id TEXT NOT NULL UNIQUE REFERENCES cases (id),
    PRIMARY KEY (organisation_id, case_ref)
);

CREATE TABLE case_places (
    case_id TEXT PRIMARY KEY REFERENCES cases (id),
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    missing_at TEXT NOT NULL
);
CREATE INDEX case_places_by_place ON case_places (organisation_id, kind, key, missing_at);

CREATE TABLE places (
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (organisation_id, kind, key)
);

CREATE TABLE place_counts (
    organisation_id TEXT PRIMARY KEY REFERENCES organisations (id),
    places BIGINT NOT NULL
);

CREATE TABLE weekly_counts (
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    dimension TEXT NOT NULL,
    key TEXT NOT NULL,
    week BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, dimension, key, week)
);

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
);
CREATE UNIQUE INDEX warnings_live ON warnings (organisation_id, kind, key)
    WHERE state IN ('open', 'acknowledged');
CREATE INDEX warnings_queue ON warnings (organisation_id, state, updated_at);

CREATE TABLE warning_cases (
    warning_id TEXT NOT NULL REFERENCES warnings (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    joined_at TEXT NOT NULL,
    PRIMARY KEY (warning_id, case_id)
);
CREATE INDEX warning_cases_by_case ON warning_cases (case_id);

CREATE TABLE warning_decisions (
    warning_id TEXT NOT NULL REFERENCES warnings (id),
    seq BIGINT NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT,
    decided_by TEXT,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (warning_id, seq)
);

CREATE TABLE risk_answers (
    case_id TEXT NOT NULL REFERENCES cases (id),
    seq BIGINT NOT NULL,
    question TEXT NOT NULL,
    answer BIGINT NOT NULL,
    answered_by TEXT,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);

CREATE TABLE case_assessments (
    case_id TEXT NOT NULL REFERENCES cases (id),
    seq BIGINT NOT NULL,
    catalogue_version TEXT NOT NULL,
    concern TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    reasons TEXT NOT NULL,
    assessed_at TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);

CREATE TABLE case_regions (
    case_id TEXT PRIMARY KEY REFERENCES cases (id),
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    key TEXT NOT NULL,
    missing_at TEXT NOT NULL
);
CREATE INDEX case_regions_by_region ON case_regions (organisation_id, key, missing_at);

CREATE TABLE police_handovers (
    case_id TEXT NOT NULL REFERENCES cases (id),
    event_seq BIGINT NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    reference TEXT,
    handed_by TEXT,
    handed_at TEXT NOT NULL,
    PRIMARY KEY (case_id, event_seq)
);

CREATE TABLE escalations (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    subject TEXT NOT NULL,
    cycle BIGINT NOT NULL,
    due_at TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    repeats BIGINT NOT NULL DEFAULT 0,
    last_raised_at TEXT NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at TEXT,
    note TEXT,
    cleared_at TEXT,
    UNIQUE (case_id, subject, due_at)
);
CREATE INDEX escalations_queue ON escalations (organisation_id, acknowledged_at, due_at);
CREATE INDEX escalations_waiting ON escalations (case_id)
    WHERE acknowledged_at IS NULL AND cleared_at IS NULL;

CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    state TEXT NOT NULL,
    requested_by TEXT,
    requested_at TEXT NOT NULL,
    consent TEXT NOT NULL,
    content TEXT NOT NULL,
    police_approval TEXT,
    prosecutor_order TEXT,
    published_at TEXT,
    ends_at TEXT,
    closed_at TEXT
);
CREATE INDEX alerts_by_case ON alerts (case_id);
CREATE INDEX alerts_by_organisation ON alerts (organisation_id, requested_at);
CREATE INDEX alerts_by_state ON alerts (state, ends_at);

CREATE TABLE alert_confirmations (
    alert_id TEXT NOT NULL REFERENCES alerts (id),
    criterion TEXT NOT NULL,
    confirmed_by TEXT,
    confirmed_at TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (alert_id, criterion)
);

CREATE TABLE alert_messages (
    alert_id TEXT NOT NULL REFERENCES alerts (id),
    seq BIGINT NOT NULL,
    msg_type TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    content TEXT,
    PRIMARY KEY (alert_id, seq)
);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    case_id TEXT REFERENCES cases (id),
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    event TEXT NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    recipient_user TEXT REFERENCES users (id),
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    created_at TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_attempt_at TEXT,
    last_error TEXT,
    delivered_at TEXT,
    failed_at TEXT
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE state = 'pending';
CREATE INDEX notifications_by_record ON notifications (record_type, record_id) WHERE state = 'pending';
CREATE INDEX notifications_failed ON notifications (organisation_id, failed_at) WHERE state = 'failed';

CREATE TABLE sightings (
    id TEXT PRIMARY KEY,
    received_at TEXT NOT NULL,
    alert_ref TEXT REFERENCES alerts (id),
    organisation_id TEXT REFERENCES organisations (id),
    place TEXT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    seen_at_local TEXT NOT NULL,
    utc_offset_minutes BIGINT,
    seen_at TEXT,
    description TEXT NOT NULL,
    contact_name TEXT,
    contact_phone TEXT,
    contact_email TEXT,
    state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'attached', 'dismissed')),
    case_id TEXT REFERENCES cases (id),
    decided_by TEXT,
    decided_at TEXT,
    reason TEXT,
    CHECK ((state = 'attached') = (case_id IS NOT NULL))
);
CREATE INDEX sightings_inbox ON sightings (state, received_at);
CREATE INDEX sightings_by_case ON sightings (case_id) WHERE case_id IS NOT NULL;

-- A photo sent with a sighting; large values are stored out of line (TOAST) by PostgreSQL.
CREATE TABLE sighting_photos (
    sighting_id TEXT PRIMARY KEY REFERENCES sightings (id),
    media_type TEXT NOT NULL,
    bytes BYTEA NOT NULL
);
