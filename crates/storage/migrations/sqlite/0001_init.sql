-- Luoshi's schema on SQLite. PostgreSQL keeps its own folder beside this one.

CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    short_names TEXT NOT NULL DEFAULT '[]',
    kind        TEXT NOT NULL CHECK (kind IN ('government', 'department', 'other')),
    parent_id   INTEGER REFERENCES units (id)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'leader', 'liaison')),
    unit_id       INTEGER NOT NULL REFERENCES units (id),
    email         TEXT,
    password_hash TEXT NOT NULL,
    in_charge_of  TEXT NOT NULL DEFAULT '[]',
    created_at    TEXT NOT NULL
);

-- Bearer tokens, stored as a SHA-256 of the token so a copy of the database signs nobody in.
CREATE TABLE api_tokens (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The last number given out per org and year; bumped in the transaction that creates the matter,
-- so numbers have no gaps and no repeats.
CREATE TABLE matter_counters (
    org_id   INTEGER NOT NULL REFERENCES units (id),
    year     INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (org_id, year)
);

CREATE TABLE matters (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES units (id),
    year         INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    title        TEXT NOT NULL,
    content      TEXT NOT NULL,
    source       TEXT NOT NULL CHECK (source IN ('decision', 'work_report', 'meeting', 'special', 'instruction')),
    origin       TEXT NOT NULL DEFAULT '',
    urgency      TEXT NOT NULL CHECK (urgency IN ('urgent', 'expedited', 'normal')),
    lead_unit_id INTEGER NOT NULL REFERENCES units (id),
    leader_id    INTEGER REFERENCES users (id),
    deadline     TEXT,
    cadence      TEXT NOT NULL CHECK (cadence IN ('once', 'weekly', 'monthly', 'quarterly')),
    milestones   TEXT NOT NULL DEFAULT '[]',
    tags         TEXT NOT NULL DEFAULT '[]',
    public       INTEGER NOT NULL DEFAULT 0,
    parent_id    INTEGER REFERENCES matters (id),
    state        TEXT NOT NULL CHECK (state IN ('draft', 'assigned', 'signed', 'in_progress', 'completion_requested', 'closed', 'cancelled')),
    extension    TEXT,
    created_by   INTEGER NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    assigned_at  TEXT,
    closed_at    TEXT,
    version      INTEGER NOT NULL,
    UNIQUE (org_id, year, seq)
);
CREATE INDEX matters_org_state ON matters (org_id, state);
CREATE INDEX matters_deadline ON matters (deadline);
CREATE INDEX matters_parent ON matters (parent_id);
CREATE INDEX matters_leader ON matters (leader_id);

CREATE TABLE assignments (
    matter_id        INTEGER NOT NULL REFERENCES matters (id),
    unit_id          INTEGER NOT NULL REFERENCES units (id),
    position         INTEGER NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('lead', 'co')),
    state            TEXT NOT NULL CHECK (state IN ('assigned', 'signed', 'in_progress', 'completion_requested', 'closed', 'cancelled')),
    signed_at        TEXT,
    last_feedback_at TEXT,
    percent          INTEGER NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
    PRIMARY KEY (matter_id, unit_id)
);
CREATE INDEX assignments_unit ON assignments (unit_id, state);

-- The timeline. Rows are only ever added: the triggers refuse updates and deletes.
CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    matter_id    INTEGER NOT NULL REFERENCES matters (id),
    kind         TEXT NOT NULL,
    actor_id     INTEGER NOT NULL REFERENCES users (id),
    unit_id      INTEGER REFERENCES units (id),
    at           TEXT NOT NULL,
    comment      TEXT NOT NULL DEFAULT '',
    percent      INTEGER,
    problems     TEXT NOT NULL DEFAULT '',
    next_steps   TEXT NOT NULL DEFAULT '',
    new_deadline TEXT
);
CREATE INDEX events_matter ON events (matter_id, id);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- Lists are ordered soonest deadline first, undated (持续推进) last; this index walks them in
-- that order so a page stops reading once it is full.
CREATE INDEX matters_list_order ON matters ((deadline IS NULL), deadline, id);
