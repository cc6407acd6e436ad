-- forgotten_count: deals open at the moment M (as in_work_count) with no touch (created,
-- stage change, activity, task created or completed) in the N days before M.
SELECT grp, count() AS value FROM (
  SELECT {group} AS grp FROM deal_now d
  WHERE d.entity = 'deal' AND d.created_at < {moment} AND {filter}
    AND d.id IN (SELECT deal_id FROM visits WHERE entered_at < {moment}
                 AND (left_at = 0 OR left_at >= {moment}) AND semantic = 'open')
    AND d.id NOT IN (SELECT deal_id FROM touches WHERE happened_at < {moment}
                     AND happened_at > {moment} - {forgotten_us})) x
GROUP BY grp
