"""Benchmarks (not tests): solver quality, plan scale, matrix speed."""
