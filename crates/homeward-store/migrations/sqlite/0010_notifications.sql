-- Notifications (issue 6): the outbox. One row per recipient and channel, written in the same
-- transaction as the fact that causes it (an escalation raised or raised again); the delivery
-- job sends the due ones and records each attempt.
--
-- `recipient` is an e-mail address (a supervisor's, `recipient_user`) or the name a webhook has
-- in the settings; the webhook's address and secret stay in the settings, never here.
-- `payload` is what the message says (homeward_domain::notification::Message as JSON): never a
-- child's personal data. `record_type`/`record_id` name the fact (`escalation`, its id), so that
-- acknowledging an escalation cancels what has not gone out yet.
-- `state`: pending (due at `next_attempt_at`), delivered, failed (the job gave up after its
-- last attempt; shown to the organisation's supervisors), cancelled.
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
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_attempt_at TEXT,
    last_error TEXT,
    delivered_at TEXT,
    failed_at TEXT
) WITHOUT ROWID;
-- What the job looks for every few seconds: the pending ones, by when they are due.
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE state = 'pending';
-- What an acknowledgement cancels.
CREATE INDEX notifications_by_record ON notifications (record_type, record_id) WHERE state = 'pending';
-- What the supervisors are shown: their organisation's failures, latest first.
CREATE INDEX notifications_failed ON notifications (organisation_id, failed_at) WHERE state = 'failed';
