-- The office's 满意度 with the work, given when it closes a matter, is kept on the close event.
ALTER TABLE events ADD COLUMN rating text CHECK (rating IN ('satisfied', 'basically', 'unsatisfied'));
