-- How far the reminder ladder has gone for each concern (one cause of one unit's light on one
-- matter): what was sent, so that a sweep run twice sends nothing twice.
CREATE TABLE ladder (
    key          text PRIMARY KEY,
    matter_id    bigint NOT NULL REFERENCES matters (id),
    unit_id      bigint NOT NULL REFERENCES units (id),
    yellow_at    timestamptz,
    red_count    integer NOT NULL DEFAULT 0,
    last_red_at  timestamptz,
    escalated_at timestamptz
);

-- Messages to send by e-mail or webhook. The id is derived from what caused the message, so the
-- same cause can only ever queue it once; a sender claims a row for a while before sending.
CREATE TABLE outbox (
    id            text PRIMARY KEY,
    channel       text NOT NULL CHECK (channel IN ('email', 'webhook')),
    target        text NOT NULL,
    user_id       bigint REFERENCES users (id),
    matter_id     bigint REFERENCES matters (id),
    subject       text NOT NULL,
    body          text NOT NULL,
    created_at    timestamptz NOT NULL,
    state         text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts      integer NOT NULL DEFAULT 0,
    next_at       timestamptz NOT NULL,
    claimed_until timestamptz,
    last_error    text NOT NULL DEFAULT '',
    sent_at       timestamptz
);
CREATE INDEX outbox_due ON outbox (state, next_at);

-- The in-app inbox: delivered the moment it is written.
CREATE TABLE inbox (
    id           text PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id),
    matter_id    bigint REFERENCES matters (id),
    title        text NOT NULL,
    body         text NOT NULL,
    created_at   timestamptz NOT NULL,
    confirm      boolean NOT NULL DEFAULT false,
    read_at      timestamptz,
    confirmed_at timestamptz,
    resent_at    timestamptz
);
CREATE INDEX inbox_user ON inbox (user_id, created_at);

-- Years of the working-day calendar added from State Council notices, laid over the calendar
-- shipped with Luoshi.
CREATE TABLE calendar_days (
    date date PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name text NOT NULL
);

CREATE TABLE user_prefs (
    user_id bigint PRIMARY KEY REFERENCES users (id),
    email   boolean NOT NULL,
    digest  boolean NOT NULL
);
