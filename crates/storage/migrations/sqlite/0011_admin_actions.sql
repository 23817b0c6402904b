-- Administrative actions — the calendar changed, a letter kept, tokens made or revoked,
-- passwords changed, sessions ended — are audited beside the timeline's events.
CREATE TABLE admin_actions (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id INTEGER REFERENCES users (id),
    at       TEXT NOT NULL,
    action   TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER admin_actions_no_update BEFORE UPDATE ON admin_actions
BEGIN SELECT RAISE(ABORT, 'admin actions are append-only'); END;
CREATE TRIGGER admin_actions_no_delete BEFORE DELETE ON admin_actions
BEGIN SELECT RAISE(ABORT, 'admin actions are append-only'); END;

-- One chain over both, in the order things were written: each link names an event or an
-- admin action. The links of the events chained so far keep their hashes and take their
-- event's id as their place, so a head recorded before still holds.
CREATE TABLE audit_links (
    seq      INTEGER PRIMARY KEY,
    event_id INTEGER UNIQUE REFERENCES events (id),
    admin_id INTEGER UNIQUE REFERENCES admin_actions (id),
    algo     TEXT NOT NULL,
    hash     TEXT NOT NULL,
    CHECK ((event_id IS NULL) <> (admin_id IS NULL))
);
INSERT INTO audit_links (seq, event_id, algo, hash)
    SELECT event_id, event_id, algo, hash FROM audit_chain ORDER BY event_id;
DROP TRIGGER audit_chain_no_update;
DROP TRIGGER audit_chain_no_delete;
DROP TABLE audit_chain;
CREATE TRIGGER audit_links_no_update BEFORE UPDATE ON audit_links
BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;
CREATE TRIGGER audit_links_no_delete BEFORE DELETE ON audit_links
BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;

-- Settings the database keeps for itself, such as the hash new links use.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
