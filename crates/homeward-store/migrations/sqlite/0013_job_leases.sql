-- Background jobs (escalations, linkage, notifications, alert expiry) run on one instance at a
-- time (issue 7): the instance that holds a job's lease runs it and renews the lease at every
-- run; when the holder dies its lease runs out and another instance takes the job over.
CREATE TABLE job_leases (
    job TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    -- Since when this holder has held the job (kept across renewals).
    claimed_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
