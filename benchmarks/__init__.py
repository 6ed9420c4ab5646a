"""gkcheck's benchmark suite: ``python -m benchmarks`` (see benchmarks/run.py and docs/performance.md)."""
