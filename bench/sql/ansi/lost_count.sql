-- lost_count: deals whose current stage is lost and whose close time is in P.
SELECT grp, COUNT(*) AS value FROM (
  SELECT {group} AS grp FROM deal_now d
  WHERE d.entity = 'deal' AND d.semantic = 'lost' AND d.close_time >= {from}
    AND d.close_time < {to} AND d.close_time < {as_of} AND {filter}) x
GROUP BY grp
