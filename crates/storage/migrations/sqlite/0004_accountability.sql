-- Accountability records (问责). Proposed ones carry the ladder's key, so each concern is
-- proposed once however often the sweep runs.
CREATE TABLE accountability (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES units (id),
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    person      TEXT NOT NULL DEFAULT '',
    matter_ids  TEXT NOT NULL DEFAULT '[]',
    reason      TEXT NOT NULL,
    measure     TEXT,
    state       TEXT NOT NULL CHECK (state IN ('proposed', 'decided', 'dismissed')),
    key         TEXT,
    created_at  TEXT NOT NULL,
    decided_by  INTEGER REFERENCES users (id),
    decided_at  TEXT
);
CREATE UNIQUE INDEX accountability_key ON accountability (key) WHERE key IS NOT NULL;
CREATE INDEX accountability_org ON accountability (org_id, state);
