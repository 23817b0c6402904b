-- Texts go through the outbox too, under the same ids and retries as e-mail and webhooks; and a
-- robot's message may mention the people it is for by their mobile numbers (comma-separated).
-- SQLite cannot change a CHECK, so the table is built again.
CREATE TABLE outbox_new (
    id            TEXT PRIMARY KEY,
    channel       TEXT NOT NULL CHECK (channel IN ('email', 'webhook', 'sms')),
    target        TEXT NOT NULL,
    user_id       INTEGER REFERENCES users (id),
    matter_id     INTEGER REFERENCES matters (id),
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       TEXT NOT NULL,
    claimed_until TEXT,
    last_error    TEXT NOT NULL DEFAULT '',
    sent_at       TEXT,
    mentions      TEXT NOT NULL DEFAULT ''
);
INSERT INTO outbox_new (id, channel, target, user_id, matter_id, subject, body, created_at, state,
                        attempts, next_at, claimed_until, last_error, sent_at)
SELECT id, channel, target, user_id, matter_id, subject, body, created_at, state, attempts,
       next_at, claimed_until, last_error, sent_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (state, next_at);
