-- partition_overlaps: inspections found in more than one partition (pipeline/partitions/).
-- The rules that compare rows (duplicate case_ref, force mismatch) need every row of an
-- inspection in one run, so the merge refuses such a layout.
-- partition_inspections (partition_key, inspection_id) is the union over the partitions'
-- warehouses that pipeline/partitions/merge.py puts before this SELECT, as a WITH.
SELECT inspection_id, list(DISTINCT partition_key ORDER BY partition_key) AS partitions
FROM partition_inspections
WHERE inspection_id IS NOT NULL
GROUP BY inspection_id
HAVING count(DISTINCT partition_key) > 1
ORDER BY inspection_id;
