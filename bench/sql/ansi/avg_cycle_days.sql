-- avg_cycle_days: mean over the deals won in P of (close time - created_at), in days.
SELECT grp, AVG(days) AS value FROM (
  SELECT {group} AS grp, (d.close_time - d.created_at) / 86400000000.0 AS days FROM deal_now d
  WHERE d.entity = 'deal' AND d.semantic = 'won' AND d.close_time >= {from}
    AND d.close_time < {to} AND d.close_time < {as_of} AND {filter}) x
GROUP BY grp
