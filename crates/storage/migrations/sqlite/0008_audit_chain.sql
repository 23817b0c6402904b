-- The audit chain: each event's hash covers the previous one's, so changing, removing or
-- inserting a row anywhere breaks every link after it.
CREATE TABLE audit_chain (
    event_id INTEGER PRIMARY KEY REFERENCES events (id),
    algo     TEXT NOT NULL,
    hash     TEXT NOT NULL
);
CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain
BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;
CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;
