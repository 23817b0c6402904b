-- The meeting, document or instruction matters come from, as its own record of the org, so that
-- one 常务会议's items can be counted and reported on together. A file imported twice finds the
-- origin it made the first time by its kind, title and 文号.
CREATE TABLE origins (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES units (id),
    kind       TEXT NOT NULL CHECK (kind IN ('meeting', 'document', 'instruction')),
    title      TEXT NOT NULL,
    number     TEXT NOT NULL DEFAULT '',
    date       TEXT,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX origins_identity ON origins (org_id, kind, title, number);
ALTER TABLE matters ADD COLUMN origin_id INTEGER REFERENCES origins (id);
CREATE INDEX matters_origin ON matters (origin_id);
