-- What makes each unit's light yellow or red, kept with the light: the reminder ladder finds
-- the reminders due from these rows and the ladder's alone. `concern` is what a reminder is
-- about (one deadline from yellow to red, each report period apart), the key of its ladder
-- row; `cause` says it in full. Both are empty while the light is green. Lights are worked out
-- again, with their causes, the first time after this step.
ALTER TABLE assignments ADD COLUMN concern TEXT;
ALTER TABLE assignments ADD COLUMN cause TEXT;
CREATE INDEX assignments_lit ON assignments (matter_id, unit_id) WHERE light <> 'green';
