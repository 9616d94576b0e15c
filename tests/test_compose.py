"""docker-compose.yml and the Dockerfile, checked without a Docker engine: the topology
(PostgreSQL, migrations, serve, a scalable worker) and that every CITECHECK_* variable
it sets is a real setting with a value of the right type."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.settings import load_settings

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    assert isinstance(data, dict)
    return data


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    assert isinstance(env, dict), "environment must be a mapping"
    return {k: str(v) for k, v in env.items()}


def interpolate(value: str) -> str:
    """Compose's `${NAME:-default}` with nothing set in the environment."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


def test_services_form_the_documented_topology(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"db", "migrate", "serve", "worker"} <= set(services)
    assert services["db"]["image"].startswith("postgres:")
    assert services["migrate"]["command"] == ["db", "upgrade"]
    for name in ("serve", "worker"):
        needs = services[name]["depends_on"]
        assert needs["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["serve"]["command"] == ["serve"]
    assert services["worker"]["command"] == ["worker"]


def test_worker_can_be_scaled(compose: dict[str, Any]) -> None:
    worker = compose["services"]["worker"]
    # `--scale worker=3` fails on a fixed container name or a published host port.
    assert "container_name" not in worker
    assert "ports" not in worker
    assert worker["healthcheck"]["test"] == ["CMD", "citecheck", "worker", "--check"]


def test_workers_get_time_to_drain_on_sigterm(compose: dict[str, Any]) -> None:
    for name in ("serve", "worker"):
        service = compose["services"][name]
        grace = float(interpolate(environment(service)["CITECHECK_MONITOR_SHUTDOWN_GRACE_S"]))
        stop_after = float(service["stop_grace_period"].rstrip("s"))
        assert stop_after > grace, f"{name}: docker would kill it before it drains"


def test_serve_listens_on_all_interfaces_and_runs_no_checks(compose: dict[str, Any]) -> None:
    serve = compose["services"]["serve"]
    env = environment(serve)
    assert env["CITECHECK_WEB_HOST"] == "0.0.0.0"
    assert env["CITECHECK_MONITOR_WORKERS"] == "0"
    assert any(str(p).endswith(":8080") for p in serve["ports"])
    assert "/healthz" in " ".join(serve["healthcheck"]["test"])


@pytest.mark.parametrize("name", ["migrate", "serve", "worker"])
def test_every_setting_in_the_environment_is_real(compose: dict[str, Any], name: str) -> None:
    env = {k: interpolate(v) for k, v in environment(compose["services"][name]).items()}
    assert all(k.startswith("CITECHECK_") for k in env)
    settings = load_settings(None, env)  # raises on a value of the wrong type
    assert settings.database.url.startswith("postgresql://citecheck:")
    assert "@db:5432/" in settings.database.url  # the db service, by its compose name
    for key in env:
        if key == "CITECHECK_DATABASE_URL":
            continue
        section, _, field = key.removeprefix("CITECHECK_").lower().partition("_")
        assert hasattr(getattr(settings, section), field), f"{key} is not a setting"


def test_dockerfile_runs_the_cli_and_ignores_local_state() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    assert re.search(r'^ENTRYPOINT \["citecheck"\]', dockerfile, re.M)
    assert re.search(r"^USER (?!root)", dockerfile, re.M)  # not as root
    copied = set(re.findall(r"^COPY (\S+)", dockerfile, re.M))
    assert {"checker", "store"} <= copied
    for path in copied:
        assert (REPO / path).exists(), f"Dockerfile copies {path}, which does not exist"
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {"*.db", ".git", "tests"} <= set(ignored)
