-- in_work_count: deals created before the moment M = min(end of P, as_of) whose stage at M is
-- open: the visit that began before M and had not ended by M (left_at 0: not yet) is open.
SELECT grp, count() AS value FROM (
  SELECT {group} AS grp FROM deal_now d
  WHERE d.entity = 'deal' AND d.created_at < {moment} AND {filter}
    AND d.id IN (SELECT deal_id FROM visits WHERE entered_at < {moment}
                 AND (left_at = 0 OR left_at >= {moment}) AND semantic = 'open')) x
GROUP BY grp
