"""`citecheck users …`: dashboard accounts and API tokens: add, token, list, set-password,
set-role, disable / enable, revoke-token."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime
from typing import Any

from checker.cli.common import UserError, print_json
from checker.settings import Settings


def register(sub: Any) -> None:
    p = sub.add_parser("users", help="manage dashboard users and API tokens")
    users = p.add_subparsers(dest="users_command", metavar="<users command>", required=True)
    add = users.add_parser("add", help="create a user (the first one should be an admin)")
    add.add_argument("name", help="the user's login name")
    add.add_argument(
        "--role",
        default="viewer",
        choices=("viewer", "editor", "admin"),
        help="viewer reads, editor also acts on flags, admin also manages users and alerts",
    )
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.set_defaults(handler=cmd_add)
    token = users.add_parser("token", help="create an API token for a user (shown once)")
    token.add_argument("name", help="the user the token acts as")
    token.add_argument("--label", default="", help="what the token is for")
    token.set_defaults(handler=cmd_token)
    password = users.add_parser("set-password", help="give a user a new password")
    password.add_argument("name", help="the user")
    password.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    password.set_defaults(handler=cmd_set_password)
    role = users.add_parser("set-role", help="change what a user may do")
    role.add_argument("name", help="the user")
    role.add_argument("role", choices=("viewer", "editor", "admin"), help="the new role")
    role.set_defaults(handler=cmd_set_role)
    for verb, what in (
        ("disable", "stop a user signing in or using tokens"),
        ("enable", "undo disable"),
    ):
        toggle = users.add_parser(verb, help=what)
        toggle.add_argument("name", help="the user")
        toggle.set_defaults(handler=cmd_toggle, disabled=verb == "disable")
    revoke = users.add_parser("revoke-token", help="revoke a user's API tokens")
    revoke.add_argument("name", help="the user")
    revoke.add_argument("--label", help="only the tokens with this label (default: all)")
    revoke.set_defaults(handler=cmd_revoke)
    ls = users.add_parser("list", help="list users")
    ls.add_argument("--json", action="store_true", help="print a JSON list")
    ls.set_defaults(handler=cmd_list)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UserError(
            "no terminal to ask for the password: pipe it in with --password-stdin "
            "(e.g. `printf '%s\\n' \"$PASSWORD\" | citecheck users add NAME --password-stdin`)"
        )
    try:
        first = getpass.getpass("Password: ")
        again = getpass.getpass("Repeat it: ")
    except (EOFError, OSError):
        raise UserError("could not read the password from the terminal") from None
    if again != first:
        raise UserError("the two passwords differ")
    return first


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    from checker.cli.common import open_db
    from checker.web.accounts import AccountError, add_user

    password = _password(args.password_stdin)
    now = datetime.now(UTC)
    with open_db(settings) as db:
        try:
            db.run(lambda s: add_user(s, args.name, password, args.role, now))
        except AccountError as exc:
            raise UserError(str(exc)) from None
    print(f"user {args.name} ({args.role}) created")
    return 0


def cmd_token(args: argparse.Namespace, settings: Settings) -> int:
    from checker.cli.common import open_db
    from checker.web.accounts import AccountError, create_token

    now = datetime.now(UTC)
    with open_db(settings, existing=True) as db:
        try:
            token = db.run(lambda s: create_token(s, args.name, args.label, now))
        except AccountError as exc:
            raise UserError(str(exc)) from None
    print(token)
    print(f"API token for {args.name}: store it now, it is not shown again", file=sys.stderr)
    return 0


def _account_change(settings: Settings, change: Any) -> Any:
    """Run an account change in one transaction; its mistakes are one line."""
    from checker.cli.common import open_db
    from checker.web.accounts import AccountError

    with open_db(settings, existing=True) as db:
        try:
            return db.run(change)
        except AccountError as exc:
            raise UserError(str(exc)) from None


def cmd_set_password(args: argparse.Namespace, settings: Settings) -> int:
    from checker.web.accounts import set_password

    password = _password(args.password_stdin)
    _account_change(settings, lambda s: set_password(s, args.name, password))
    print(f"password of {args.name} changed; their browsers are signed out")
    return 0


def cmd_set_role(args: argparse.Namespace, settings: Settings) -> int:
    from checker.web.accounts import set_role

    _account_change(settings, lambda s: set_role(s, args.name, args.role))
    print(f"{args.name} is now {args.role}")
    return 0


def cmd_toggle(args: argparse.Namespace, settings: Settings) -> int:
    from checker.web.accounts import set_disabled

    _account_change(settings, lambda s: set_disabled(s, args.name, args.disabled))
    print(f"{args.name} {'disabled' if args.disabled else 'enabled'}")
    return 0


def cmd_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from checker.web.accounts import revoke_tokens

    now = datetime.now(UTC)
    count = _account_change(settings, lambda s: revoke_tokens(s, args.name, args.label, now))
    print(f"revoked {count} token(s) of {args.name}")
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    from checker.cli.common import open_db
    from checker.web.accounts import list_users

    with open_db(settings, existing=True) as db:
        rows = db.run(
            lambda s: [
                {
                    "name": u.name,
                    "role": u.role,
                    "disabled": u.disabled,
                    "created_at": u.created_at.isoformat(),
                }
                for u in list_users(s)
            ]
        )
    if args.json:
        print_json(rows)
    elif not rows:
        print("no users: create one with `citecheck users add NAME --role admin`")
    for row in rows:
        print(f"{row['name']}\t{row['role']}{'  (disabled)' if row['disabled'] else ''}")
    return 0
