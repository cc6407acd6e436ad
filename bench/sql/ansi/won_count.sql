-- won_count: deals whose current stage is won and whose close time (last entry into a won or
-- lost stage) is in P. A deal moved to won and back out has no close time and does not count.
SELECT grp, COUNT(*) AS value FROM (
  SELECT {group} AS grp FROM deal_now d
  WHERE d.entity = 'deal' AND d.semantic = 'won' AND d.close_time >= {from}
    AND d.close_time < {to} AND d.close_time < {as_of} AND {filter}) x
GROUP BY grp
