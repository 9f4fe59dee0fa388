/*
grain = "one row per framework x coded column x code"
description = "Stable view of framework_codes: each framework's codes and their labels."
materialized = "view"
columns_from = "framework_codes"  # the same columns, in order, with their words
*/
-- v_framework_codes: the codes of every framework, for dashboards (labels, scale legends).
SELECT framework, column_name, code, label, code_order, counts_as
FROM framework_codes;
