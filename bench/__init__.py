"""Benchmarks, each on its own throwaway database: `python -m bench --scale small|full`."""
