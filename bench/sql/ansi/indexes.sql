-- The indexes a DBA would add for these queries (SQLite and PostgreSQL; DuckDB and ClickHouse
-- rely on their own min/max zones and sort order instead).
CREATE INDEX deal_now_created ON deal_now (created_at);
CREATE INDEX deal_now_closed ON deal_now (close_time);
CREATE INDEX deal_now_id ON deal_now (id);
CREATE INDEX visits_deal ON visits (deal_id, entered_at);
CREATE INDEX visits_left ON visits (left_at);
CREATE INDEX touches_deal ON touches (deal_id, happened_at);
CREATE INDEX field_now_name ON field_now (name, value, deal_id);
