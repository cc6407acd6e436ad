-- funnel of pipeline {pipeline}: the deals (and leads) created in P; a deal reached open stage k
-- if before as_of it was on a stage of the pipeline with position >= k (won stages have
-- position K), and reached a won stage if it was ever on it. One row per open, then won stage.
WITH cohort AS (
  SELECT d.id FROM deal_now d
  WHERE d.created_at >= {from} AND d.created_at < {to} AND d.created_at < {as_of} AND {filter}),
reach AS (
  SELECT v.deal_id, MAX(v.position) AS top FROM visits v JOIN cohort c ON c.id = v.deal_id
  WHERE v.pipeline_id = {pipeline} AND v.entered_at < {as_of} AND v.position >= 0
  GROUP BY v.deal_id)
SELECT s.id AS grp, COUNT(r.deal_id) AS value
FROM stages s LEFT JOIN reach r ON r.top >= s.position
WHERE s.pipeline_id = {pipeline} AND s.semantic = 'open'
GROUP BY s.id
UNION ALL
SELECT s.id AS grp, COUNT(DISTINCT c.id) AS value
FROM stages s LEFT JOIN visits v ON v.stage = s.id AND v.entered_at < {as_of}
              LEFT JOIN cohort c ON c.id = v.deal_id
WHERE s.pipeline_id = {pipeline} AND s.semantic = 'won'
GROUP BY s.id
