-- The orgs within a scope, found from the scope: kept as tally_scopes_scope since the kept
-- counts came (SQLite gains the same index in this step).
SELECT 1;
