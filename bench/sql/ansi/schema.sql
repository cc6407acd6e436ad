-- The raw records of a canonical history (SPEC §2), one table per record type, as
-- bench/side/normalize.mjs writes them. Times: UTC microseconds (0 = none). Money: kopecks.
CREATE TABLE stages (id TEXT PRIMARY KEY, pipeline_id TEXT, ord INTEGER,
                     position INTEGER,  -- open stages 0..K-1, won stages K, lost -1 (SPEC §4)
                     semantic TEXT);    -- open | won | lost
CREATE TABLE users (id TEXT PRIMARY KEY, department_id TEXT);
CREATE TABLE dept_tree (ancestor TEXT, descendant TEXT);  -- department closure, self included
CREATE TABLE deals (id TEXT PRIMARY KEY, entity TEXT, amount BIGINT, responsible_id TEXT,
                    created_at BIGINT, company_id TEXT, contact_id TEXT, source TEXT);
CREATE TABLE deal_fields (deal_id TEXT, name TEXT, value TEXT);  -- custom fields at creation
CREATE TABLE deal_updates (deal_id TEXT, seq BIGINT, happened_at BIGINT, name TEXT, value TEXT,
                           cleared INTEGER);  -- one row per field a deal_update sets
CREATE TABLE stage_changes (deal_id TEXT, seq BIGINT, happened_at BIGINT, to_stage TEXT);  -- creation too
CREATE TABLE activities (id TEXT, deal_id TEXT, user_id TEXT, kind TEXT, happened_at BIGINT);
CREATE TABLE tasks (deal_id TEXT, created_at BIGINT, completed_at BIGINT);
-- The months of the trend, their bounds in the workspace time zone as UTC microseconds
-- (written by the runner, which knows the time zone's rules).
CREATE TABLE buckets (label TEXT, start_at BIGINT, end_at BIGINT);
