-- Per-deal state derived from the raw records, as bench/sql/ansi/derive.sql, written for
-- ClickHouse 18.16: no window functions (a deal's stage changes are sorted as an array by
-- (time, arrival) and unrolled), one JOIN per SELECT, left_at = 0 for a visit not yet ended.
CREATE TABLE visits ENGINE = MergeTree ORDER BY (deal_id, entered_at) AS
SELECT deal_id, stage, entered_at, left_at, from_last, pipeline_id, position, semantic
FROM (
  SELECT deal_id, v.3 AS stage, v.1 AS entered_at, if(i < n, arr[i + 1].1, 0) AS left_at,
         n - i + 1 AS from_last
  FROM (SELECT deal_id, arraySort(x -> (x.1, x.2), groupArray((happened_at, seq, to_stage))) AS arr,
               length(arr) AS n
        FROM stage_changes GROUP BY deal_id)
  ARRAY JOIN arr AS v, arrayEnumerate(arr) AS i)
ANY LEFT JOIN (SELECT id AS stage, pipeline_id, position, semantic FROM stages) USING stage;

-- Custom fields now: the values of the latest update of a field, else those at creation.
CREATE TABLE field_now (deal_id String, name String, value String)
  ENGINE = MergeTree ORDER BY (name, value, deal_id);
INSERT INTO field_now
SELECT deal_id, substring(name, 8), value FROM deal_updates
WHERE name LIKE 'fields.%' AND cleared = 0 AND (deal_id, name, happened_at, seq) IN (
  SELECT deal_id, name, argMax(happened_at, (happened_at, seq)), argMax(seq, (happened_at, seq))
  FROM deal_updates WHERE name LIKE 'fields.%' GROUP BY deal_id, name);
INSERT INTO field_now
SELECT deal_id, name, value FROM deal_fields
WHERE (deal_id, concat('fields.', name)) NOT IN (
  SELECT deal_id, name FROM deal_updates WHERE name LIKE 'fields.%');

-- One row per deal: current amount, responsible (and department), stage, close time.
CREATE TABLE deal_now ENGINE = MergeTree ORDER BY id AS
SELECT id, entity, created_at, amount, responsible, department, now_stage AS stage,
       now_pipeline AS pipeline, now_position AS position, now_semantic AS semantic,
       if(now_semantic = 'open', 0, closed) AS close_time
FROM (
  SELECT id, entity, created_at, amount, responsible, department
  FROM (
    SELECT id, entity, created_at,
           if(has_amount, toInt64OrZero(new_amount), amount) AS amount,
           if(has_responsible, new_responsible, responsible_id) AS responsible
    FROM deals
    ANY LEFT JOIN (
      SELECT deal_id AS id,
             argMaxIf(value, (happened_at, seq), name = 'amount') AS new_amount,
             countIf(name = 'amount') > 0 AS has_amount,
             argMaxIf(value, (happened_at, seq), name = 'responsible_id') AS new_responsible,
             countIf(name = 'responsible_id') > 0 AS has_responsible
      FROM deal_updates WHERE name IN ('amount', 'responsible_id') GROUP BY deal_id) USING id)
  ANY LEFT JOIN (SELECT id AS responsible, department_id AS department FROM users) USING responsible)
ALL INNER JOIN (
  SELECT deal_id AS id, argMin(stage, from_last) AS now_stage,
         argMin(pipeline_id, from_last) AS now_pipeline, argMin(position, from_last) AS now_position,
         argMin(semantic, from_last) AS now_semantic,
         maxIf(entered_at, semantic IN ('won', 'lost')) AS closed
  FROM visits GROUP BY deal_id) USING id;

-- Every touch of a deal: created or changed stage, an activity, a task created or completed.
CREATE TABLE touches (deal_id String, happened_at Int64)
  ENGINE = MergeTree ORDER BY (deal_id, happened_at);
INSERT INTO touches SELECT deal_id, happened_at FROM stage_changes;
INSERT INTO touches SELECT deal_id, happened_at FROM activities WHERE deal_id != '';
INSERT INTO touches SELECT deal_id, created_at FROM tasks WHERE deal_id != '';
INSERT INTO touches SELECT deal_id, completed_at FROM tasks WHERE deal_id != '' AND completed_at != 0
