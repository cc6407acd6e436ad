-- in_work_amount (kopecks): the current amounts of the deals in_work_count counts.
SELECT grp, sum(amount) AS value FROM (
  SELECT {group} AS grp, d.amount FROM deal_now d
  WHERE d.entity = 'deal' AND d.created_at < {moment} AND {filter}
    AND d.id IN (SELECT deal_id FROM visits WHERE entered_at < {moment}
                 AND (left_at = 0 OR left_at >= {moment}) AND semantic = 'open')) x
GROUP BY grp
