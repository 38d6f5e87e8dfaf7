"""Benchmarks: each module prints its figures; run one as `python -m benchmarks.NAME` from the repository root."""
