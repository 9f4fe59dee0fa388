"""Ingest: find input files, read each into one normalised all-text frame, refuse bad files."""
