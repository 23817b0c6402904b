-- The orgs within a scope, found from the scope: a whole scope's list reads them for every
-- page. PostgreSQL has had this index since the kept counts came.
CREATE INDEX tally_scopes_scope ON tally_scopes (scope_id, org_id);
