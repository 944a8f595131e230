-- The sender's own reference of a case (issue 5's `homeward import`): an organisation that moves
-- its cases into Homeward keeps its ids for them, and an import run twice opens each case once.
-- A reference names one case within one organisation.
CREATE TABLE case_refs (
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    case_ref TEXT NOT NULL,
    case_id TEXT NOT NULL UNIQUE REFERENCES cases (id),
    PRIMARY KEY (organisation_id, case_ref)
) WITHOUT ROWID;
