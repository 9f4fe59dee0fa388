-- Which input files a run found added, changed (by content) or removed since the published
-- warehouse (attached as `previous`), in one sentence (NULL when none). The files found are
-- the parameters $names and $hashes (pipeline/operations/history.py): a finished build's
-- file_loads, or what a failed run's inventory found.
WITH found_files AS (
    SELECT unnest($names::VARCHAR[]) AS source_file, unnest($hashes::VARCHAR[]) AS sha256
), file_changes AS (
    SELECT
        string_agg(n.source_file, ', ' ORDER BY n.source_file)
            FILTER (WHERE o.source_file IS NULL)                          AS added,
        string_agg(n.source_file, ', ' ORDER BY n.source_file)
            FILTER (WHERE o.source_file IS NOT NULL AND o.sha256 <> n.sha256) AS changed
    FROM found_files AS n
    LEFT JOIN previous.file_loads AS o USING (source_file)
), removed AS (
    SELECT string_agg(source_file, ', ' ORDER BY source_file) AS removed
    FROM previous.file_loads
    WHERE source_file NOT IN (SELECT source_file FROM found_files)
)
SELECT nullif(concat_ws('; ',
           'added: ' || file_changes.added,
           'changed: ' || file_changes.changed,
           'removed: ' || removed.removed), '') AS input_changes
FROM file_changes, removed;
