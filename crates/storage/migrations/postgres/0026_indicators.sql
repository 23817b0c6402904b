-- A matter's quantified indicators (量化指标), each with its baseline, target, period and the
-- values reported for it, kept with the matter as its milestones are.
ALTER TABLE matters ADD COLUMN indicators jsonb NOT NULL DEFAULT '[]';
-- The values a report gave them, as written: the audit chain hashes this text.
ALTER TABLE events ADD COLUMN indicator_values text;
-- The dashboard's indicators off track are read from the few matters that have any, in
-- number order.
CREATE INDEX matters_with_indicators ON matters (org_id, year, seq) WHERE indicators <> '[]';
