-- Files on a matter's record, kept once by their hash in `blobs` like the letters' files. Each
-- rests on the event that records its upload (who, for which unit, when, with what note), whose
-- id is the attachment's; `on_event_id` is the report or step it is evidence for, if any.
CREATE TABLE attachments (
    event_id    bigint PRIMARY KEY REFERENCES events (id),
    matter_id   bigint NOT NULL REFERENCES matters (id),
    on_event_id bigint REFERENCES events (id),
    file_name   text NOT NULL,
    media_type  text NOT NULL,
    sha256      text NOT NULL REFERENCES blobs (sha256),
    size        bigint NOT NULL
);
CREATE INDEX attachments_matter ON attachments (matter_id);
