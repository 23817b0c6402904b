-- The audit chain: each event's hash covers the previous one's, so changing, removing or
-- inserting a row anywhere breaks every link after it. The hash is computed by the store, as
-- on SQLite, over the same text of the same fields: a chain moved between backends still holds.
CREATE TABLE audit_chain (
    event_id bigint PRIMARY KEY REFERENCES events (id),
    algo     text NOT NULL,
    hash     text NOT NULL
);
CREATE TRIGGER audit_chain_no_update BEFORE UPDATE OR DELETE ON audit_chain
    FOR EACH ROW EXECUTE FUNCTION luoshi_append_only();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
    FOR EACH STATEMENT EXECUTE FUNCTION luoshi_append_only();
