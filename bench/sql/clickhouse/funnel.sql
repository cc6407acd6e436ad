-- funnel of pipeline {pipeline}: the deals (and leads) created in P; a deal reached open stage k
-- if before as_of it was on a stage of the pipeline with position >= k (its highest position
-- is unrolled into 0..top and counted per position), and reached a won stage if it was ever on it.
SELECT id AS grp, reached AS value
FROM (SELECT id, position FROM stages WHERE pipeline_id = {pipeline} AND semantic = 'open')
ANY LEFT JOIN (
  SELECT toInt32(arrayJoin(range(toUInt64(top + 1)))) AS position, count() AS reached
  FROM (SELECT deal_id, max(position) AS top FROM visits
        WHERE pipeline_id = {pipeline} AND entered_at < {as_of} AND position >= 0
          AND deal_id IN (SELECT d.id FROM deal_now d WHERE d.created_at >= {from}
                          AND d.created_at < {to} AND d.created_at < {as_of} AND {filter})
        GROUP BY deal_id)
  GROUP BY position) USING position
UNION ALL
SELECT stage AS grp, uniqExact(deal_id) AS value FROM visits
WHERE pipeline_id = {pipeline} AND semantic = 'won' AND entered_at < {as_of}
  AND deal_id IN (SELECT d.id FROM deal_now d WHERE d.created_at >= {from}
                  AND d.created_at < {to} AND d.created_at < {as_of} AND {filter})
GROUP BY stage
