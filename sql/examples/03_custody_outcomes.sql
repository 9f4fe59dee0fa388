-- Children in custody: charged, refused bail and kept in cells until court, and how often
-- local-authority accommodation (PACE s.38(6)) was asked for.
SELECT
    inspection_id,
    count(*)                                                                AS custody_cases,
    count(*) FILTER (WHERE charged)                                         AS charged,
    count(*) FILTER (WHERE charged AND bail_refused)                        AS bail_refused,
    count(*) FILTER (WHERE charged AND bail_refused AND detained_until_court) AS detained,
    count(*) FILTER (WHERE la_accommodation_requested)                      AS la_requested
FROM case_audits
WHERE category = 'custody'
GROUP BY inspection_id
ORDER BY inspection_id;
