"""Dashboard and API latency under concurrent requests, on a big store.

PostgreSQL with 1,000,000 citations and 50,000 open flags (plus 100,000 resolved ones),
next to SQLite with 100,000 citations and 5,000 open flags. Rows are generated inside
the database (generate_series / a recursive CTE) into a throwaway database. The app
runs in a child process (so the load generator does not share its event loop); each
endpoint is hammered by CONCURRENCY clients for SECONDS seconds.

Also printed: one deep queue page with the keyset cursor next to the same page fetched
with OFFSET (store.flags.list_flags), which is what keyset pagination avoids.

    /work/venv/bin/python bench/bench_web.py [--pg URL] [--citations N] [--seconds S]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import socket
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checker.model import FlagKind
from store.db import Database

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CONCURRENCY = 16
PASSWORD = "bench password"
KINDS = tuple(kind.value for kind in FlagKind)


# --------------------------------------------------------------------------- synthetic rows


def _series(dialect: str, n: int) -> str:
    if dialect == "postgresql":
        return f"generate_series(1, {n}) AS g(x)"
    count = f"SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < {n}"
    return f"(WITH RECURSIVE s(x) AS ({count}) SELECT x FROM s) AS g"


def _minutes(dialect: str, expr: str) -> str:
    """2026-01-01 plus `expr` minutes, as the store writes datetimes (naive UTC)."""
    if dialect == "postgresql":
        return f"(timestamp '2026-01-01' + ({expr}) * interval '1 minute')"
    return f"strftime('%Y-%m-%d %H:%M:%S.000000', '2026-01-01', '+' || ({expr}) || ' minutes')"


def _json(dialect: str, literal: str) -> str:
    return f"'{literal}'::jsonb" if dialect == "postgresql" else f"'{literal}'"


def _case(expr: str, values: tuple[str, ...]) -> str:
    whens = " ".join(f"WHEN {i} THEN '{v}'" for i, v in enumerate(values))
    return f"(CASE ({expr}) % {len(values)} {whens} END)"


def fill(db: Database, citations: int) -> dict[str, int]:
    """Generate the rows in the database itself; returns the counts."""
    d = db.engine.dialect.name
    articles, sources = citations // 20, citations // 2
    open_flags, resolved = citations // 20, citations // 10
    t = _minutes(d, "x")
    kind = _case("x", KINDS)
    severity = _case("x / 8", ("high", "medium", "low"))
    # distinct citations for open flags (19 and 23 are coprime with the sizes used)
    open_cit, res_cit = f"((x * 19) % {citations} + 1)", f"((x * 23) % {citations} + 1)"
    statements = [
        f"""INSERT INTO article (id, url, title, tags, imported_at, updated_at)
            SELECT x, 'https://news.example/a/' || x, 'Article ' || x, {_json(d, "[]")}, {t}, {t}
            FROM {_series(d, articles)}""",
        f"""INSERT INTO source (id, url, host, created_at, next_check_at, interval_s,
                unchanged_checks, state, reason, failure_count, last_status)
            SELECT x, 'https://host' || (x % 5000) || '.example/page/' || x,
                'host' || (x % 5000) || '.example', {t}, {t}, 86400, 0,
                CASE WHEN x % 10 = 0 THEN 'dead' ELSE 'ok' END, '', 0, 200
            FROM {_series(d, sources)}""",
        f"""INSERT INTO citation (id, article_id, source_id, key, ref, claim, position,
                created_at, evidence)
            SELECT x, (x - 1) / 20 + 1, (x - 1) % {sources} + 1, 'k' || x, '' || (x % 20),
                'Claim number ' || x || ' says the budget rose 3 percent.', x % 20, {t},
                {_json(d, "null")}
            FROM {_series(d, citations)}""",
        f"""INSERT INTO flag (id, citation_id, article_id, source_id, kind, severity, status,
                opened_at, updated_at, detail)
            SELECT x, {open_cit}, ({open_cit} - 1) / 20 + 1, ({open_cit} - 1) % {sources} + 1,
                {kind}, {severity}, 'open', {t}, {t}, {_json(d, '{"reason": "not_found"}')}
            FROM {_series(d, open_flags)}""",
        f"""INSERT INTO flag (id, citation_id, article_id, source_id, kind, severity, status,
                opened_at, updated_at, resolved_at, resolved_by, detail)
            SELECT {open_flags} + x, {res_cit}, ({res_cit} - 1) / 20 + 1,
                ({res_cit} - 1) % {sources} + 1, {kind}, {severity}, 'resolved', {t}, {t}, {t},
                'recovered', {_json(d, "{}")}
            FROM {_series(d, resolved)}""",
        f"""INSERT INTO flag_event (flag_id, at, actor, action, detail)
            SELECT x, {t}, 'checker', 'opened', {_json(d, "{}")} FROM {_series(d, open_flags)}""",
        f"""INSERT INTO source_check (source_id, checked_at, status, final_url, state, reason,
                elapsed_ms, worker, detail)
            SELECT (x - 1) % {sources} + 1, {t}, 404, '', 'dead', 'not_found', 120.0, 'bench',
                {_json(d, '{"redirects": []}')}
            FROM {_series(d, open_flags * 3)}""",
    ]
    with db.engine.begin() as conn:
        for sql in statements:
            # psycopg reads % as a placeholder even without parameters
            conn.exec_driver_sql(sql.replace("%", "%%") if d == "postgresql" else sql)
        if d == "postgresql":
            for table in ("article", "source", "citation", "flag"):
                conn.exec_driver_sql(
                    f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"
                )
    # Fresh statistics and visibility map, as autovacuum would leave a live database.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if d == "postgresql" else "ANALYZE")
    return {
        "articles": articles,
        "sources": sources,
        "citations": citations,
        "open_flags": open_flags,
        "resolved_flags": resolved,
    }


def add_accounts(db: Database) -> str:
    from datetime import UTC, datetime

    from checker.web.accounts import add_user, create_token

    now = datetime.now(UTC)
    db.run(lambda s: add_user(s, "bench", PASSWORD, "editor", now))
    return db.run(lambda s: create_token(s, "bench", "bench", now))


def cursors(db: Database, n: int) -> list[str]:
    """Cursors at random depths of the open queue."""
    from store.dashboard import Cursor
    from store.tables import Flag

    def pick(session: Any) -> list[str]:
        rows = (
            session.execute(text("SELECT id FROM flag WHERE resolved_at IS NULL ORDER BY id"))
            .scalars()
            .all()
        )
        chosen = random.Random(7).sample(list(rows), min(n, len(rows)))
        out = []
        for ident in chosen:
            flag = session.get(Flag, ident)
            out.append(Cursor(flag.severity, flag.opened_at, flag.id).encode())
        return out

    return db.run(pick)


def offset_vs_keyset(db: Database, depth: int) -> tuple[float, float]:
    """Median ms of one page at `depth`: OFFSET (store.flags.list_flags) vs keyset."""
    from store.dashboard import Cursor, QueueFilter, flag_queue
    from store.flags import FlagFilter, list_flags

    def deep_cursor(session: Any) -> Cursor:
        page = list_flags(session, FlagFilter(limit=1, offset=depth))
        row = session.execute(
            text(f"SELECT severity, opened_at FROM flag WHERE id = {page[0]['id']}")
        ).one()
        from store.types import UTCDateTime

        at = UTCDateTime().process_result_value(row[1], db.engine.dialect)
        assert at is not None
        return Cursor(row[0], at, page[0]["id"])

    cursor = db.run(deep_cursor)

    def timed(fn: Any) -> float:
        samples = []
        for _ in range(5):
            start = time.perf_counter()
            db.run(fn)
            samples.append((time.perf_counter() - start) * 1000)
        return statistics.median(samples)

    offset_ms = timed(lambda s: list_flags(s, FlagFilter(limit=50, offset=depth)))
    keyset_ms = timed(lambda s: flag_queue(s, QueueFilter(), after=cursor, limit=50))
    return offset_ms, keyset_ms


# --------------------------------------------------------------------------- serving and load


def serve(url: str, port: int) -> None:
    """Child process: the app on 127.0.0.1:port."""
    from aiohttp import web

    from checker.settings import Settings, WebSettings
    from checker.web.app import create_app

    db = Database(url, pool_size=16, readers=16)
    app = create_app(Settings(web=WebSettings(secret_key="bench")), db)

    async def main() -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        print("ready", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def load(
    url: str, token: str, cursor_list: list[str], flag_ids: list[int], seconds: float
) -> list[tuple[str, float, float, float, int]]:
    import aiohttp

    rng = random.Random(11)
    async with aiohttp.ClientSession(url, cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        page = await (await http.get("/login")).text()
        login_csrf = re.search(r'name="login_csrf" value="([^"]+)"', page)
        assert login_csrf is not None
        form = {"name": "bench", "password": PASSWORD, "login_csrf": login_csrf.group(1)}
        assert (await http.post("/login", data=form, allow_redirects=False)).status == 303
        api = {"Authorization": f"Bearer {token}"}
        endpoints = {
            # the floor: what any request costs on this machine right now
            "static CSS (floor)": lambda: ("/static/style.css", {}),
            "queue, first page": lambda: ("/", {}),
            "queue, random depth": lambda: (f"/?cursor={rng.choice(cursor_list)}", {}),
            "queue, kind+domain filter": lambda: ("/?kind=dead&domain=host7.example", {}),
            "flag page": lambda: (f"/flags/{rng.choice(flag_ids)}", {}),
            "API list, random depth": lambda: (
                f"/api/v1/flags?limit=50&cursor={rng.choice(cursor_list)}",
                api,
            ),
        }
        results = []
        for name, make in endpoints.items():
            latencies: list[float] = []
            errors = 0
            deadline = time.perf_counter() + seconds

            async def client(
                make: Any = make, deadline: float = deadline, latencies: list[float] = latencies
            ) -> None:
                nonlocal errors
                while time.perf_counter() < deadline:
                    path, headers = make()
                    start = time.perf_counter()
                    async with http.get(path, headers=headers) as response:
                        await response.read()
                        if response.status != 200:
                            errors += 1
                    latencies.append((time.perf_counter() - start) * 1000)

            begin = time.perf_counter()
            await asyncio.gather(*(client() for _ in range(CONCURRENCY)))
            elapsed = time.perf_counter() - begin
            p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else 0.0
            results.append(
                (name, statistics.median(latencies), p95, len(latencies) / elapsed, errors)
            )
    return results


async def run_backend(url: str, citations: int, seconds: float) -> dict[str, Any]:
    db = Database(url)
    db.upgrade()
    start = time.perf_counter()
    counts = fill(db, citations)
    fill_s = time.perf_counter() - start
    token = add_accounts(db)
    cursor_list = cursors(db, 200)
    flag_ids = [random.Random(3).randint(1, counts["open_flags"]) for _ in range(500)]
    offset_ms, keyset_ms = offset_vs_keyset(db, int(counts["open_flags"] * 0.8))
    db.close()
    port = free_port()
    child = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--serve", url, str(port), stdout=asyncio.subprocess.PIPE
    )
    try:
        assert child.stdout is not None
        line = await asyncio.wait_for(child.stdout.readline(), 60)
        assert line.strip() == b"ready", line
        rows = await load(f"http://127.0.0.1:{port}", token, cursor_list, flag_ids, seconds)
    finally:
        child.terminate()
        await child.wait()
    return {
        "counts": counts,
        "fill_s": fill_s,
        "rows": rows,
        "offset_ms": offset_ms,
        "keyset_ms": keyset_ms,
    }


def report(label: str, result: dict[str, Any]) -> None:
    c = result["counts"]
    print(
        f"\n{label}: {c['citations']:,} citations, {c['articles']:,} articles, "
        f"{c['sources']:,} sources, {c['open_flags']:,} open + {c['resolved_flags']:,} "
        f"resolved flags (generated in {result['fill_s']:.1f} s)"
    )
    print(f"  {'endpoint':28} {'median ms':>10} {'p95 ms':>8} {'req/s':>7} {'errors':>6}")
    for name, median, p95, rps, errors in result["rows"]:
        print(f"  {name:28} {median:10.1f} {p95:8.1f} {rps:7.1f} {errors:6d}")
    print(
        f"  deep page (80% down the queue): keyset {result['keyset_ms']:.1f} ms "
        f"vs OFFSET {result['offset_ms']:.1f} ms"
    )


async def main(args: argparse.Namespace) -> None:
    print(f"concurrency {CONCURRENCY}, {args.seconds:.0f} s per endpoint")
    admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
    name = f"citecheck_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    pg_url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
    try:
        report("PostgreSQL", await run_backend(pg_url, args.citations, args.seconds))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        report("SQLite", await run_backend(sqlite_url, args.citations // 10, args.seconds))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=PG_ADMIN, help="PostgreSQL server (admin URL)")
    parser.add_argument("--citations", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    asyncio.run(main(parser.parse_args()))
