-- won_amount by month (kopecks): deals won, by the month of their close time in the workspace
-- time zone, over the trend's months [from, to).
SELECT substring(toString(toStartOfMonth(toDateTime(intDiv(d.close_time, 1000000), {time_zone}))), 1, 7) AS grp,
       sum(d.amount) AS value
FROM deal_now d
WHERE d.entity = 'deal' AND d.semantic = 'won' AND d.close_time >= {from} AND d.close_time < {to}
  AND d.close_time < {as_of} AND {filter}
GROUP BY grp
