"""A minimal receiver for citecheck's JSON webhooks: verify, de-duplicate, handle.

Self-contained on purpose (aiohttp and the standard library only) so it can be copied
into a newsroom's own service. Run it:

    WEBHOOK_SECRET=whsec_... python examples/webhook_receiver.py --port 9000

and point a destination at it (format = "json", url = "http://HOST:9000/citecheck",
the same secret). Verification follows the Standard Webhooks specification:

1. take the raw body bytes exactly as received (do not re-serialize parsed JSON);
2. reject a webhook-timestamp more than 5 minutes from your clock (replays);
3. HMAC-SHA256 over "{webhook-id}.{webhook-timestamp}.{body}" with the secret's key
   (the base64-decoded part after "whsec_", or the raw secret's UTF-8 bytes);
4. base64 the digest and compare, in constant time, with each space-separated
   "v1,<signature>" in webhook-signature;
5. de-duplicate on webhook-id: a retry of a message you already handled carries the
   same id (answer 2xx again, do not act twice).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from aiohttp import web

TOLERANCE_S = 300
SEEN_IDS_KEPT = 10_000  # a real service would keep these in its database


def secret_key(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_") :])
    return secret.encode()


def signature_is_valid(key: bytes, headers: Any, body: bytes, now: float) -> bool:
    msg_id = headers.get("webhook-id", "")
    stamp = headers.get("webhook-timestamp", "")
    given = headers.get("webhook-signature", "")
    if not (msg_id and stamp.isdigit() and given):
        return False
    if abs(now - int(stamp)) > TOLERANCE_S:
        return False
    digest = hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    expected = "v1," + base64.b64encode(digest).decode()
    return any(hmac.compare_digest(expected, candidate) for candidate in given.split())


def make_app(
    secret: str,
    *,
    on_event: Callable[[dict[str, Any]], None] = print,
    clock: Callable[[], float] = time.time,
) -> web.Application:
    key = secret_key(secret)
    seen: OrderedDict[str, None] = OrderedDict()

    async def receive(request: web.Request) -> web.Response:
        body = await request.read()
        if not signature_is_valid(key, request.headers, body, clock()):
            return web.Response(status=401, text="bad signature")
        msg_id = request.headers["webhook-id"]
        if msg_id in seen:
            return web.Response(status=200, text="duplicate")
        message = json.loads(body)
        # A batch or digest carries single events in data.events; handle each the same way.
        events = message["data"]["events"] if message["type"] in ("batch", "digest") else [message]
        for event in events:
            on_event(event)
        seen[msg_id] = None
        if len(seen) > SEEN_IDS_KEPT:
            seen.popitem(last=False)
        return web.Response(status=204)

    app = web.Application(client_max_size=5 * 1024 * 1024)
    app.router.add_post("/citecheck", receive)
    return app


def show(event: dict[str, Any]) -> None:
    data = event["data"]
    print(
        f"{event['type']}: {data['flag']['kind']} ({data['flag']['severity']}) "
        f"{data['source']['url']} in {data['article']['url']} → {data['flag']['url']}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="citecheck webhook receiver (example)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    args = parser.parse_args()
    web.run_app(
        make_app(os.environ["WEBHOOK_SECRET"], on_event=show), host=args.host, port=args.port
    )
