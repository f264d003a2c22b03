"""Digest composition: grouping one story told by several sources into one item."""
