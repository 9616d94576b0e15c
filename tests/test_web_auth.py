"""Signing in and out: password checks, the login rate limit, sessions, redirects."""

from __future__ import annotations

from datetime import timedelta

import pytest

from checker.web.accounts import (
    ADDRESS_BUDGET,
    AccountError,
    add_user,
    check_password,
    create_token,
    login_wait,
)
from checker.web.auth import sign, unsign
from store.db import Database
from tests.web_fixtures import LOGIN_CSRF, NOW, PASSWORD, Client, Seeded, login


async def test_a_user_signs_in_and_out(anon: Client) -> None:
    assert await login(anon, "editor") == 303
    page = await (await anon.get("/")).text()
    assert "editor (editor)" in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    out = await anon.post("/logout", data={"csrf_token": token}, allow_redirects=False)
    assert out.status == 303
    again = await anon.get("/", allow_redirects=False)
    assert again.status == 303 and again.headers["Location"].startswith("/login")


async def test_session_cookie_is_http_only_and_same_site(anon: Client) -> None:
    page = await anon.get("/login")
    match = page.headers["Set-Cookie"]
    assert "HttpOnly" in match and "SameSite=Lax" in match
    assert "Secure" not in match  # plain http straight to the server


@pytest.mark.parametrize(("proto", "secure"), [("https", True), ("http", False)])
async def test_cookies_are_secure_when_a_trusted_proxy_says_https(
    anon: Client, proto: str, secure: bool
) -> None:
    page = await anon.get("/login", headers={"X-Forwarded-Proto": proto})
    assert ("Secure" in page.headers["Set-Cookie"]) is secure


async def test_wrong_password_is_refused_without_saying_which_part(anon: Client) -> None:
    assert await login(anon, "editor", "wrong password") == 401
    assert await login(anon, "nobody", "wrong password") == 401


async def test_logins_are_slowed_for_the_guessing_address(anon: Client) -> None:
    for _ in range(3):
        assert await login(anon, "editor", "guess") == 401
    assert await login(anon, "editor") == 429  # this address waits, even with the password


def test_guessing_never_locks_the_user_out_from_elsewhere(db: Database, seeded: Seeded) -> None:
    """Failures from one address slow that address (1 s, 2 s, 4 s, ...), not the user:
    the real user signs in from their own address whatever someone guessed elsewhere."""
    attacker, office = "198.51.100.7", "203.0.113.9"  # keys only: nothing connects
    for n in range(12):
        db.run(lambda s, n=n: check_password(s, "editor", f"guess {n}", attacker, NOW))
    assert db.run(lambda s: login_wait(s, "editor", attacker, NOW)) == 2.0**9
    assert db.run(lambda s: login_wait(s, "editor", attacker, NOW + timedelta(hours=1))) == 0
    assert db.run(lambda s: login_wait(s, "editor", office, NOW)) == 0
    assert db.run(lambda s: check_password(s, "editor", PASSWORD, office, NOW)) is not None


def test_one_address_has_a_budget_of_failures_across_user_names(
    db: Database, seeded: Seeded
) -> None:
    noisy, other = "198.51.100.8", "198.51.100.9"
    for n in range(ADDRESS_BUDGET):
        db.run(lambda s, n=n: check_password(s, f"user{n}", "guess", noisy, NOW))
    assert db.run(lambda s: login_wait(s, "admin", noisy, NOW)) == 15 * 60
    assert db.run(lambda s: login_wait(s, "admin", other, NOW)) == 0


async def test_login_form_needs_its_csrf_cookie(anon: Client) -> None:
    response = await anon.post(
        "/login", data={"name": "editor", "password": PASSWORD, "login_csrf": "x"}
    )
    assert response.status == 403


OFF_SITE = [
    "https://evil.example/",
    "//evil.example",
    "/\\evil",
    "/\t/evil.example/x",  # the tab is dropped when the header is written: //evil
    "/\n/evil.example/x",
    "/\x7f/evil.example",
    "/ /evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE)
async def test_login_never_redirects_off_site(anon: Client, target: str) -> None:
    page = await anon.get("/login", params={"next": target})
    text = await page.text()
    assert 'name="next" value="/"' in text


@pytest.mark.parametrize("target", OFF_SITE)
async def test_signing_in_never_redirects_off_site(anon: Client, target: str) -> None:
    page = await anon.get("/login")
    token = LOGIN_CSRF.search(await page.text())
    assert token is not None
    form = {"name": "editor", "password": PASSWORD, "login_csrf": token.group(1), "next": target}
    response = await anon.post("/login", data=form, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/"


async def test_a_tampered_session_cookie_is_ignored(anon: Client) -> None:
    anon.session.cookie_jar.update_cookies({"citecheck_session": "abc.def"})
    response = await anon.get("/", allow_redirects=False)
    assert response.status == 303


@pytest.mark.parametrize(
    ("value", "expected"),
    [(sign(b"k", "sid"), "sid"), (sign(b"other", "sid"), None), ("sid", None), ("", None)],
)
def test_cookie_signature(value: str, expected: str | None) -> None:
    assert unsign(b"k", value) == expected


@pytest.mark.parametrize(
    ("name", "password", "role", "message"),
    [
        ("a b", "long enough", "viewer", "without spaces"),
        ("ann", "short", "viewer", "at least 8"),
        ("ann", "long enough", "owner", "role 'owner'"),
        ("editor", "long enough", "viewer", "already exists"),
    ],
)
def test_bad_users_are_refused(
    seeded: Seeded, name: str, password: str, role: str, message: str
) -> None:
    with pytest.raises(AccountError, match=message):
        seeded.db.run(lambda s: add_user(s, name, password, role, NOW))


def test_token_for_an_unknown_user(db: Database) -> None:
    with pytest.raises(AccountError, match="no user named 'ghost'"):
        db.run(lambda s: create_token(s, "ghost", "", NOW))
