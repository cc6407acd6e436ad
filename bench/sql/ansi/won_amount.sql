-- won_amount (kopecks): the current amounts of the deals won_count counts.
SELECT grp, SUM(amount) AS value FROM (
  SELECT {group} AS grp, d.amount FROM deal_now d
  WHERE d.entity = 'deal' AND d.semantic = 'won' AND d.close_time >= {from}
    AND d.close_time < {to} AND d.close_time < {as_of} AND {filter}) x
GROUP BY grp
