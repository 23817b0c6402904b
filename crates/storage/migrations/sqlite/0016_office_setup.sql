-- What an office keeps of its own tree and people: townships, streets and offices as kinds of
-- unit, units retired rather than deleted, and of each person a phone, whether the account is
-- disabled, and whether their password is a one-time one still to be changed.
--
-- SQLite cannot change a CHECK constraint in place, so units is rebuilt as its documentation
-- describes (foreign keys are off while migrations run; they are checked before commit), and
-- its trigger made again, now counting townships and streets as governments.
PRAGMA legacy_alter_table = ON;

CREATE TABLE units_rebuilt (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    short_names TEXT NOT NULL DEFAULT '[]',
    kind        TEXT NOT NULL CHECK (kind IN
                    ('government', 'department', 'township', 'street', 'office', 'other')),
    parent_id   INTEGER REFERENCES units (id),
    retired_at  TEXT
);
INSERT INTO units_rebuilt (id, code, name, short_names, kind, parent_id)
SELECT id, code, name, short_names, kind, parent_id FROM units;
DROP TABLE units;
ALTER TABLE units_rebuilt RENAME TO units;

CREATE TRIGGER units_scopes AFTER INSERT ON units
BEGIN
    INSERT INTO unit_ancestors (unit_id, ancestor_id)
    SELECT NEW.id, NEW.id
    UNION SELECT NEW.id, ancestor_id FROM unit_ancestors WHERE unit_id = NEW.parent_id;
    INSERT INTO tally_scopes (org_id, scope_id)
    SELECT NEW.id, ancestor_id FROM unit_ancestors
    WHERE unit_id = NEW.id
      AND (ancestor_id = NEW.id OR NEW.kind IN ('government', 'township', 'street'));
END;

PRAGMA legacy_alter_table = OFF;

ALTER TABLE users ADD COLUMN phone TEXT;
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
