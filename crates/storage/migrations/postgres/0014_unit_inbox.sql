-- A message to a unit's liaisons is kept once, not once per liaison: a province's reminders
-- reach ten liaisons in each of three thousand units. Whoever holds the post when they look
-- sees it. Each reader's reading is kept apart; a confirmation (确认收到) is the unit's answer,
-- given by whichever liaison confirms, so the message is sent again only while nobody has.
ALTER TABLE inbox ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE inbox ADD COLUMN unit_id bigint REFERENCES units (id);
ALTER TABLE inbox ADD COLUMN confirmed_by bigint REFERENCES users (id);
ALTER TABLE inbox ADD CONSTRAINT inbox_one_addressee CHECK ((user_id IS NULL) <> (unit_id IS NULL));
UPDATE inbox SET confirmed_by = user_id WHERE confirmed_at IS NOT NULL;

CREATE TABLE inbox_reads (
    item_id text NOT NULL REFERENCES inbox (id),
    user_id bigint NOT NULL REFERENCES users (id),
    read_at timestamptz NOT NULL,
    PRIMARY KEY (item_id, user_id)
);
INSERT INTO inbox_reads (item_id, user_id, read_at)
SELECT id, user_id, read_at FROM inbox WHERE read_at IS NOT NULL;
ALTER TABLE inbox DROP COLUMN read_at;

CREATE INDEX inbox_unit ON inbox (unit_id, created_at);
-- What is still waiting for a confirmation, in the order it is sent again.
CREATE INDEX inbox_unconfirmed ON inbox ((coalesce(resent_at, created_at)))
    WHERE confirm AND confirmed_at IS NULL;
-- A unit's liaisons, for those who read and are sent again its messages.
CREATE INDEX users_unit ON users (unit_id, role);
