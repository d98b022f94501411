"""A local fake of Slack's Web API (and of `response_url`s), for tests that need Slack.

Point the app's `SLACK_API_URL` at `FakeSlack.url`; every call is recorded with its parsed arguments.
Responses can be queued per method (e.g. a 429 with Retry-After, or an error), else a sensible default
success is returned. A method can be held (`hold`): its calls are recorded, then wait for the test to release
them, so a test can see what the app does before Slack has answered (an acknowledgement, say) without timing.
`conversations.history` returns what was posted to the channel, metadata included. File uploads
(files_upload_v2) work end to end: the bytes sent to the upload URL are kept in `uploads`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

BOT_USER_ID = "UBOT0001"
BOT_ID = "BBOT0001"
TEAM_ID = "T0000001"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.time)


class Hold:
    """Calls to one method wait here until `release()` (or `timeout` seconds, for a test that never releases)."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._gate = threading.Event()
        self._lock = threading.Lock()
        self.answered = 0  # calls let through so far

    def release(self) -> None:
        self._gate.set()

    def pass_through(self) -> None:
        self._gate.wait(self.timeout)
        with self._lock:
            self.answered += 1


@dataclass
class Reply:
    status: int = 200
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


class FakeSlack:
    """A threaded HTTP server on 127.0.0.1 that plays Slack's Web API."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.queued: dict[str, list[Reply]] = {}
        self.posted: dict[str, list[dict[str, Any]]] = {}
        self.uploads: dict[str, bytes] = {}  # file id -> the bytes sent to its upload URL
        self.group_members: tuple[str, ...] = ("UCONTACT1", "UCONTACT2")  # what usergroups.users.list returns
        self.holds: dict[str, Hold] = {}
        self._ts = itertools.count(1)
        self._lock = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                fake._handle(self)

            def do_GET(self) -> None:
                fake._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/api/"

    def response_url(self, name: str = "hook") -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/response/{name}"

    def start(self) -> FakeSlack:
        self.thread.start()
        return self

    def stop(self) -> None:
        for hold in list(self.holds.values()):
            hold.release()
        self.server.shutdown()
        self.server.server_close()

    # -- test helpers ------------------------------------------------------------------------------------------
    def queue(self, method: str, *, status: int = 200, body: dict[str, Any] | None = None, **headers: str) -> None:
        """Make the next call to `method` get this reply (header names with '_' become '-')."""
        reply = Reply(status, body, {name.replace("_", "-"): value for name, value in headers.items()})
        with self._lock:
            self.queued.setdefault(method, []).append(reply)

    def add_message(self, channel: str, message: dict[str, Any]) -> None:
        """A person's message in a channel, as `conversations.history` / `conversations.replies` will return it."""
        with self._lock:
            self.posted.setdefault(channel, []).append(dict(message))

    def hold(self, method: str, *, timeout: float = 30.0) -> Hold:
        """Make calls to `method` wait (after being recorded) until the returned hold is released."""
        hold = Hold(timeout)
        with self._lock:
            self.holds[method] = hold
        return hold

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Block until `method` has been called `count` times; return those calls (fails on timeout)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [call for call in self.calls if call.method == method]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} call(s) to {method}, got {len(found)}")
                self._lock.wait(remaining)

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.queued.clear()
            self.posted.clear()
            self.uploads.clear()

    # -- the server --------------------------------------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        args: dict[str, Any] = dict(parse_qsl(parsed.query))
        content_type = request.headers.get("Content-Type", "")
        if parsed.path.startswith("/upload/"):  # a file's bytes, sent to the URL files.getUploadURLExternal gave
            file_id = parsed.path.removeprefix("/upload/")
            with self._lock:
                self.uploads[file_id] = raw
            args, raw = {"file_id": file_id, "bytes": len(raw)}, b""
        if raw:
            if "json" in content_type:
                args.update(json.loads(raw.decode("utf-8")))
            else:
                args.update(dict(parse_qsl(raw.decode("utf-8"))))
        for key in ("blocks", "metadata", "view", "attachments", "files", "prompts"):
            if isinstance(args.get(key), str):
                with contextlib.suppress(json.JSONDecodeError):
                    args[key] = json.loads(args[key])
        method = parsed.path.removeprefix("/api/").lstrip("/")
        with self._lock:
            self.calls.append(Call(method, args, dict(request.headers.items())))
            queued = self.queued.get(method)
            reply = queued.pop(0) if queued else None
            if reply is None or (reply.status == 200 and reply.body is None):
                reply = Reply(200, self._default(method, args), reply.headers if reply else {})
            self._lock.notify_all()
            hold = self.holds.get(method)
        if hold is not None:
            hold.pass_through()
        body = json.dumps(reply.body if reply.body is not None else {"ok": False, "error": "ratelimited"})
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a caller killed mid-call (kill -9 tests)
            request.send_response(reply.status)
            request.send_header("Content-Type", "application/json; charset=utf-8")
            for name, value in reply.headers.items():
                request.send_header(name, value)
            request.send_header("Content-Length", str(len(body.encode())))
            request.end_headers()
            request.wfile.write(body.encode())

    def _default(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "oauth.v2.access":  # an install: the code `code-T123` installs the app in workspace T123
            team = str(args.get("code", "")).removeprefix("code-")
            if not team.startswith("T"):  # (the client id and secret come as HTTP Basic auth: see the call's headers)
                return {"ok": False, "error": "invalid_code"}
            return {
                "ok": True,
                "app_id": "A0000APP1",
                "access_token": f"xoxb-{team}-installed",
                "token_type": "bot",
                "scope": "app_mentions:read,chat:write,commands,im:history,assistant:write",
                "bot_user_id": BOT_USER_ID,
                "team": {"id": team, "name": f"Board {team}"},
                "enterprise": None,
                "is_enterprise_install": False,
                "authed_user": {"id": "U0INSTALL"},
            }
        if method == "auth.test":
            return {
                "ok": True,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "team_id": TEAM_ID,
                "user": "learning-bot",
            }
        if method == "chat.postMessage":
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            message = {
                "type": "message",
                "ts": ts,
                "text": args.get("text", ""),
                "bot_id": BOT_ID,
                "user": BOT_USER_ID,
            }
            if "metadata" in args:
                message["metadata"] = args["metadata"]
            if "blocks" in args:
                message["blocks"] = args["blocks"]
            if "thread_ts" in args:
                message["thread_ts"] = args["thread_ts"]
            self.posted.setdefault(str(args.get("channel")), []).append(message)
            return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": message}
        if method == "conversations.history":
            messages = list(reversed(self.posted.get(str(args.get("channel")), [])))
            oldest = float(args.get("oldest") or 0)
            messages = [m for m in messages if float(m["ts"]) >= oldest]
            return {"ok": True, "messages": messages, "has_more": False}
        if method == "conversations.replies":
            messages = self.posted.get(str(args.get("channel")), [])
            asked = next((m for m in messages if m.get("ts") == args.get("ts")), None)
            if asked is None:
                return {"ok": False, "error": "thread_not_found"}
            parent = asked.get("thread_ts") or asked["ts"]
            thread = [m for m in messages if m.get("ts") == parent or m.get("thread_ts") == parent]
            return {"ok": True, "messages": thread, "has_more": False}
        if method == "usergroups.users.list":
            return {"ok": True, "users": list(self.group_members)}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):08d}"
            host, port = self.server.server_address[:2]
            return {"ok": True, "upload_url": f"http://{host}:{port}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = args.get("files") or []
            return {"ok": True, "files": [{"id": f.get("id"), "title": f.get("title")} for f in files]}
        if method == "views.open":
            view = args.get("view") if isinstance(args.get("view"), dict) else {}
            return {"ok": True, "view": {**view, "id": f"V{next(self._ts):08d}"}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{int(time.time())}.{next(self._ts):06d}"}
        return {"ok": True}
