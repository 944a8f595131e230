-- Record linkage (issue 4): the same child across reports.
--
-- Every report still creates a child of its own. `identity_id` names the child across reports:
-- a child's own id until a person confirms that two children are one, when both (and every
-- child already joined to either) take one identity. The episodes of a child are the cases of
-- the children that share its identity.
ALTER TABLE children ADD COLUMN identity_id TEXT;
UPDATE children SET identity_id = id;
CREATE INDEX children_by_identity ON children (identity_id);

-- The order in which children were committed, for the linkage job's watermark. A child id comes
-- from a clock (UUIDv7): a clock set back, or another process, can commit a child whose id sorts
-- before children the job has passed, and it would never be linked. The writer fills this with
-- MAX + 1 inside the transaction that writes the child; SQLite has one writer at a time, so the
-- numbers follow the commits. Children already stored are numbered in the order of their ids.
ALTER TABLE children ADD COLUMN linkage_seq INTEGER;
UPDATE children SET linkage_seq = o.n
    FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM children) AS o
    WHERE o.id = children.id;
CREATE UNIQUE INDEX children_by_linkage_seq ON children (linkage_seq);

-- Pairs of children that may be one child: suggested by the linkage engine (at intake or by the
-- background job) and decided by a person. One row per pair, the smaller id first, so a pair is
-- suggested once and a decision, kept here, is never asked again. `explanation` holds each
-- field's agreement level and weight (no personal data); `reason` is the person's own words.
CREATE TABLE child_matches (
    child_a TEXT NOT NULL REFERENCES children (id),
    child_b TEXT NOT NULL REFERENCES children (id),
    -- NULL for a pair a person linked without a suggestion.
    probability REAL,
    explanation TEXT NOT NULL,
    found_at TEXT NOT NULL,
    found_by TEXT NOT NULL CHECK (found_by IN ('intake', 'job', 'person')),
    status TEXT NOT NULL CHECK (status IN ('suggested', 'confirmed', 'rejected')),
    decided_by TEXT REFERENCES users (id),
    decided_at TEXT,
    reason TEXT,
    PRIMARY KEY (child_a, child_b),
    CHECK (child_a < child_b)
) WITHOUT ROWID;
CREATE INDEX child_matches_by_b ON child_matches (child_b);

-- How far each background job has come: the linkage job keeps the `linkage_seq` of the last
-- child it linked.
CREATE TABLE job_watermarks (
    job TEXT PRIMARY KEY,
    mark INTEGER NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
