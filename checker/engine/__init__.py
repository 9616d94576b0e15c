"""The engine: which sources to check when, and the pipeline that checks one.

`pipeline` runs one source check through the stages; `run` leases due sources and
keeps a bounded number of checks in flight; `worker` drives runs from the scheduler
with heartbeats and a graceful drain; `schedule` decides when a source is next due;
`metrics` counts what happened for /metrics.
"""

from checker.engine.run import CheckRun, Clock, RunReport, open_checker, utcnow, worker_name

__all__ = ["CheckRun", "Clock", "RunReport", "open_checker", "utcnow", "worker_name"]
