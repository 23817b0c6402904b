-- Failed sign-ins, per account and per address, for the lockout; old rows are pruned as new
-- ones come.
CREATE TABLE login_failures (
    key text NOT NULL,
    at  timestamptz NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);
