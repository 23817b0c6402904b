-- Sign-in sessions and API tokens share one table. API tokens have a name and a scope; both
-- record when they were last used, for idle timeouts and so people can see what still works.
-- The table is rebuilt to give each token a stable id that people can revoke it by.
CREATE TABLE tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    kind         TEXT NOT NULL DEFAULT 'session',
    name         TEXT NOT NULL DEFAULT '',
    scope        TEXT NOT NULL DEFAULT 'write',
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    last_used_at TEXT
);
INSERT INTO tokens (token_hash, user_id, created_at, expires_at)
    SELECT token_hash, user_id, created_at, expires_at FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE tokens RENAME TO api_tokens;
CREATE INDEX api_tokens_user ON api_tokens (user_id, kind);
