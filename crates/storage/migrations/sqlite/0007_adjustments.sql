-- Manual score adjustments (人工加减分): each rests on an event on its matter's timeline, so
-- the score's item names it like every other.
CREATE TABLE adjustments (
    event_id  INTEGER PRIMARY KEY REFERENCES events (id),
    matter_id INTEGER NOT NULL REFERENCES matters (id),
    unit_id   INTEGER NOT NULL REFERENCES units (id),
    points    REAL NOT NULL,
    reason    TEXT NOT NULL,
    approver  TEXT NOT NULL
);
CREATE INDEX adjustments_matter ON adjustments (matter_id);
