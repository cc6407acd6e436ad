-- won_amount by month (kopecks): deals won, by the month (workspace time zone; the buckets
-- table holds each month's bounds in UTC microseconds) their close time falls in.
SELECT b.label AS grp, SUM(d.amount) AS value
FROM deal_now d JOIN buckets b ON d.close_time >= b.start_at AND d.close_time < b.end_at
WHERE d.entity = 'deal' AND d.semantic = 'won' AND d.close_time < {as_of} AND {filter}
GROUP BY b.label
