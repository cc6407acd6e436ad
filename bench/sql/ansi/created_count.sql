-- created_count: deals (not leads) with created_at in P = [from, to), before as_of.
SELECT grp, COUNT(*) AS value FROM (
  SELECT {group} AS grp FROM deal_now d
  WHERE d.entity = 'deal' AND d.created_at >= {from} AND d.created_at < {to}
    AND d.created_at < {as_of} AND {filter}) x
GROUP BY grp
