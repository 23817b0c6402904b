-- Texts go through the outbox too, under the same ids and retries as e-mail and webhooks; and a
-- robot's message may mention the people it is for by their mobile numbers (comma-separated).
ALTER TABLE outbox DROP CONSTRAINT outbox_channel_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_channel_check
    CHECK (channel IN ('email', 'webhook', 'sms'));
ALTER TABLE outbox ADD COLUMN mentions text NOT NULL DEFAULT '';
