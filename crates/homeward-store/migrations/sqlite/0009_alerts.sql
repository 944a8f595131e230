-- Child alerts (issue 6, item 4): a supervisor's request on a case, the criteria confirmed one by
-- one, the police's approval and the prosecutor's order, the guardians' consent, what is
-- published, and each message sent to the public (CAP Alert, Update, Cancel).

-- One alert request. `consent` is JSON (the fields consented to, who gave the consent, who
-- recorded it when); `content` is JSON, what is or will be published, always within the consent
-- (the store checks it whenever it is set; the public snapshot filters it again). The approvals
-- are JSON (reference, when given, who recorded it when). `state`: requested, published,
-- cancelled, expired; `closed_at` is when it was cancelled or expired.
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

-- Each criterion confirmed once, by a named user, with an optional note.
CREATE TABLE alert_confirmations (
    alert_id TEXT NOT NULL REFERENCES alerts (id),
    criterion TEXT NOT NULL,
    confirmed_by TEXT,
    confirmed_at TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (alert_id, criterion)
) WITHOUT ROWID;

-- Every message sent to the public, numbered from 1 per alert: `(alert_id, seq)` names it for
-- good (the CAP identifier), and each later message references the ones before it. `content` is
-- the consented content it carried (JSON; none for a cancellation) and `ends_at` the expiry it
-- announced.
CREATE TABLE alert_messages (
    alert_id TEXT NOT NULL REFERENCES alerts (id),
    seq INTEGER NOT NULL,
    msg_type TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    content TEXT,
    PRIMARY KEY (alert_id, seq)
) WITHOUT ROWID;
