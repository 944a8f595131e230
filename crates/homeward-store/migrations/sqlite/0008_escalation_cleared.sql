-- An escalation nobody has acknowledged yet whose deadline is no longer missed (the target was
-- met late, the task done, the child found, the case closed): when the escalation job saw it so.
-- It stays in the queue, below those still missed, until a supervisor acknowledges it; missed
-- again (a case reopened), it is raised again and the mark is cleared.
ALTER TABLE escalations ADD COLUMN cleared_at TEXT;
-- What the job looks through every minute: those nobody has acknowledged and still missed.
CREATE INDEX escalations_waiting ON escalations (case_id) WHERE acknowledged_at IS NULL AND cleared_at IS NULL;
