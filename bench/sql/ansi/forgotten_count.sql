-- forgotten_count: deals open at the moment M (as in_work_count) with no touch (created,
-- stage change, activity, task created or completed) in the N days before M.
SELECT grp, COUNT(*) AS value FROM (
  SELECT {group} AS grp FROM deal_now d JOIN visits v ON v.deal_id = d.id
  WHERE d.entity = 'deal' AND d.created_at < {moment} AND v.entered_at < {moment}
    AND (v.left_at IS NULL OR v.left_at >= {moment}) AND v.semantic = 'open' AND {filter}
    AND NOT EXISTS (SELECT 1 FROM touches t WHERE t.deal_id = d.id AND t.happened_at < {moment}
                    AND t.happened_at > {moment} - {forgotten_us})) x
GROUP BY grp
