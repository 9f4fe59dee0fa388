-- The normalising and failure macros of sql/row_rules.sql, as TEMP macros of the connection
-- that stages rows (never stored in a database file). Variables they read are set by
-- pipeline/validate/row_rules.py from schemas/case_audit.py: separators (a regex class of
-- the characters Python's `\s` matches, and '-'), rating_aliases, true_spellings,
-- false_spellings.
-- canon_enum('Requires  Improvement') = 'requires_improvement'
CREATE OR REPLACE TEMP MACRO canon_enum(value) AS
    regexp_replace(lower(value), getvariable('separators'), '_', 'g');
-- canon_enum, then aliases such as 'ri' -> 'requires_improvement'
CREATE OR REPLACE TEMP MACRO canon_rating(value) AS
    coalesce(getvariable('rating_aliases')[canon_enum(value)], canon_enum(value));
-- any accepted spelling -> 'true' / 'false'; anything else kept as given, for the message
CREATE OR REPLACE TEMP MACRO canon_bool(value) AS
    CASE
        WHEN list_contains(getvariable('true_spellings'), lower(value)) THEN 'true'
        WHEN list_contains(getvariable('false_spellings'), lower(value)) THEN 'false'
        ELSE value
    END;
CREATE OR REPLACE TEMP MACRO failure(column_name, rule, value) AS
    {'column_name': column_name, 'rule': rule, 'value': value::VARCHAR};
