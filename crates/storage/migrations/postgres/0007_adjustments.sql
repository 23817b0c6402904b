-- Manual score adjustments (人工加减分): each rests on an event on its matter's timeline, so
-- the score's item names it like every other.
CREATE TABLE adjustments (
    event_id  bigint PRIMARY KEY REFERENCES events (id),
    matter_id bigint NOT NULL REFERENCES matters (id),
    unit_id   bigint NOT NULL REFERENCES units (id),
    points    double precision NOT NULL,
    reason    text NOT NULL,
    approver  text NOT NULL
);
CREATE INDEX adjustments_matter ON adjustments (matter_id);
