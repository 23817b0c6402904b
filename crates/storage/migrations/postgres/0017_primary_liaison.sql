-- Of a unit's liaisons, the one the office calls first (主联络员).
ALTER TABLE users ADD COLUMN primary_liaison boolean NOT NULL DEFAULT false;
