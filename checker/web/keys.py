"""Typed keys for what the app and each request carry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aiohttp import web

from checker.settings import Settings
from checker.web.accounts import Principal
from checker.web.actions import OpenCounts
from store.db import Database

DB = web.AppKey("db", Database)
SETTINGS = web.AppKey("settings", Settings)
CLOCK: web.AppKey[Callable[[], datetime]] = web.AppKey("clock")
SECRET = web.AppKey("secret", bytes)
COUNTS: web.AppKey[OpenCounts] = web.AppKey("counts")
PRINCIPAL = web.RequestKey("principal", Principal)  # set once authenticated
__all__ = ["CLOCK", "COUNTS", "DB", "PRINCIPAL", "SECRET", "SETTINGS", "Principal"]
