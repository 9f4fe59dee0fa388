"""Validate: normalise spellings, apply the pandera schema, split valid rows from quarantined."""
