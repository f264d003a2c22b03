"""Benchmarks run by `make bench`; results are written to BENCHMARKS.md."""
