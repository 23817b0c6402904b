-- Rows brought in from task tables and documents, by a key of what the row says, so that
-- importing the same file again creates nothing twice.
CREATE TABLE matter_imports (
    org_id    bigint NOT NULL REFERENCES units (id),
    key       text NOT NULL,
    matter_id bigint NOT NULL REFERENCES matters (id),
    PRIMARY KEY (org_id, key)
);
