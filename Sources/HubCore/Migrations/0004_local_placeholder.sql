-- Placeholder on the promotions branch only, so migrations stay consecutive; the real 0004 comes from
-- another branch. Drop this file when merging.
SELECT 1;
