-- in_work_amount (kopecks): the current amounts of the deals in_work_count counts.
SELECT grp, SUM(amount) AS value FROM (
  SELECT {group} AS grp, d.amount FROM deal_now d JOIN visits v ON v.deal_id = d.id
  WHERE d.entity = 'deal' AND d.created_at < {moment} AND v.entered_at < {moment}
    AND (v.left_at IS NULL OR v.left_at >= {moment}) AND v.semantic = 'open' AND {filter}) x
GROUP BY grp
