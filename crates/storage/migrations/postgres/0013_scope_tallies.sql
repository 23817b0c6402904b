-- The dashboard's counts, kept per scope in the transaction of every write, so that an office's
-- dashboard reads a few thousand rows of its own instead of every matter below it.
--
-- A scope is a unit whose supervisors see the matters of an org: the org itself and, for a
-- government, every unit above it (an office sees its own matters and those of the governments
-- below it). Units are only ever added, never moved, so a unit's scopes are fixed when it is.
--
-- Every transaction that writes matters or assignments holds the writers' advisory lock from
-- its first statement (see the store), so the counts' rows change one transaction at a time.

CREATE TABLE unit_ancestors (
    unit_id     bigint NOT NULL,
    ancestor_id bigint NOT NULL,
    PRIMARY KEY (unit_id, ancestor_id)
);

CREATE TABLE tally_scopes (
    org_id   bigint NOT NULL,
    scope_id bigint NOT NULL,
    PRIMARY KEY (org_id, scope_id)
);
CREATE INDEX tally_scopes_scope ON tally_scopes (scope_id, org_id);

CREATE FUNCTION units_scopes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO unit_ancestors (unit_id, ancestor_id)
    SELECT NEW.id, NEW.id
    UNION SELECT NEW.id, ancestor_id FROM unit_ancestors WHERE unit_id = NEW.parent_id;
    INSERT INTO tally_scopes (org_id, scope_id)
    SELECT NEW.id, ancestor_id FROM unit_ancestors
    WHERE unit_id = NEW.id AND (ancestor_id = NEW.id OR NEW.kind = 'government');
    RETURN NULL;
END $$;
CREATE TRIGGER units_scopes AFTER INSERT ON units FOR EACH ROW EXECUTE FUNCTION units_scopes();

-- Matters by state, source and light.
CREATE TABLE tally_matters (
    scope_id bigint NOT NULL,
    state    text NOT NULL,
    source   text NOT NULL,
    light    text NOT NULL,
    n        bigint NOT NULL,
    PRIMARY KEY (scope_id, state, source, light)
);

-- Per day, of the matters that count (neither drafts nor cancelled): those due that day and
-- still open or closed after it, and those closed that day after their deadline. How many stood
-- open past their deadline at the end of day D is then those due before D, less the late
-- closed by D.
CREATE TABLE tally_days (
    scope_id    bigint NOT NULL,
    day         date NOT NULL,
    due         bigint NOT NULL,
    closed_late bigint NOT NULL,
    PRIMARY KEY (scope_id, day)
);

-- Each unit's assignments on matters that count: open, open and red, closed, all.
CREATE TABLE tally_units (
    scope_id bigint NOT NULL,
    unit_id  bigint NOT NULL,
    open     bigint NOT NULL,
    red      bigint NOT NULL,
    closed   bigint NOT NULL,
    counted  bigint NOT NULL,
    PRIMARY KEY (scope_id, unit_id)
);

-- Each unit's assignments on matters that count, by the year and month of the deadline: all of
-- them, those closed after the deadline, those not closed yet. A unit's year is one stretch of
-- the key, so a year's units are summed in key order.
CREATE TABLE tally_months (
    scope_id bigint NOT NULL,
    year     bigint NOT NULL,
    unit_id  bigint NOT NULL,
    month    bigint NOT NULL,
    due      bigint NOT NULL,
    late     bigint NOT NULL,
    open     bigint NOT NULL,
    PRIMARY KEY (scope_id, year, unit_id, month)
);

-- The same per unit and year, with the open assignments of each month but December in a column
-- of its own: a year's units are ranked by their late work, which counts open work of the
-- months before the one under way, from one row each.
CREATE TABLE tally_years (
    scope_id bigint NOT NULL,
    year     bigint NOT NULL,
    unit_id  bigint NOT NULL,
    due      bigint NOT NULL,
    late     bigint NOT NULL,
    open_1 bigint NOT NULL,
    open_2 bigint NOT NULL,
    open_3 bigint NOT NULL,
    open_4 bigint NOT NULL,
    open_5 bigint NOT NULL,
    open_6 bigint NOT NULL,
    open_7 bigint NOT NULL,
    open_8 bigint NOT NULL,
    open_9 bigint NOT NULL,
    open_10 bigint NOT NULL,
    open_11 bigint NOT NULL,
    PRIMARY KEY (scope_id, year, unit_id)
);

-- Each unit's open assignments by the day of the deadline: those of the month under way that
-- are already past it.
CREATE TABLE tally_open_days (
    scope_id bigint NOT NULL,
    day      date NOT NULL,
    unit_id  bigint NOT NULL,
    n        bigint NOT NULL,
    PRIMARY KEY (scope_id, day, unit_id)
);

-- A matter or an assignment comes into the counts with s = 1 and leaves them with s = -1; a
-- statement's rows are summed per count before any is written, in key order.
CREATE TYPE tally_matter AS (
    org_id bigint, state text, source text, light text, deadline date, closed_at timestamptz,
    s integer
);
CREATE TYPE tally_assignment AS (
    org_id bigint, matter_state text, deadline date, closed_at timestamptz, unit_id bigint,
    state text, light text, s integer
);

-- A deadline ends at midnight in China, 16:00 UTC of its date (China keeps no summer time).
-- PL/pgSQL rather than SQL functions: their plans are kept for the session, and most calls
-- (a report, a reminder) bring no change at all and return at once.
CREATE FUNCTION tally_matters_apply(d tally_matter[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(d) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO tally_matters (scope_id, state, source, light, n)
    SELECT t.scope_id, x.state, x.source, x.light, sum(x.s)
    FROM unnest(d) x JOIN tally_scopes t ON t.org_id = x.org_id
    GROUP BY 1, 2, 3, 4 HAVING sum(x.s) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (scope_id, state, source, light) DO UPDATE SET n = tally_matters.n + excluded.n;

    INSERT INTO tally_days (scope_id, day, due, closed_late)
    SELECT t.scope_id, x.day, sum(x.due), sum(x.closed_late)
    FROM (
        SELECT org_id, deadline AS day, s AS due, 0 AS closed_late
        FROM unnest(d)
        WHERE state NOT IN ('draft', 'cancelled') AND deadline IS NOT NULL
          AND (closed_at IS NULL OR closed_at >= (deadline + time '16:00') AT TIME ZONE 'UTC')
        UNION ALL
        SELECT org_id, ((closed_at AT TIME ZONE 'UTC') + interval '8 hours')::date, 0, s
        FROM unnest(d)
        WHERE state NOT IN ('draft', 'cancelled') AND deadline IS NOT NULL
          AND closed_at >= (deadline + time '16:00') AT TIME ZONE 'UTC'
    ) x JOIN tally_scopes t ON t.org_id = x.org_id
    GROUP BY 1, 2
    HAVING sum(x.due) <> 0 OR sum(x.closed_late) <> 0
    ORDER BY 1, 2
    ON CONFLICT (scope_id, day) DO UPDATE SET
        due = tally_days.due + excluded.due,
        closed_late = tally_days.closed_late + excluded.closed_late;
END $$;

CREATE FUNCTION tally_assignments_apply(d tally_assignment[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(d) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO tally_units (scope_id, unit_id, open, red, closed, counted)
    SELECT t.scope_id, x.unit_id, sum(x.open), sum(x.red), sum(x.closed), sum(x.s)
    FROM (
        SELECT org_id, unit_id, s,
               CASE WHEN matter_state IN ('assigned', 'signed', 'in_progress', 'completion_requested')
                         AND state <> 'closed' THEN s ELSE 0 END AS open,
               CASE WHEN matter_state IN ('assigned', 'signed', 'in_progress', 'completion_requested')
                         AND state <> 'closed' AND light = 'red' THEN s ELSE 0 END AS red,
               CASE WHEN state = 'closed' THEN s ELSE 0 END AS closed
        FROM unnest(d) WHERE matter_state NOT IN ('draft', 'cancelled')
    ) x JOIN tally_scopes t ON t.org_id = x.org_id
    GROUP BY 1, 2
    HAVING sum(x.open) <> 0 OR sum(x.red) <> 0 OR sum(x.closed) <> 0 OR sum(x.s) <> 0
    ORDER BY 1, 2
    ON CONFLICT (scope_id, unit_id) DO UPDATE SET
        open = tally_units.open + excluded.open, red = tally_units.red + excluded.red,
        closed = tally_units.closed + excluded.closed,
        counted = tally_units.counted + excluded.counted;

    INSERT INTO tally_months (scope_id, year, unit_id, month, due, late, open)
    SELECT t.scope_id, x.year, x.unit_id, x.month, sum(x.s), sum(x.late), sum(x.open)
    FROM (
        SELECT org_id, extract(year FROM deadline)::bigint AS year, unit_id,
               extract(month FROM deadline)::bigint AS month, s,
               CASE WHEN closed_at >= (deadline + time '16:00') AT TIME ZONE 'UTC'
                    THEN s ELSE 0 END AS late,
               CASE WHEN closed_at IS NULL THEN s ELSE 0 END AS open
        FROM unnest(d) WHERE matter_state NOT IN ('draft', 'cancelled') AND deadline IS NOT NULL
    ) x JOIN tally_scopes t ON t.org_id = x.org_id
    GROUP BY 1, 2, 3, 4
    HAVING sum(x.s) <> 0 OR sum(x.late) <> 0 OR sum(x.open) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (scope_id, year, unit_id, month) DO UPDATE SET
        due = tally_months.due + excluded.due, late = tally_months.late + excluded.late,
        open = tally_months.open + excluded.open;

    INSERT INTO tally_years (scope_id, year, unit_id, due, late, open_1, open_2, open_3, open_4, open_5, open_6, open_7, open_8, open_9, open_10, open_11)
    SELECT t.scope_id, x.year, x.unit_id, sum(x.s), sum(x.late),
           sum(x.open_1), sum(x.open_2), sum(x.open_3), sum(x.open_4), sum(x.open_5), sum(x.open_6), sum(x.open_7), sum(x.open_8), sum(x.open_9), sum(x.open_10), sum(x.open_11)
    FROM (
        SELECT org_id, extract(year FROM deadline)::bigint AS year, unit_id, s,
               CASE WHEN closed_at >= (deadline + time '16:00') AT TIME ZONE 'UTC'
                    THEN s ELSE 0 END AS late,
               CASE WHEN closed_at IS NULL AND extract(month FROM deadline) = 1 THEN s ELSE 0 END AS open_1,
               CASE WHEN closed_at IS NULL AND extract(month FROM deadline) = 2 THEN s ELSE 0 END AS open_2,
               CASE WHEN closed_at IS NULL AND extract(month FROM deadline) = 3 THEN s ELSE 0 END AS open_3,
               CASE WHEN closed_at IS NULL AND extract(month FROM deadline) = 4 THEN s ELSE 0 END AS open_4,
               CASE WHEN closed_at IS NULL AND extract(month FROM deadline) = 5 THEN s ELSE 0 END AS open_5,
               CASE WHEN closed_at IS NULL AND extract(month FROM deadline) = 6 THEN s ELSE 0 END AS open_6,
               CASE WHEN closed_at IS NULL AND extract(month FROM deadline) = 7 THEN s ELSE 0 END AS open_7,
               CASE WHEN closed_at IS NULL AND extract(month FROM deadline) = 8 THEN s ELSE 0 END AS open_8,
               CASE WHEN closed_at IS NULL AND extract(month FROM deadline) = 9 THEN s ELSE 0 END AS open_9,
               CASE WHEN closed_at IS NULL AND extract(month FROM deadline) = 10 THEN s ELSE 0 END AS open_10,
               CASE WHEN closed_at IS NULL AND extract(month FROM deadline) = 11 THEN s ELSE 0 END AS open_11
        FROM unnest(d) WHERE matter_state NOT IN ('draft', 'cancelled') AND deadline IS NOT NULL
    ) x JOIN tally_scopes t ON t.org_id = x.org_id
    GROUP BY 1, 2, 3
    HAVING sum(x.s) <> 0 OR sum(x.late) <> 0
        OR sum(x.open_1) <> 0 OR sum(x.open_2) <> 0 OR sum(x.open_3) <> 0 OR sum(x.open_4) <> 0 OR sum(x.open_5) <> 0 OR sum(x.open_6) <> 0 OR sum(x.open_7) <> 0 OR sum(x.open_8) <> 0 OR sum(x.open_9) <> 0 OR sum(x.open_10) <> 0 OR sum(x.open_11) <> 0
    ORDER BY 1, 2, 3
    ON CONFLICT (scope_id, year, unit_id) DO UPDATE SET
        due = tally_years.due + excluded.due, late = tally_years.late + excluded.late,
        open_1 = tally_years.open_1 + excluded.open_1,
        open_2 = tally_years.open_2 + excluded.open_2,
        open_3 = tally_years.open_3 + excluded.open_3,
        open_4 = tally_years.open_4 + excluded.open_4,
        open_5 = tally_years.open_5 + excluded.open_5,
        open_6 = tally_years.open_6 + excluded.open_6,
        open_7 = tally_years.open_7 + excluded.open_7,
        open_8 = tally_years.open_8 + excluded.open_8,
        open_9 = tally_years.open_9 + excluded.open_9,
        open_10 = tally_years.open_10 + excluded.open_10,
        open_11 = tally_years.open_11 + excluded.open_11;

    INSERT INTO tally_open_days (scope_id, day, unit_id, n)
    SELECT t.scope_id, x.deadline, x.unit_id, sum(x.s)
    FROM unnest(d) x JOIN tally_scopes t ON t.org_id = x.org_id
    WHERE x.matter_state NOT IN ('draft', 'cancelled') AND x.deadline IS NOT NULL
      AND x.closed_at IS NULL
    GROUP BY 1, 2, 3 HAVING sum(x.s) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (scope_id, day, unit_id) DO UPDATE SET n = tally_open_days.n + excluded.n;
END $$;

-- One trigger function per table and kind of statement: a statement's transition tables hold
-- all its rows, so a batch of thousands is counted in a few statements.
CREATE FUNCTION matters_tally_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_matters_apply(ARRAY(
        SELECT ROW(org_id, state, source, light, deadline, closed_at, 1)::tally_matter
        FROM new_rows));
    RETURN NULL;
END $$;

CREATE FUNCTION matters_tally_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_matters_apply(ARRAY(
        SELECT ROW(org_id, state, source, light, deadline, closed_at, -1)::tally_matter
        FROM old_rows));
    RETURN NULL;
END $$;

-- Most updates of matters (reports, windows of lights) change nothing that is counted; only
-- the rows that changed something are taken out and put back. The rows that changed are found
-- by set difference, which needs no join of the two transition tables (they have no index).
CREATE FUNCTION matters_tally_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_matters_apply(ARRAY(
        WITH gone AS (
            SELECT id, org_id, state, source, light, deadline, closed_at FROM old_rows
            EXCEPT ALL SELECT id, org_id, state, source, light, deadline, closed_at FROM new_rows),
        came AS (
            SELECT id, org_id, state, source, light, deadline, closed_at FROM new_rows
            EXCEPT ALL SELECT id, org_id, state, source, light, deadline, closed_at FROM old_rows)
        SELECT ROW(org_id, state, source, light, deadline, closed_at, -1)::tally_matter FROM gone
        UNION ALL
        SELECT ROW(org_id, state, source, light, deadline, closed_at, 1)::tally_matter FROM came));
    -- What a unit's assignment counts as follows its matter's state, deadline and closing.
    PERFORM tally_assignments_apply(ARRAY(
        WITH gone AS (
            SELECT id, org_id, state, deadline, closed_at FROM old_rows
            EXCEPT ALL SELECT id, org_id, state, deadline, closed_at FROM new_rows),
        came AS (
            SELECT id, org_id, state, deadline, closed_at FROM new_rows
            EXCEPT ALL SELECT id, org_id, state, deadline, closed_at FROM old_rows)
        SELECT ROW(m.org_id, m.state, m.deadline, m.closed_at, a.unit_id, a.state, a.light,
                   -1)::tally_assignment
        FROM gone m JOIN assignments a ON a.matter_id = m.id
        UNION ALL
        SELECT ROW(m.org_id, m.state, m.deadline, m.closed_at, a.unit_id, a.state, a.light,
                   1)::tally_assignment
        FROM came m JOIN assignments a ON a.matter_id = m.id));
    RETURN NULL;
END $$;

CREATE FUNCTION assignments_tally_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_assignments_apply(ARRAY(
        SELECT ROW(m.org_id, m.state, m.deadline, m.closed_at, a.unit_id, a.state, a.light,
                   1)::tally_assignment
        FROM new_rows a JOIN matters m ON m.id = a.matter_id));
    RETURN NULL;
END $$;

CREATE FUNCTION assignments_tally_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_assignments_apply(ARRAY(
        SELECT ROW(m.org_id, m.state, m.deadline, m.closed_at, a.unit_id, a.state, a.light,
                   -1)::tally_assignment
        FROM old_rows a JOIN matters m ON m.id = a.matter_id));
    RETURN NULL;
END $$;

CREATE FUNCTION assignments_tally_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_assignments_apply(ARRAY(
        WITH gone AS (
            SELECT matter_id, unit_id, state, light FROM old_rows
            EXCEPT ALL SELECT matter_id, unit_id, state, light FROM new_rows),
        came AS (
            SELECT matter_id, unit_id, state, light FROM new_rows
            EXCEPT ALL SELECT matter_id, unit_id, state, light FROM old_rows)
        SELECT ROW(m.org_id, m.state, m.deadline, m.closed_at, a.unit_id, a.state, a.light,
                   -1)::tally_assignment
        FROM gone a JOIN matters m ON m.id = a.matter_id
        UNION ALL
        SELECT ROW(m.org_id, m.state, m.deadline, m.closed_at, a.unit_id, a.state, a.light,
                   1)::tally_assignment
        FROM came a JOIN matters m ON m.id = a.matter_id));
    RETURN NULL;
END $$;

CREATE TRIGGER matters_tally_insert AFTER INSERT ON matters
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION matters_tally_insert();
CREATE TRIGGER matters_tally_update AFTER UPDATE ON matters
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION matters_tally_update();
CREATE TRIGGER matters_tally_delete AFTER DELETE ON matters
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION matters_tally_delete();
CREATE TRIGGER assignments_tally_insert AFTER INSERT ON assignments
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION assignments_tally_insert();
CREATE TRIGGER assignments_tally_update AFTER UPDATE ON assignments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION assignments_tally_update();
CREATE TRIGGER assignments_tally_delete AFTER DELETE ON assignments
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION assignments_tally_delete();

-- The counts of what is already here.
INSERT INTO unit_ancestors (unit_id, ancestor_id)
WITH RECURSIVE up (unit_id, ancestor_id, next) AS (
    SELECT id, id, parent_id FROM units
    UNION ALL
    SELECT up.unit_id, u.id, u.parent_id FROM up JOIN units u ON u.id = up.next
)
SELECT unit_id, ancestor_id FROM up;

INSERT INTO tally_scopes (org_id, scope_id)
SELECT a.unit_id, a.ancestor_id FROM unit_ancestors a JOIN units u ON u.id = a.unit_id
WHERE a.ancestor_id = a.unit_id OR u.kind = 'government';

SELECT tally_matters_apply(ARRAY(
    SELECT ROW(org_id, state, source, light, deadline, closed_at, 1)::tally_matter
    FROM matters));

SELECT tally_assignments_apply(ARRAY(
    SELECT ROW(m.org_id, m.state, m.deadline, m.closed_at, a.unit_id, a.state, a.light,
               1)::tally_assignment
    FROM assignments a JOIN matters m ON m.id = a.matter_id));
