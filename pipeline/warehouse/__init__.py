"""Warehouse: load validated rows and quarantine reasons, build derived tables from sql/."""
