-- stage_time_days of pipeline {pipeline}: per open stage, the mean length in days of the
-- visits to it that ended (the deal's next stage change) in P, before as_of.
SELECT stage AS grp, avg((left_at - entered_at) / 86400000000.0) AS value
FROM visits
WHERE pipeline_id = {pipeline} AND semantic = 'open' AND left_at != 0 AND left_at >= {from}
  AND left_at < {to} AND left_at < {as_of}
  AND deal_id IN (SELECT d.id FROM deal_now d WHERE {filter})
GROUP BY stage
