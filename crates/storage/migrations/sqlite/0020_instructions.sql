-- A leader's instruction on the timeline says which kind it is (批示, 圈阅, 肯定), and any
-- event may name the earlier one it is about (the report a leader wrote on).
ALTER TABLE events ADD COLUMN instruction TEXT;
ALTER TABLE events ADD COLUMN on_event_id INTEGER REFERENCES events (id);
