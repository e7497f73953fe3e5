"""Benchmarks: corruption (repair quality); throughput comes with the bench issue."""
