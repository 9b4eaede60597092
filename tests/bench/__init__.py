"""`make bench`: the product measured at scale beside same-run baselines (see docs/benchmarks.md)."""
