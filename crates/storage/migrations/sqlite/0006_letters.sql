-- Files kept by the SHA-256 of their content: the same file uploaded twice is stored once.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    bytes  BLOB NOT NULL
);

-- Responsibility letters (责任书): one or more per unit per year, linked to their matters.
CREATE TABLE letters (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES units (id),
    unit_id      INTEGER NOT NULL REFERENCES units (id),
    year         INTEGER NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    sha256       TEXT NOT NULL REFERENCES blobs (sha256),
    size         INTEGER NOT NULL,
    matter_ids   TEXT NOT NULL DEFAULT '[]',
    uploaded_by  INTEGER NOT NULL REFERENCES users (id),
    uploaded_at  TEXT NOT NULL
);
CREATE INDEX letters_org_year ON letters (org_id, year);
