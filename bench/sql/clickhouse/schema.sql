-- The raw records of a canonical history (SPEC §2), as bench/side/normalize.mjs writes them,
-- in MergeTree tables ordered the way the queries read them (ClickHouse 18.16 and later).
-- Times: UTC microseconds (0 = none). Money: kopecks. Positions as in bench/sql/ansi/schema.sql.
CREATE TABLE stages (id String, pipeline_id String, ord Int32, position Int32, semantic String)
  ENGINE = MergeTree ORDER BY id;
CREATE TABLE users (id String, department_id String) ENGINE = MergeTree ORDER BY id;
CREATE TABLE dept_tree (ancestor String, descendant String) ENGINE = MergeTree ORDER BY ancestor;
CREATE TABLE deals (id String, entity String, amount Int64, responsible_id String,
                    created_at Int64, company_id String, contact_id String, source String)
  ENGINE = MergeTree ORDER BY id;
CREATE TABLE deal_fields (deal_id String, name String, value String)
  ENGINE = MergeTree ORDER BY (deal_id, name);
CREATE TABLE deal_updates (deal_id String, seq Int64, happened_at Int64, name String,
                           value String, cleared UInt8)
  ENGINE = MergeTree ORDER BY (deal_id, name, happened_at, seq);
CREATE TABLE stage_changes (deal_id String, seq Int64, happened_at Int64, to_stage String)
  ENGINE = MergeTree ORDER BY (deal_id, happened_at, seq);
CREATE TABLE activities (id String, deal_id String, user_id String, kind String, happened_at Int64)
  ENGINE = MergeTree ORDER BY (deal_id, happened_at);
CREATE TABLE tasks (deal_id String, created_at Int64, completed_at Int64)
  ENGINE = MergeTree ORDER BY deal_id;
CREATE TABLE buckets (label String, start_at Int64, end_at Int64) ENGINE = MergeTree ORDER BY label
