-- The dashboard's counts, kept per scope in the transaction of every write, so that an office's
-- dashboard reads a few thousand rows of its own instead of every matter below it.
--
-- A scope is a unit whose supervisors see the matters of an org: the org itself and, for a
-- government, every unit above it (an office sees its own matters and those of the governments
-- below it). Units are only ever added, never moved, so a unit's scopes are fixed when it is.

CREATE TABLE unit_ancestors (
    unit_id     INTEGER NOT NULL,
    ancestor_id INTEGER NOT NULL,
    PRIMARY KEY (unit_id, ancestor_id)
) WITHOUT ROWID;

CREATE TABLE tally_scopes (
    org_id   INTEGER NOT NULL,
    scope_id INTEGER NOT NULL,
    PRIMARY KEY (org_id, scope_id)
) WITHOUT ROWID;

CREATE TRIGGER units_scopes AFTER INSERT ON units
BEGIN
    INSERT INTO unit_ancestors (unit_id, ancestor_id)
    SELECT NEW.id, NEW.id
    UNION SELECT NEW.id, ancestor_id FROM unit_ancestors WHERE unit_id = NEW.parent_id;
    INSERT INTO tally_scopes (org_id, scope_id)
    SELECT NEW.id, ancestor_id FROM unit_ancestors
    WHERE unit_id = NEW.id AND (ancestor_id = NEW.id OR NEW.kind = 'government');
END;

-- Matters by state, source and light.
CREATE TABLE tally_matters (
    scope_id INTEGER NOT NULL,
    state    TEXT NOT NULL,
    source   TEXT NOT NULL,
    light    TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (scope_id, state, source, light)
) WITHOUT ROWID;

-- Per day, of the matters that count (neither drafts nor cancelled): those due that day and
-- still open or closed after it, and those closed that day after their deadline. How many stood
-- open past their deadline at the end of day D is then those due before D, less the late
-- closed by D.
CREATE TABLE tally_days (
    scope_id    INTEGER NOT NULL,
    day         TEXT NOT NULL,
    due         INTEGER NOT NULL,
    closed_late INTEGER NOT NULL,
    PRIMARY KEY (scope_id, day)
) WITHOUT ROWID;

-- Each unit's assignments on matters that count: open, open and red, closed, all.
CREATE TABLE tally_units (
    scope_id INTEGER NOT NULL,
    unit_id  INTEGER NOT NULL,
    open     INTEGER NOT NULL,
    red      INTEGER NOT NULL,
    closed   INTEGER NOT NULL,
    counted  INTEGER NOT NULL,
    PRIMARY KEY (scope_id, unit_id)
) WITHOUT ROWID;

-- Each unit's assignments on matters that count, by the year and month of the deadline: all of
-- them, those closed after the deadline, those not closed yet. A unit's year is one stretch of
-- the key, so a year's units are summed in key order.
CREATE TABLE tally_months (
    scope_id INTEGER NOT NULL,
    year     INTEGER NOT NULL,
    unit_id  INTEGER NOT NULL,
    month    INTEGER NOT NULL,
    due      INTEGER NOT NULL,
    late     INTEGER NOT NULL,
    open     INTEGER NOT NULL,
    PRIMARY KEY (scope_id, year, unit_id, month)
) WITHOUT ROWID;

-- The same per unit and year, with the open assignments of each month but December in a column
-- of its own: a year's units are ranked by their late work, which counts open work of the
-- months before the one under way, from one row each.
CREATE TABLE tally_years (
    scope_id INTEGER NOT NULL,
    year     INTEGER NOT NULL,
    unit_id  INTEGER NOT NULL,
    due      INTEGER NOT NULL,
    late     INTEGER NOT NULL,
    open_1 INTEGER NOT NULL,
    open_2 INTEGER NOT NULL,
    open_3 INTEGER NOT NULL,
    open_4 INTEGER NOT NULL,
    open_5 INTEGER NOT NULL,
    open_6 INTEGER NOT NULL,
    open_7 INTEGER NOT NULL,
    open_8 INTEGER NOT NULL,
    open_9 INTEGER NOT NULL,
    open_10 INTEGER NOT NULL,
    open_11 INTEGER NOT NULL,
    PRIMARY KEY (scope_id, year, unit_id)
) WITHOUT ROWID;

-- Each unit's open assignments by the day of the deadline: those of the month under way that
-- are already past it.
CREATE TABLE tally_open_days (
    scope_id INTEGER NOT NULL,
    day      TEXT NOT NULL,
    unit_id  INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (scope_id, day, unit_id)
) WITHOUT ROWID;

-- A matter or an assignment comes into the counts with s = 1 and leaves them with s = -1. The
-- counts are written through these two views, so each rule of what counts where is stated once.
-- `dated` is 0 when what changed leaves the counts by day, month and year as they were (a new
-- light, a unit's part moving on), which spares writing them out and back.
CREATE VIEW tally_matter_delta (org_id, state, source, light, deadline, closed_at, s, dated) AS
    SELECT 0, '', '', '', NULL, NULL, 0, 0 WHERE 0;
CREATE VIEW tally_assignment_delta
    (org_id, matter_state, deadline, closed_at, unit_id, state, light, s, dated) AS
    SELECT 0, '', NULL, NULL, 0, '', '', 0, 0 WHERE 0;

-- A deadline ends at midnight in China, 16:00 UTC of its date (China keeps no summer time);
-- timestamps are UTC text of fixed width, so text order is time order.
CREATE TRIGGER tally_matter_delta INSTEAD OF INSERT ON tally_matter_delta
BEGIN
    INSERT INTO tally_matters (scope_id, state, source, light, n)
    SELECT scope_id, NEW.state, NEW.source, NEW.light, NEW.s
    FROM tally_scopes WHERE org_id = NEW.org_id
    ON CONFLICT (scope_id, state, source, light) DO UPDATE SET n = n + excluded.n;

    INSERT INTO tally_days (scope_id, day, due, closed_late)
    SELECT scope_id, NEW.deadline, NEW.s, 0
    FROM tally_scopes
    WHERE org_id = NEW.org_id AND NEW.dated AND NEW.state NOT IN ('draft', 'cancelled')
      AND NEW.deadline IS NOT NULL
      AND (NEW.closed_at IS NULL OR NEW.closed_at >= NEW.deadline || 'T16:00:00')
    ON CONFLICT (scope_id, day) DO UPDATE SET due = due + excluded.due;

    INSERT INTO tally_days (scope_id, day, due, closed_late)
    SELECT scope_id, date(NEW.closed_at, '+8 hours'), 0, NEW.s
    FROM tally_scopes
    WHERE org_id = NEW.org_id AND NEW.dated AND NEW.state NOT IN ('draft', 'cancelled')
      AND NEW.deadline IS NOT NULL AND NEW.closed_at >= NEW.deadline || 'T16:00:00'
    ON CONFLICT (scope_id, day) DO UPDATE SET closed_late = closed_late + excluded.closed_late;
END;

CREATE TRIGGER tally_assignment_delta INSTEAD OF INSERT ON tally_assignment_delta
BEGIN
    INSERT INTO tally_units (scope_id, unit_id, open, red, closed, counted)
    SELECT scope_id, NEW.unit_id,
           NEW.s * (NEW.matter_state IN ('assigned', 'signed', 'in_progress', 'completion_requested')
                    AND NEW.state <> 'closed'),
           NEW.s * (NEW.matter_state IN ('assigned', 'signed', 'in_progress', 'completion_requested')
                    AND NEW.state <> 'closed' AND NEW.light = 'red'),
           NEW.s * (NEW.state = 'closed'),
           NEW.s
    FROM tally_scopes
    WHERE org_id = NEW.org_id AND NEW.matter_state NOT IN ('draft', 'cancelled')
    ON CONFLICT (scope_id, unit_id) DO UPDATE SET
        open = open + excluded.open, red = red + excluded.red,
        closed = closed + excluded.closed, counted = counted + excluded.counted;

    INSERT INTO tally_months (scope_id, year, unit_id, month, due, late, open)
    SELECT scope_id, CAST(substr(NEW.deadline, 1, 4) AS INTEGER), NEW.unit_id,
           CAST(substr(NEW.deadline, 6, 2) AS INTEGER), NEW.s,
           NEW.s * (NEW.closed_at IS NOT NULL AND NEW.closed_at >= NEW.deadline || 'T16:00:00'),
           NEW.s * (NEW.closed_at IS NULL)
    FROM tally_scopes
    WHERE org_id = NEW.org_id AND NEW.dated AND NEW.matter_state NOT IN ('draft', 'cancelled')
      AND NEW.deadline IS NOT NULL
    ON CONFLICT (scope_id, year, unit_id, month) DO UPDATE SET
        due = due + excluded.due, late = late + excluded.late, open = open + excluded.open;

    INSERT INTO tally_years (scope_id, year, unit_id, due, late, open_1, open_2, open_3, open_4, open_5, open_6, open_7, open_8, open_9, open_10, open_11)
    SELECT scope_id, CAST(substr(NEW.deadline, 1, 4) AS INTEGER), NEW.unit_id, NEW.s,
           NEW.s * (NEW.closed_at IS NOT NULL AND NEW.closed_at >= NEW.deadline || 'T16:00:00'),
           NEW.s * (NEW.closed_at IS NULL AND substr(NEW.deadline, 6, 2) = '01'),
           NEW.s * (NEW.closed_at IS NULL AND substr(NEW.deadline, 6, 2) = '02'),
           NEW.s * (NEW.closed_at IS NULL AND substr(NEW.deadline, 6, 2) = '03'),
           NEW.s * (NEW.closed_at IS NULL AND substr(NEW.deadline, 6, 2) = '04'),
           NEW.s * (NEW.closed_at IS NULL AND substr(NEW.deadline, 6, 2) = '05'),
           NEW.s * (NEW.closed_at IS NULL AND substr(NEW.deadline, 6, 2) = '06'),
           NEW.s * (NEW.closed_at IS NULL AND substr(NEW.deadline, 6, 2) = '07'),
           NEW.s * (NEW.closed_at IS NULL AND substr(NEW.deadline, 6, 2) = '08'),
           NEW.s * (NEW.closed_at IS NULL AND substr(NEW.deadline, 6, 2) = '09'),
           NEW.s * (NEW.closed_at IS NULL AND substr(NEW.deadline, 6, 2) = '10'),
           NEW.s * (NEW.closed_at IS NULL AND substr(NEW.deadline, 6, 2) = '11')
    FROM tally_scopes
    WHERE org_id = NEW.org_id AND NEW.dated AND NEW.matter_state NOT IN ('draft', 'cancelled')
      AND NEW.deadline IS NOT NULL
    ON CONFLICT (scope_id, year, unit_id) DO UPDATE SET
        due = due + excluded.due, late = late + excluded.late,
        open_1 = open_1 + excluded.open_1,
        open_2 = open_2 + excluded.open_2,
        open_3 = open_3 + excluded.open_3,
        open_4 = open_4 + excluded.open_4,
        open_5 = open_5 + excluded.open_5,
        open_6 = open_6 + excluded.open_6,
        open_7 = open_7 + excluded.open_7,
        open_8 = open_8 + excluded.open_8,
        open_9 = open_9 + excluded.open_9,
        open_10 = open_10 + excluded.open_10,
        open_11 = open_11 + excluded.open_11;

    INSERT INTO tally_open_days (scope_id, day, unit_id, n)
    SELECT scope_id, NEW.deadline, NEW.unit_id, NEW.s
    FROM tally_scopes
    WHERE org_id = NEW.org_id AND NEW.dated AND NEW.matter_state NOT IN ('draft', 'cancelled')
      AND NEW.deadline IS NOT NULL AND NEW.closed_at IS NULL
    ON CONFLICT (scope_id, day, unit_id) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER matters_tally_insert AFTER INSERT ON matters
BEGIN
    INSERT INTO tally_matter_delta
    VALUES (NEW.org_id, NEW.state, NEW.source, NEW.light, NEW.deadline, NEW.closed_at, 1, 1);
END;

CREATE TRIGGER matters_tally_update
AFTER UPDATE OF org_id, state, source, light, deadline, closed_at ON matters
WHEN OLD.org_id <> NEW.org_id OR OLD.state <> NEW.state OR OLD.source <> NEW.source
  OR OLD.light <> NEW.light OR OLD.deadline IS NOT NEW.deadline
  OR OLD.closed_at IS NOT NEW.closed_at
BEGIN
    INSERT INTO tally_matter_delta
    SELECT OLD.org_id, OLD.state, OLD.source, OLD.light, OLD.deadline, OLD.closed_at, -1, dated
    FROM (SELECT OLD.org_id <> NEW.org_id OR OLD.state <> NEW.state
                 OR OLD.deadline IS NOT NEW.deadline OR OLD.closed_at IS NOT NEW.closed_at AS dated)
    UNION ALL
    SELECT NEW.org_id, NEW.state, NEW.source, NEW.light, NEW.deadline, NEW.closed_at, 1, dated
    FROM (SELECT OLD.org_id <> NEW.org_id OR OLD.state <> NEW.state
                 OR OLD.deadline IS NOT NEW.deadline OR OLD.closed_at IS NOT NEW.closed_at AS dated);
END;

-- What a unit's assignment counts as follows its matter's state, deadline and closing.
CREATE TRIGGER matters_tally_assignments
AFTER UPDATE OF org_id, state, deadline, closed_at ON matters
WHEN OLD.org_id <> NEW.org_id OR OLD.state <> NEW.state OR OLD.deadline IS NOT NEW.deadline
  OR OLD.closed_at IS NOT NEW.closed_at
BEGIN
    INSERT INTO tally_assignment_delta
    SELECT OLD.org_id, OLD.state, OLD.deadline, OLD.closed_at, unit_id, state, light, -1, 1
    FROM assignments WHERE matter_id = OLD.id
    UNION ALL
    SELECT NEW.org_id, NEW.state, NEW.deadline, NEW.closed_at, unit_id, state, light, 1, 1
    FROM assignments WHERE matter_id = NEW.id;
END;

CREATE TRIGGER matters_tally_delete AFTER DELETE ON matters
BEGIN
    INSERT INTO tally_matter_delta
    VALUES (OLD.org_id, OLD.state, OLD.source, OLD.light, OLD.deadline, OLD.closed_at, -1, 1);
END;

CREATE TRIGGER assignments_tally_insert AFTER INSERT ON assignments
BEGIN
    INSERT INTO tally_assignment_delta
    SELECT org_id, state, deadline, closed_at, NEW.unit_id, NEW.state, NEW.light, 1, 1
    FROM matters WHERE id = NEW.matter_id;
END;

CREATE TRIGGER assignments_tally_update AFTER UPDATE OF matter_id, unit_id, state, light ON assignments
WHEN OLD.matter_id <> NEW.matter_id OR OLD.unit_id <> NEW.unit_id OR OLD.state <> NEW.state
  OR OLD.light <> NEW.light
BEGIN
    INSERT INTO tally_assignment_delta
    SELECT org_id, state, deadline, closed_at, OLD.unit_id, OLD.state, OLD.light, -1,
           OLD.matter_id <> NEW.matter_id OR OLD.unit_id <> NEW.unit_id
    FROM matters WHERE id = OLD.matter_id
    UNION ALL
    SELECT org_id, state, deadline, closed_at, NEW.unit_id, NEW.state, NEW.light, 1,
           OLD.matter_id <> NEW.matter_id OR OLD.unit_id <> NEW.unit_id
    FROM matters WHERE id = NEW.matter_id;
END;

CREATE TRIGGER assignments_tally_delete AFTER DELETE ON assignments
BEGIN
    INSERT INTO tally_assignment_delta
    SELECT org_id, state, deadline, closed_at, OLD.unit_id, OLD.state, OLD.light, -1, 1
    FROM matters WHERE id = OLD.matter_id;
END;

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

INSERT INTO tally_matter_delta
SELECT org_id, state, source, light, deadline, closed_at, 1, 1 FROM matters;

INSERT INTO tally_assignment_delta
SELECT m.org_id, m.state, m.deadline, m.closed_at, a.unit_id, a.state, a.light, 1, 1
FROM assignments a JOIN matters m ON m.id = a.matter_id;
