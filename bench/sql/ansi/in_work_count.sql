-- in_work_count: deals created before the moment M = min(end of P, as_of) whose stage at M is
-- open: the visit (stay on a stage) that began before M and had not ended by M is on an open
-- stage.
SELECT grp, COUNT(*) AS value FROM (
  SELECT {group} AS grp FROM deal_now d JOIN visits v ON v.deal_id = d.id
  WHERE d.entity = 'deal' AND d.created_at < {moment} AND v.entered_at < {moment}
    AND (v.left_at IS NULL OR v.left_at >= {moment}) AND v.semantic = 'open' AND {filter}) x
GROUP BY grp
