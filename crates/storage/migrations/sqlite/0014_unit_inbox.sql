-- A message to a unit's liaisons is kept once, not once per liaison: a province's reminders
-- reach ten liaisons in each of three thousand units. Whoever holds the post when they look
-- sees it. Each reader's reading is kept apart; a confirmation (确认收到) is the unit's answer,
-- given by whichever liaison confirms, so the message is sent again only while nobody has.
CREATE TABLE inbox_new (
    id           TEXT PRIMARY KEY,
    user_id      INTEGER REFERENCES users (id),
    unit_id      INTEGER REFERENCES units (id),
    matter_id    INTEGER REFERENCES matters (id),
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    confirm      INTEGER NOT NULL DEFAULT 0,
    confirmed_at TEXT,
    confirmed_by INTEGER REFERENCES users (id),
    resent_at    TEXT,
    CHECK ((user_id IS NULL) <> (unit_id IS NULL))
);
INSERT INTO inbox_new (id, user_id, matter_id, title, body, created_at, confirm, confirmed_at,
                       confirmed_by, resent_at)
SELECT id, user_id, matter_id, title, body, created_at, confirm, confirmed_at,
       CASE WHEN confirmed_at IS NOT NULL THEN user_id END, resent_at
FROM inbox;

CREATE TABLE inbox_reads (
    item_id TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    read_at TEXT NOT NULL,
    PRIMARY KEY (item_id, user_id)
) WITHOUT ROWID;
INSERT INTO inbox_reads (item_id, user_id, read_at)
SELECT id, user_id, read_at FROM inbox WHERE read_at IS NOT NULL;

DROP TABLE inbox;
ALTER TABLE inbox_new RENAME TO inbox;
CREATE INDEX inbox_user ON inbox (user_id, created_at);
CREATE INDEX inbox_unit ON inbox (unit_id, created_at);
-- What is still waiting for a confirmation, in the order it is sent again.
CREATE INDEX inbox_unconfirmed ON inbox (coalesce(resent_at, created_at))
    WHERE confirm AND confirmed_at IS NULL;
-- A unit's liaisons, for those who read and are sent again its messages.
CREATE INDEX users_unit ON users (unit_id, role);
