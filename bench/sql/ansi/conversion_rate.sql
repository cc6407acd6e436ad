-- conversion_rate: won_count / created_count for the same P (both over the same deals'
-- current attributes); empty when nothing was created.
SELECT grp, SUM(won) * 1.0 / NULLIF(SUM(created), 0) AS value FROM (
  SELECT {group} AS grp,
         CASE WHEN d.created_at >= {from} AND d.created_at < {to} AND d.created_at < {as_of}
              THEN 1 ELSE 0 END AS created,
         CASE WHEN d.semantic = 'won' AND d.close_time >= {from} AND d.close_time < {to}
                   AND d.close_time < {as_of} THEN 1 ELSE 0 END AS won
  FROM deal_now d
  WHERE d.entity = 'deal' AND {filter}
    AND ((d.created_at >= {from} AND d.created_at < {to})
         OR (d.semantic = 'won' AND d.close_time >= {from} AND d.close_time < {to}))) x
GROUP BY grp
