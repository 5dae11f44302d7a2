"""Metrics and health (issue 10); the orchestrator delegates here.

Map of the package:

- ``_histogram``: fixed log-scale latency buckets and their quantiles.
- ``_model``: the :class:`MetricsSnapshot` models.
- ``_collector``: the per-orchestrator recorder, fed from each ``RunResult``
  and by breaker transitions; snapshots read breakers and pools live.
- ``_history``: the same snapshot, aggregated from a state store's past runs.
- ``_health``: optional component health checks and the health report.
- ``_prometheus``: Prometheus text format and HTTP serving (optional extra).
"""
