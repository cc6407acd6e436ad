-- Per-deal state derived from the raw records (part of each database's load time), the same
-- state the engine keeps per deal. A later record for the same thing wins by (at, seq): the
-- time first, the order of arrival for equal times (docs/metrics.md, "Decisions").

-- Stage changes with their stage's pipeline, position and semantic, in each deal's order.
CREATE TABLE visits AS
SELECT c.deal_id, c.seq, c.happened_at AS entered_at, c.to_stage AS stage, s.pipeline_id, s.position, s.semantic,
       ROW_NUMBER() OVER (PARTITION BY c.deal_id ORDER BY c.happened_at DESC, c.seq DESC) AS from_last,
       LEAD(c.happened_at) OVER (PARTITION BY c.deal_id ORDER BY c.happened_at, c.seq) AS left_at,
       LEAD(s.position) OVER (PARTITION BY c.deal_id ORDER BY c.happened_at, c.seq) AS next_position
FROM stage_changes c JOIN stages s ON s.id = c.to_stage;

-- The latest value of each updated scalar field of a deal.
CREATE TABLE last_updates AS
SELECT deal_id, name, value, cleared FROM (
  SELECT deal_id, name, value, cleared,
         ROW_NUMBER() OVER (PARTITION BY deal_id, name ORDER BY happened_at DESC, seq DESC) AS from_last
  FROM deal_updates WHERE name NOT LIKE 'fields.%') u
WHERE from_last = 1;

-- Custom fields now: the values of the latest update of a field, else those at creation.
CREATE TABLE field_now AS
SELECT deal_id, substr(name, 8) AS name, value FROM (
  SELECT deal_id, name, value, cleared,
         RANK() OVER (PARTITION BY deal_id, name ORDER BY happened_at DESC, seq DESC) AS from_last
  FROM deal_updates WHERE name LIKE 'fields.%') u
WHERE from_last = 1 AND cleared = 0
UNION ALL
SELECT f.deal_id, f.name, f.value FROM deal_fields f
WHERE f.deal_id || '|fields.' || f.name NOT IN (
  SELECT deal_id || '|' || name FROM deal_updates WHERE name LIKE 'fields.%');

-- One row per deal: current amount, responsible (and their department), stage, close time
-- (the last entry into a won or lost stage, when the current stage is won or lost).
CREATE TABLE deal_now AS
SELECT d.id, d.entity, d.created_at,
       COALESCE(CAST(a.value AS BIGINT), d.amount) AS amount,
       COALESCE(r.value, d.responsible_id) AS responsible,
       COALESCE(u.department_id, '') AS department,
       v.stage, v.pipeline_id AS pipeline, v.position, v.semantic,
       CASE WHEN v.semantic = 'open' THEN 0 ELSE x.closed END AS close_time
FROM deals d
JOIN visits v ON v.deal_id = d.id AND v.from_last = 1
LEFT JOIN (SELECT deal_id, MAX(entered_at) AS closed FROM visits WHERE semantic IN ('won', 'lost')
           GROUP BY deal_id) x ON x.deal_id = d.id
LEFT JOIN last_updates a ON a.deal_id = d.id AND a.name = 'amount'
LEFT JOIN last_updates r ON r.deal_id = d.id AND r.name = 'responsible_id'
LEFT JOIN users u ON u.id = COALESCE(r.value, d.responsible_id);

-- Every touch of a deal (SPEC §4): created or changed stage (both are stage changes here), an
-- activity of any kind, a task created or completed.
CREATE TABLE touches AS
SELECT deal_id, happened_at FROM stage_changes
UNION ALL SELECT deal_id, happened_at FROM activities WHERE deal_id <> ''
UNION ALL SELECT deal_id, created_at FROM tasks WHERE deal_id <> ''
UNION ALL SELECT deal_id, completed_at FROM tasks WHERE deal_id <> '' AND completed_at <> 0;
