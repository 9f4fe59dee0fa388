-- Missing and absent children: how often did the police consider the link between going
-- missing and sexual exploitation, and how were those cases rated?
SELECT
    inspection_id,
    coalesce(CAST(cse_risk_assessed AS VARCHAR), 'not recorded') AS cse_risk_assessed,
    count(*)                                                     AS cases,
    count(*) FILTER (WHERE rating = 'good')                      AS good,
    round(avg(missing_episodes), 1)                              AS mean_missing_episodes
FROM case_audits
WHERE category = 'missing_absent'
GROUP BY ALL
ORDER BY inspection_id, cse_risk_assessed;
