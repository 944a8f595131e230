-- Sightings from the public (issue 6): what anyone sent from the public page, kept apart from
-- case data. A sighting names no case until an operator attaches it to one (`case_id`, with the
-- case's `sighting_attached` event); case reads never join this table, only the case page's own
-- read of the sightings attached to it.

CREATE TABLE sightings (
    id TEXT PRIMARY KEY,
    received_at TEXT NOT NULL,
    -- The alert the sender answered: one that was published (checked when the sighting comes).
    alert_ref TEXT REFERENCES alerts (id),
    -- The organisation whose inbox it is in: the alert's; none for a sighting from the general
    -- page, which is in the inbox of every organisation that takes reports.
    organisation_id TEXT REFERENCES organisations (id),
    place TEXT NOT NULL,
    lat REAL,
    lon REAL,
    -- The sender's local time as given, and the moment when their browser gave its offset.
    seen_at_local TEXT NOT NULL,
    utc_offset_minutes INTEGER,
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
) WITHOUT ROWID;
CREATE INDEX sightings_inbox ON sightings (state, received_at);
CREATE INDEX sightings_by_case ON sightings (case_id) WHERE case_id IS NOT NULL;

-- A photo sent with a sighting, its type told from its first bytes; served to staff only. A
-- rowid table: a row of megabytes does not belong in a WITHOUT ROWID b-tree.
CREATE TABLE sighting_photos (
    sighting_id TEXT PRIMARY KEY REFERENCES sightings (id),
    media_type TEXT NOT NULL,
    bytes BLOB NOT NULL
);
