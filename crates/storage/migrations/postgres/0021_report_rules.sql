-- A matter's report rule as offices write it (每月25日前), read back into its rounds; NULL for
-- matters reported by cadence alone.
ALTER TABLE matters ADD COLUMN report_rule text;
