-- When did the figures last change, and what input change caused it?
SELECT run_id, finished_at, trigger, input_changes, rows_loaded, rows_rejected
FROM v_runs
WHERE status = 'success' AND figures_changed
ORDER BY finished_at DESC
LIMIT 5;
