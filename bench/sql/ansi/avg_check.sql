-- avg_check (kopecks): won_amount / won_count; empty (NULL) with no won deal.
SELECT grp, SUM(amount) * 1.0 / COUNT(*) AS value FROM (
  SELECT {group} AS grp, d.amount FROM deal_now d
  WHERE d.entity = 'deal' AND d.semantic = 'won' AND d.close_time >= {from}
    AND d.close_time < {to} AND d.close_time < {as_of} AND {filter}) x
GROUP BY grp
