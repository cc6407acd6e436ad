-- stage_time_days of pipeline {pipeline}: per open stage, the mean length in days of the
-- visits to it that ended (the deal's next stage change) in P, before as_of.
SELECT v.stage AS grp, AVG((v.left_at - v.entered_at) / 86400000000.0) AS value
FROM visits v JOIN deal_now d ON d.id = v.deal_id
WHERE v.pipeline_id = {pipeline} AND v.semantic = 'open' AND v.left_at >= {from}
  AND v.left_at < {to} AND v.left_at < {as_of} AND {filter}
GROUP BY v.stage
