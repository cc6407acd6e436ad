-- lost_share: lost_count / (won_count + lost_count) over the deals closed in P.
SELECT grp, SUM(lost) * 1.0 / COUNT(*) AS value FROM (
  SELECT {group} AS grp, CASE WHEN d.semantic = 'lost' THEN 1 ELSE 0 END AS lost
  FROM deal_now d
  WHERE d.entity = 'deal' AND d.semantic IN ('won', 'lost') AND d.close_time >= {from}
    AND d.close_time < {to} AND d.close_time < {as_of} AND {filter}) x
GROUP BY grp
