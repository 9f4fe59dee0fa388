"""Publish: swap the finished warehouse into place atomically."""
