-- A matter's 催办单 reads the ladder's rows of its concerns; the key leads with the matter's id
-- as text, which no index of the key finds by.
CREATE INDEX ladder_matter ON ladder (matter_id);
