"""The engine: which sources to check when, and the pipeline that checks one.

`pipeline` runs one source check through the stages, `build` makes them once per
process; `run` leases due sources and keeps a bounded number of checks in flight,
`writer` writes their results in batches, `hosts` keeps per-host politeness across
workers; `report` counts what a run did; `worker` drives runs from the scheduler
with heartbeats and a graceful drain; `schedule` decides when a source is next due;
`metrics` counts what happened for /metrics.
"""

from checker.engine.build import open_checker, utcnow, worker_name
from checker.engine.report import RunReport
from checker.engine.run import CheckRun, Clock

__all__ = ["CheckRun", "Clock", "RunReport", "open_checker", "utcnow", "worker_name"]
