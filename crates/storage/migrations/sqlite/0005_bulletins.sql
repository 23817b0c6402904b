-- Bulletins (通报): drafted, sent for review, published. A published bulletin keeps the
-- document as it was issued.
CREATE TABLE bulletins (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES units (id),
    period       TEXT NOT NULL,
    number       TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL CHECK (state IN ('draft', 'review', 'published')),
    cases        TEXT NOT NULL DEFAULT '[]',
    document     TEXT,
    created_by   INTEGER NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    published_at TEXT
);
CREATE INDEX bulletins_org ON bulletins (org_id, id);
