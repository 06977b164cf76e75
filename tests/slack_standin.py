"""A local stand-in for Slack's Web API: a real HTTP server on 127.0.0.1 speaking its wire format.

It serves exactly the methods the ``slack_api`` connector calls (``auth.test``,
``users.list``, ``conversations.list``, ``conversations.members``,
``conversations.history``, ``conversations.replies``) the way Slack does:
POST (or GET) with form-encoded or JSON parameters, ``Authorization: Bearer``,
HTTP 200 with ``{"ok": false, "error": ...}`` for API errors, cursor
pagination (``limit``, ``cursor``, ``response_metadata.next_cursor``, base64
cursors like Slack's ``next_ts:...``), ``oldest``/``latest``/``inclusive`` and
``has_more`` on history and replies, thread fields (``reply_count``,
``latest_reply``) computed on parents, ``not_in_channel`` for a public channel
the token's user is not in, ``channel_not_found`` for what it cannot see, and
HTTP 429 with ``Retry-After``.

Its state is a small in-memory :class:`Workspace` tests change between syncs
(post, reply, edit, delete); :class:`Fault` rules make chosen calls answer
429, 500 or drop the connection; every call is recorded in
:attr:`SlackStandIn.calls` (method and parameters, never the token).
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.loopback import serving

TOKEN = "xoxb-standin-0000-secret-token-value"


@dataclass
class Workspace:
    """Users, conversations and messages of one team, as the token's user sees them."""

    me: str = "UBOT"
    users: list[dict[str, Any]] = field(default_factory=list)
    conversations: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> Slack's object + members
    messages: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # id -> ts -> message
    clock: int = 1772460000  # the next ts handed out by post()

    def add_user(self, user_id: str, name: str, real_name: str, email: str = "") -> None:
        profile = {"real_name": real_name, "display_name": name, **({"email": email} if email else {})}
        self.users.append({"id": user_id, "name": name, "real_name": real_name, "profile": profile})

    def add_conversation(
        self, conversation_id: str, kind: str, members: list[str], name: str = "", archived: bool = False
    ) -> None:
        """``kind``: public, private, mpim or im (an im's members are the token's user and one other)."""
        conversation: dict[str, Any] = {
            "id": conversation_id,
            "created": 1700000000,
            "is_archived": archived,
            "is_channel": kind in ("public", "private"),
            "is_group": False,
            "is_private": kind != "public",
            "is_mpim": kind == "mpim",
            "is_im": kind == "im",
            "members": members,
        }
        if kind == "im":
            conversation["user"] = next(m for m in members if m != self.me)
        else:
            conversation["name"] = name
        self.conversations[conversation_id] = conversation
        self.messages[conversation_id] = {}

    def post(self, channel: str, user: str, text: str, thread_ts: str = "", **extra: Any) -> str:
        """A new message (a reply when ``thread_ts``); returns its ts."""
        self.clock += 60
        ts = f"{self.clock}.000100"
        message = {"type": "message", "user": user, "text": text, "ts": ts, **extra}
        if thread_ts:
            message["thread_ts"] = thread_ts
            message["parent_user_id"] = self.messages[channel][thread_ts]["user"]
        self.messages[channel][ts] = message
        return ts

    def edit(self, channel: str, ts: str, text: str) -> None:
        message = self.messages[channel][ts]
        message["text"] = text
        message["edited"] = {"user": message.get("user", ""), "ts": f"{self.clock + 1}.000000"}

    def delete(self, channel: str, ts: str) -> None:
        del self.messages[channel][ts]

    # -- what the API shows ----------------------------------------------------------------

    def shown(self, channel: str, message: dict[str, Any]) -> dict[str, Any]:
        """A message as the API returns it: parents carry their thread's counts."""
        replies = sorted(
            (m["ts"] for m in self.messages[channel].values() if m.get("thread_ts") == message["ts"]),
            key=Decimal,
        )
        replies = [ts for ts in replies if ts != message["ts"]]
        if not replies:
            return dict(message)
        return {
            **message,
            "thread_ts": message["ts"],
            "reply_count": len(replies),
            "latest_reply": replies[-1],
        }

    def can_read(self, channel: str) -> bool:
        return self.me in self.conversations[channel]["members"]


@dataclass
class Fault:
    """Make calls of ``method`` fail: every ``every``-th call after the first ``skip``, ``times`` at most.

    ``kind``: ``ratelimit`` (HTTP 429 with ``Retry-After: retry_after``), ``server_error``
    (HTTP 500 with an HTML page, as a load balancer answers) or ``disconnect`` (the
    connection is closed without an answer).
    """

    method: str
    kind: str
    every: int = 1
    skip: int = 0
    times: int | None = None
    retry_after: int = 0
    calls: int = 0  # calls of the method since the fault was added
    fired: int = 0

    def fires(self) -> bool:
        """Whether this call of the method fails (counting it)."""
        self.calls += 1
        n = self.calls
        if (
            n <= self.skip
            or (n - self.skip) % self.every
            or (self.times is not None and self.fired >= self.times)
        ):
            return False
        self.fired += 1
        return True


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, str]


class SlackStandIn:
    """The server; start it with :func:`running`."""

    def __init__(self, workspace: Workspace, token: str = TOKEN) -> None:
        self.workspace = workspace
        self.token = token
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def calls_of(self, method: str) -> list[dict[str, str]]:
        return [c.params for c in self.calls if c.method == method]

    def answer(
        self, method: str, params: dict[str, str], authorization: str
    ) -> tuple[int, dict[str, str], bytes]:
        """(HTTP status, headers, body) for one call; status 0 means: drop the connection."""
        with self.lock:
            self.calls.append(Call(method, params))
            for fault in self.faults:
                if fault.method == method and fault.fires():
                    return _fault_answer(fault)
            if not authorization:
                return _json({"ok": False, "error": "not_authed"})
            if authorization != f"Bearer {self.token}":
                return _json({"ok": False, "error": "invalid_auth"})
            handler = _METHODS.get(method)
            if handler is None:
                return _json({"ok": False, "error": "unknown_method"})
            try:
                return _json({"ok": True, **handler(self.workspace, params)})
            except _SlackError as exc:
                return _json({"ok": False, "error": exc.error})


@contextmanager
def running(workspace: Workspace, token: str = TOKEN) -> Iterator[SlackStandIn]:
    """Serve ``workspace`` on a free loopback port for the duration of the block."""
    standin = SlackStandIn(workspace, token)
    with serving(standin.server, "slack-standin"):
        yield standin


# -- HTTP ---------------------------------------------------------------------------------------


def _handler(standin: SlackStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            url = urlsplit(self.path)
            params = dict(parse_qsl(url.query))
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.headers.get_content_type() == "application/json" and body:
                params.update({k: str(v) for k, v in json.loads(body).items()})
            elif body:
                params.update(parse_qsl(body.decode("utf-8")))
            params.pop("token", None)
            method = url.path.removeprefix("/api/")
            status, headers, payload = standin.answer(method, params, self.headers.get("Authorization", ""))
            if status == 0:
                self.close_connection = True
                return
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Quiet: the test output is not the place for an access log."""

    return Handler


def _json(data: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(data).encode("utf-8")


def _fault_answer(fault: Fault) -> tuple[int, dict[str, str], bytes]:
    if fault.kind == "ratelimit":
        body = json.dumps({"ok": False, "error": "ratelimited"}).encode()
        return 429, {"Retry-After": str(fault.retry_after), "Content-Type": "application/json"}, body
    if fault.kind == "server_error":
        return 500, {"Content-Type": "text/html"}, b"<html><body>Internal Server Error</body></html>"
    return 0, {}, b""


# -- the methods --------------------------------------------------------------------------------


class _SlackError(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def _auth_test(ws: Workspace, params: dict[str, str]) -> dict[str, Any]:
    return {
        "url": "https://standin.slack.com/",
        "team": "Stand-in",
        "user": "bot",
        "team_id": "T1",
        "user_id": ws.me,
    }


def _users_list(ws: Workspace, params: dict[str, str]) -> dict[str, Any]:
    page, cursor = _offset_page(ws.users, params)
    return {"members": page, "response_metadata": {"next_cursor": cursor}}


def _conversations_list(ws: Workspace, params: dict[str, str]) -> dict[str, Any]:
    wanted = set(params.get("types", "public_channel").split(","))
    kinds = {"public_channel": "public", "private_channel": "private", "mpim": "mpim", "im": "im"}
    listed = []
    for conversation in ws.conversations.values():
        kind = _kind(conversation)
        if not any(kinds.get(t) == kind for t in wanted):
            continue
        if kind != "public" and ws.me not in conversation["members"]:
            continue  # nobody sees others' private conversations
        if _true(params.get("exclude_archived")) and conversation["is_archived"]:
            continue
        shown = {k: v for k, v in conversation.items() if k != "members"}
        if kind != "im":
            shown["is_member"] = ws.me in conversation["members"]
        listed.append(shown)
    page, cursor = _offset_page(listed, params)
    return {"channels": page, "response_metadata": {"next_cursor": cursor}}


def _conversations_members(ws: Workspace, params: dict[str, str]) -> dict[str, Any]:
    conversation = _visible(ws, params)
    page, cursor = _offset_page(conversation["members"], params)
    return {"members": page, "response_metadata": {"next_cursor": cursor}}


def _conversations_history(ws: Workspace, params: dict[str, str]) -> dict[str, Any]:
    conversation = _visible(ws, params)
    if not ws.can_read(conversation["id"]):
        raise _SlackError("not_in_channel")
    messages = [
        ws.shown(conversation["id"], m)
        for m in ws.messages[conversation["id"]].values()
        if not m.get("thread_ts") or m["thread_ts"] == m["ts"] or m.get("subtype") == "thread_broadcast"
    ]
    return _timeline(messages, params, newest_first=True)


def _conversations_replies(ws: Workspace, params: dict[str, str]) -> dict[str, Any]:
    conversation = _visible(ws, params)
    if not ws.can_read(conversation["id"]):
        raise _SlackError("not_in_channel")
    messages = ws.messages[conversation["id"]]
    parent = messages.get(params.get("ts", ""))
    if parent is None:
        raise _SlackError("thread_not_found")
    replies = [m for m in messages.values() if m.get("thread_ts") == parent["ts"] and m["ts"] != parent["ts"]]
    answer = _timeline(replies, params, newest_first=False)
    if "cursor" not in params:  # Slack puts the parent first on the first page, whatever the window
        answer["messages"].insert(0, ws.shown(conversation["id"], parent))
    return answer


_METHODS = {
    "auth.test": _auth_test,
    "users.list": _users_list,
    "conversations.list": _conversations_list,
    "conversations.members": _conversations_members,
    "conversations.history": _conversations_history,
    "conversations.replies": _conversations_replies,
}


def _visible(ws: Workspace, params: dict[str, str]) -> dict[str, Any]:
    conversation = ws.conversations.get(params.get("channel", ""))
    if conversation is None or (_kind(conversation) != "public" and ws.me not in conversation["members"]):
        raise _SlackError("channel_not_found")
    return conversation


def _timeline(messages: list[dict[str, Any]], params: dict[str, str], newest_first: bool) -> dict[str, Any]:
    """One page of a ts-ordered listing with Slack's oldest/latest/inclusive/cursor/limit rules."""
    window = sorted(
        (m for m in messages if _in_window(Decimal(m["ts"]), params)),
        key=lambda m: Decimal(m["ts"]),
        reverse=newest_first,
    )
    if "cursor" in params:  # the cursor names the first message of the next page
        start = _decode_cursor(params["cursor"], "next_ts")
        window = [
            m for m in window if (Decimal(m["ts"]) <= start) == newest_first or Decimal(m["ts"]) == start
        ]
    limit = _limit(params)
    page, rest = window[:limit], window[limit:]
    cursor = _encode_cursor("next_ts", rest[0]["ts"]) if rest else ""
    return {"messages": page, "has_more": bool(rest), "response_metadata": {"next_cursor": cursor}}


def _in_window(ts: Decimal, params: dict[str, str]) -> bool:
    inclusive = _true(params.get("inclusive"))
    oldest, latest = params.get("oldest"), params.get("latest")
    if oldest and (ts < Decimal(oldest) or (ts == Decimal(oldest) and not inclusive)):
        return False
    return not latest or ts < Decimal(latest) or (ts == Decimal(latest) and inclusive)


def _offset_page(items: list[Any], params: dict[str, str]) -> tuple[list[Any], str]:
    start = int(_decode_cursor(params["cursor"], "offset")) if "cursor" in params else 0
    end = start + _limit(params)
    return items[start:end], _encode_cursor("offset", str(end)) if end < len(items) else ""


def _limit(params: dict[str, str]) -> int:
    return max(1, min(int(params.get("limit") or 100), 999))


def _encode_cursor(name: str, value: str) -> str:
    return base64.b64encode(f"{name}:{value}".encode()).decode()


def _decode_cursor(cursor: str, name: str) -> Decimal:
    try:
        label, _, value = base64.b64decode(cursor).decode().partition(":")
        if label == name:
            return Decimal(value)
    except (ValueError, ArithmeticError):
        pass
    raise _SlackError("invalid_cursor")


def _kind(conversation: dict[str, Any]) -> str:
    if conversation["is_im"]:
        return "im"
    if conversation["is_mpim"]:
        return "mpim"
    return "private" if conversation["is_private"] else "public"


def _true(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true")
