-- Homeward's first schema. Never edit a migration that has landed; add the next one.
-- Times are UTC text in one fixed-width RFC 3339 form, so they compare and sort as text.
-- Ids are UUIDv7 text. JSON columns hold domain types as serde writes them.
-- Tables written with every case are WITHOUT ROWID where their rows are small: one B-tree per
-- table instead of a table and its key index, so each commit writes fewer pages.

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
    must_change_password INTEGER NOT NULL,
    -- A deactivated user cannot log in; their sessions and tokens are deleted.
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
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

-- The anonymous skeleton of a child, kept for figures after personal data is erased.
CREATE TABLE children (
    id TEXT PRIMARY KEY,
    sex TEXT NOT NULL,
    birth_year INTEGER,
    nationalities TEXT NOT NULL,
    created_at TEXT NOT NULL
) WITHOUT ROWID;

-- A child's personal data: names in every script, date of birth, description. Erasure deletes
-- this row and the child's search keys; nothing else refers to its contents.
CREATE TABLE child_personal (
    child_id TEXT PRIMARY KEY REFERENCES children (id),
    details TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE child_search (
    key TEXT NOT NULL,
    child_id TEXT NOT NULL REFERENCES children (id),
    PRIMARY KEY (key, child_id)
) WITHOUT ROWID;

-- The case as its events make it (a projection, rewritten in the same transaction as each
-- event), with the columns lists filter on.
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
    version INTEGER NOT NULL,
    state TEXT NOT NULL
);
CREATE INDEX cases_by_organisation ON cases (organisation_id, opened_at);
CREATE INDEX cases_by_child ON cases (child_id);

CREATE TABLE case_numbers (
    organisation_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (organisation_id, year)
) WITHOUT ROWID;

-- The append-only, attributed event stream of every case. No personal data in `data`.
-- Stored in (case, seq) order, the order a timeline is read in.
CREATE TABLE case_events (
    case_id TEXT NOT NULL REFERENCES cases (id),
    seq INTEGER NOT NULL,
    id TEXT NOT NULL UNIQUE,
    at TEXT NOT NULL,
    actor TEXT,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;

CREATE TABLE case_personal (
    case_id TEXT PRIMARY KEY REFERENCES cases (id),
    last_seen TEXT NOT NULL,
    circumstances TEXT
) WITHOUT ROWID;

CREATE TABLE case_shares (
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    PRIMARY KEY (organisation_id, case_id)
) WITHOUT ROWID;

CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    details TEXT NOT NULL,
    recorded_by TEXT,
    recorded_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX contacts_by_case ON contacts (case_id);

CREATE TABLE notes (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    text TEXT NOT NULL,
    author TEXT,
    at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX notes_by_case ON notes (case_id);

CREATE TABLE identifiers (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    normalised TEXT NOT NULL,
    label TEXT
) WITHOUT ROWID;
CREATE INDEX identifiers_by_case ON identifiers (case_id);
CREATE INDEX identifiers_by_value ON identifiers (kind, normalised);

CREATE TABLE persons (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    details TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX persons_by_case ON persons (case_id);

CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    title TEXT NOT NULL,
    due_at TEXT,
    assignee TEXT,
    created_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX tasks_by_case ON tasks (case_id);

-- The audit trail: append-only, each entry chained to the one before by its hash.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_user_id TEXT,
    actor_organisation_id TEXT,
    origin TEXT NOT NULL,
    code INTEGER NOT NULL,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
