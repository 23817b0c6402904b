-- Lights as last worked out, with the window in which they hold (microseconds since 1970):
-- a cache of what the clock, the calendar and the rules make of each matter, kept so that
-- lists filter by light and dashboards count lights in SQL. Writing a matter empties its window
-- (light_until = 0); whatever is stale is worked out again before lights are read.
ALTER TABLE matters ADD COLUMN light TEXT NOT NULL DEFAULT 'green'
    CHECK (light IN ('green', 'yellow', 'red'));
ALTER TABLE matters ADD COLUMN light_at bigint NOT NULL DEFAULT 0;
ALTER TABLE matters ADD COLUMN light_until bigint NOT NULL DEFAULT 0;
ALTER TABLE assignments ADD COLUMN light TEXT NOT NULL DEFAULT 'green'
    CHECK (light IN ('green', 'yellow', 'red'));
CREATE INDEX matters_light_until ON matters (light_until);
CREATE INDEX matters_light_at ON matters (light_at);

-- The dashboard counts matters by state, source and light, and assignments by unit, from
-- these indexes alone.
DROP INDEX matters_org_state;
CREATE INDEX matters_tally ON matters (org_id, state, source, light);
DROP INDEX assignments_unit;
CREATE INDEX assignments_tally ON assignments (unit_id, state, light, matter_id);

