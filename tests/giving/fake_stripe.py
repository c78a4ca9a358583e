"""A local stand-in for the Stripe API: a small threaded HTTP server that answers the requests
the site makes (Checkout Sessions, the customer portal, refunds, subscription cancellation,
the events list) the way Stripe does, remembers idempotency keys as Stripe does, and signs the
webhooks it produces with Stripe's scheme (t=..., v1=HMAC-SHA256(secret, "t.payload"))."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

WEBHOOK_SECRET = "whsec_test_fake_secret"
API_KEY = "sk_test_fake_key"


def decode_form(body: str) -> dict[str, Any]:
    """Stripe's form encoding (a[b][0][c]=v) back into nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node: Any = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt_is_index = not last and parts[i + 1].isdigit()
            if isinstance(node, list):
                index = int(part)
                while len(node) <= index:
                    node.append({} if not nxt_is_index else [])
                if last:
                    node[index] = value
                else:
                    if not isinstance(node[index], list | dict) or (nxt_is_index and not isinstance(node[index], list)):
                        node[index] = [] if nxt_is_index else {}
                    node = node[index]
            else:
                if last:
                    node[part] = value
                else:
                    node = node.setdefault(part, [] if nxt_is_index else {})
    return root


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


class FakeStripe:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.sessions: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.idempotent: dict[str, tuple[int, dict]] = {}
        self.delay = 0.0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeStripe:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_test_{next(self._ids):06d}"

    # --- what Stripe would do on its side -----------------------------------------
    def event(self, event_type: str, obj: dict[str, Any], created: int | None = None) -> dict[str, Any]:
        event = {
            "id": self.new_id("evt"),
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()) if created is None else created,
            "livemode": False,
            "type": event_type,
            "data": {"object": obj},
        }
        with self._lock:
            self.events.append(event)
        return event

    def pay(self, session_id: str) -> dict[str, Any]:
        """The donor paid on the hosted page: the session completes and an event is produced."""
        session = self.sessions[session_id]
        session.update(status="complete", payment_status="paid", customer=self.new_id("cus"))
        if session["mode"] == "subscription":
            session["subscription"] = self.new_id("sub")
        else:
            session["payment_intent"] = self.new_id("pi")
        return self.event("checkout.session.completed", dict(session))

    def expire(self, session_id: str) -> dict[str, Any]:
        session = self.sessions[session_id]
        session.update(status="expired")
        return self.event("checkout.session.expired", dict(session))

    def invoice_paid(self, session_id: str, *, amount: int | None = None) -> dict[str, Any]:
        session = self.sessions[session_id]
        return self.event(
            "invoice.paid",
            {
                "id": self.new_id("in"),
                "object": "invoice",
                "billing_reason": "subscription_cycle",
                "customer": session["customer"],
                "amount_paid": session["amount_total"] if amount is None else amount,
                "currency": session["currency"],
                "payment_intent": self.new_id("pi"),
                "parent": {
                    "type": "subscription_details",
                    "subscription_details": {"subscription": session["subscription"], "metadata": session["metadata"]},
                },
            },
        )

    def webhook(self, event: dict[str, Any], *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
        payload = json.dumps(event).encode()
        return payload, sign(payload, secret, timestamp)

    def last(self, method: str, path_prefix: str) -> dict[str, Any]:
        found = [r for r in self.requests if r["method"] == method and r["path"].startswith(path_prefix)]
        assert found, f"no {method} {path_prefix} request"
        return found[-1]

    # --- the HTTP API -----------------------------------------------------------
    def _answer(self, method: str, path: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "POST" and path == "/v1/checkout/sessions":
            item = params["line_items"][0]
            amount = int(item["price_data"]["unit_amount"]) * int(item.get("quantity", 1))
            session_id = self.new_id("cs")
            session = {
                "id": session_id,
                "object": "checkout.session",
                "mode": params["mode"],
                "url": f"{self.url}/pay/{session_id}",
                "client_reference_id": params.get("client_reference_id"),
                "customer_email": params.get("customer_email"),
                "amount_total": amount,
                "currency": item["price_data"]["currency"],
                "metadata": params.get("metadata", {}),
                "status": "open",
                "payment_status": "unpaid",
                "payment_intent": None,
                "subscription": None,
                "customer": None,
                "success_url": params["success_url"],
                "cancel_url": params["cancel_url"],
            }
            self.sessions[session_id] = session
            return 200, session
        if method == "GET" and path.startswith("/v1/checkout/sessions/"):
            session = self.sessions.get(path.rsplit("/", 1)[1])
            if session is None:
                return 404, {"error": {"type": "invalid_request_error", "message": "No such checkout.session"}}
            return 200, session
        if method == "POST" and path == "/v1/billing_portal/sessions":
            return 200, {
                "id": self.new_id("bps"),
                "object": "billing_portal.session",
                "customer": params["customer"],
                "url": f"{self.url}/portal/{params['customer']}",
                "return_url": params.get("return_url"),
            }
        if method == "POST" and path == "/v1/refunds":
            pi = params["payment_intent"]
            session = next(s for s in self.sessions.values() if s.get("payment_intent") == pi)
            refunded = session.get("amount_refunded", 0)
            amount = int(params.get("amount", session["amount_total"] - refunded))
            session["amount_refunded"] = refunded + amount
            self.event(
                "charge.refunded",
                {
                    "id": "ch" + pi[2:],
                    "object": "charge",
                    "payment_intent": pi,
                    "amount": session["amount_total"],
                    "amount_refunded": session["amount_refunded"],
                    "currency": session["currency"],
                    "refunded": session["amount_refunded"] == session["amount_total"],
                    "metadata": session["metadata"],
                },
            )
            return 200, {"id": self.new_id("re"), "object": "refund", "amount": amount, "status": "succeeded"}
        if method == "DELETE" and path.startswith("/v1/subscriptions/"):
            sub_id = path.rsplit("/", 1)[1]
            obj = {"id": sub_id, "object": "subscription", "status": "canceled"}
            self.event("customer.subscription.deleted", obj)
            return 200, obj
        if method == "GET" and path == "/v1/events":
            gte = int(params.get("created", {}).get("gte", 0))
            types = params.get("types") or []
            data = [e for e in self.events if e["created"] >= gte and (not types or e["type"] in types)]
            return 200, {"object": "list", "url": "/v1/events", "has_more": False, "data": data[::-1]}
        return 404, {"error": {"type": "invalid_request_error", "message": f"Unrecognized request URL ({path})"}}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _serve(self, method: str) -> None:
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                params = decode_form(body if method in ("POST", "DELETE") else split.query)
                record = {
                    "method": method,
                    "path": split.path,
                    "headers": dict(self.headers.items()),
                    "params": params,
                }
                with fake._lock:
                    fake.requests.append(record)
                if fake.delay:
                    time.sleep(fake.delay)
                if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                    status, answer = 401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key"}}
                else:
                    key = self.headers.get("Idempotency-Key")
                    if key and key in fake.idempotent and method == "POST":
                        status, answer = fake.idempotent[key]
                    else:
                        status, answer = fake._answer(method, split.path, params)
                        if key:
                            fake.idempotent[key] = (status, answer)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.send_header("Request-Id", "req_fake")
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def do_DELETE(self):
                self._serve("DELETE")

        return Handler
