-- partition_summary: what each partition contributed to a merged warehouse
-- (pipeline/partitions/merge.py): files, rows read, cases loaded, rows quarantined.
-- Input: file_loads, whose source_file starts with the partition key.
SELECT
    split_part(source_file, '/', 1) AS partition_key,
    count(*) AS files,
    sum(rows_read) AS rows_read,
    sum(rows_loaded) AS rows_loaded,
    sum(rows_rejected) AS rows_rejected
FROM file_loads
GROUP BY partition_key
ORDER BY partition_key;
