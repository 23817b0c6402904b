-- How far the reminder ladder has gone for each concern (one cause of one unit's light on one
-- matter): what was sent, so that a sweep run twice sends nothing twice.
CREATE TABLE ladder (
    key          TEXT PRIMARY KEY,
    matter_id    INTEGER NOT NULL REFERENCES matters (id),
    unit_id      INTEGER NOT NULL REFERENCES units (id),
    yellow_at    TEXT,
    red_count    INTEGER NOT NULL DEFAULT 0,
    last_red_at  TEXT,
    escalated_at TEXT
);

-- Messages to send by e-mail or webhook. The id is derived from what caused the message, so the
-- same cause can only ever queue it once; a sender claims a row for a while before sending.
CREATE TABLE outbox (
    id            TEXT PRIMARY KEY,
    channel       TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
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
    sent_at       TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_at);

-- The in-app inbox: delivered the moment it is written.
CREATE TABLE inbox (
    id           TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    matter_id    INTEGER REFERENCES matters (id),
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    confirm      INTEGER NOT NULL DEFAULT 0,
    read_at      TEXT,
    confirmed_at TEXT,
    resent_at    TEXT
);
CREATE INDEX inbox_user ON inbox (user_id, created_at);

-- Years of the working-day calendar added from State Council notices, laid over the calendar
-- shipped with Luoshi.
CREATE TABLE calendar_days (
    date TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL
);

CREATE TABLE user_prefs (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    email   INTEGER NOT NULL,
    digest  INTEGER NOT NULL
);
