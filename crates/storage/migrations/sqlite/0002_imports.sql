-- Rows brought in from task tables and documents, by a key of what the row says, so that
-- importing the same file again creates nothing twice.
CREATE TABLE matter_imports (
    org_id    INTEGER NOT NULL REFERENCES units (id),
    key       TEXT NOT NULL,
    matter_id INTEGER NOT NULL REFERENCES matters (id),
    PRIMARY KEY (org_id, key)
);
