-- What an office keeps of its own tree and people: townships, streets and offices as kinds of
-- unit, units retired rather than deleted, and of each person a phone, whether the account is
-- disabled, and whether their password is a one-time one still to be changed.
ALTER TABLE units DROP CONSTRAINT units_kind_check;
ALTER TABLE units ADD CONSTRAINT units_kind_check CHECK (kind IN
    ('government', 'department', 'township', 'street', 'office', 'other'));
ALTER TABLE units ADD COLUMN retired_at timestamptz;

-- Townships and streets are governments: they own the matters of their subtree.
CREATE OR REPLACE FUNCTION units_scopes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO unit_ancestors (unit_id, ancestor_id)
    SELECT NEW.id, NEW.id
    UNION SELECT NEW.id, ancestor_id FROM unit_ancestors WHERE unit_id = NEW.parent_id;
    INSERT INTO tally_scopes (org_id, scope_id)
    SELECT NEW.id, ancestor_id FROM unit_ancestors
    WHERE unit_id = NEW.id
      AND (ancestor_id = NEW.id OR NEW.kind IN ('government', 'township', 'street'));
    RETURN NULL;
END $$;

ALTER TABLE users ADD COLUMN phone text;
ALTER TABLE users ADD COLUMN disabled boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
