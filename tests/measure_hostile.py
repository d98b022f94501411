"""Figures for the hostile-input defences, printed (never asserted): `python -m tests.measure_hostile`.

Starts `learning-bot serve --http` against the local fake Slack, on 127.0.0.1 only, and measures: the time to
refuse a 50 MB unsigned body and the server's memory around 16 concurrent 50 MB bodies; each signed request's
latency while 1,000 clients drip a byte a second; the log written per unsigned junk request; and the CPU time
of cleaning a 40,000-character markup bomb (with the old quadratic pattern for comparison); and what a kill -9 in
the middle of 300 mentions leaves unanswered once Slack redelivers to a restarted server those it got no ack for;
and how long acks take in a burst of 500 mentions, now that an event is acked once answered.
"""

from __future__ import annotations

import json
import os
import re
import signal
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from knowledge.loading import bundled_data_dir
from knowledge.store import build
from knowledge.text import strip_slack_markup

from .fakeslack import FakeSlack
from .serving import ServedBot, served_bot
from .slackbot import PRE_VERBAL_QUESTION, event_envelope, mention, signed_headers
from .test_hostile_http import (
    JSON,
    MIB,
    Drippers,
    big_request,
    post,
    push,
    raise_open_files,
    send_headers,
    signed_mention,
    status_of,
)

OLD_MARKUP = re.compile(r"<([@#!][^>|]*)(?:\|([^>]*))?>|<(https?://[^>|]*)(?:\|([^>]*))?>")


def main() -> None:
    raise_open_files(4096)
    with tempfile.TemporaryDirectory() as temp:
        workdir = Path(temp)
        kb_path = workdir / "knowledge.db"
        build(kb_path, data_dir=bundled_data_dir())
        fake = FakeSlack().start()
        try:
            with served_bot(kb_path, fake, workdir) as bot:
                started = time.perf_counter()
                with send_headers(bot.host_port, big_request(50 * MIB)) as conn:
                    status = status_of(conn)
                print(f"50 MB unsigned body: {status} after {1000 * (time.perf_counter() - started):.1f} ms")

                before = bot.rss_kib()
                with ThreadPoolExecutor(8) as pool:
                    list(
                        pool.map(
                            lambda _: push(bot.host_port, big_request(50 * MIB), b"x" * MIB, 50, chunked=False),
                            range(8),
                        )
                    )
                print(f"8 concurrent 50 MB bodies: server RSS {before / 1024:.0f} -> {bot.rss_kib() / 1024:.0f} MiB")

                lines_before = len(bot.output)
                started = time.perf_counter()
                for _ in range(1000):
                    post(bot.host_port, b"null", JSON)
                elapsed = time.perf_counter() - started
                logged = "".join(bot.output[lines_before:])
                print(
                    f"1,000 unsigned junk requests: {elapsed:.2f} s, {len(logged)} bytes of log"
                    f" ({logged.count(chr(10))} line(s))"
                )

                drippers = Drippers(bot.host_port, 1000)
                try:

                    def timed(request: tuple[bytes, dict[str, str]]) -> tuple[int, float]:
                        began = time.perf_counter()
                        return post(bot.host_port, *request), time.perf_counter() - began

                    requests = [signed_mention(f"{PRE_VERBAL_QUESTION} ({n})") for n in range(10)]
                    with ThreadPoolExecutor(10) as pool:
                        results = list(pool.map(timed, requests))
                    still = drippers.connected()
                    before_cpu, began = cpu_seconds(bot.process.pid), time.monotonic()
                    time.sleep(5)
                    load = (cpu_seconds(bot.process.pid) - before_cpu) / (time.monotonic() - began)
                    time.sleep(6)  # past REQUEST_DEADLINE (10 s) for every dripper
                    cut = 1000 - drippers.connected()
                finally:
                    drippers.close()
                latencies = ", ".join(f"{seconds * 1000:.0f}" for _, seconds in results)
                print(
                    f"10 signed requests among 1,000 drippers: statuses {sorted({s for s, _ in results})},"
                    f" latency ms [{latencies}], drippers still connected: {still}"
                )
                print(f"1,000 drippers cost the server {load:.2f} CPU cores; {cut} of 1,000 cut off at the deadline")
                burst_acks(bot)
            killed_mid_burst(kb_path, fake, workdir)
        finally:
            fake.stop()

    bomb = "<@" * 20_000
    started = time.process_time()
    strip_slack_markup(bomb)
    new = time.process_time() - started
    started = time.process_time()
    OLD_MARKUP.sub("", bomb[:8_000])
    old = time.process_time() - started
    print(
        f"markup bomb (40,000 chars): {new * 1000:.1f} ms CPU now; the old pattern took {old:.2f} s"
        " on its first 8,000 characters alone (quadratic: x25 for all 40,000)"
    )


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def burst_acks(bot: ServedBot, count: int = 500, senders: int = 50) -> None:
    """How long Slack waits for each ack when 500 people's mentions arrive on 50 connections at once (events are acked
    once answered, at most bot.acks.WAIT_SECONDS after arriving; Slack's limit is 3 s)."""
    bodies = [json.dumps(event_envelope(mention(PRE_VERBAL_QUESTION, user=f"UB{n:07d}"))) for n in range(count)]
    requests = [(body.encode(), signed_headers(body, content_type="application/json")) for body in bodies]

    def timed(request: tuple[bytes, dict[str, str]]) -> tuple[int, float]:
        began = time.perf_counter()
        return post(bot.host_port, *request), time.perf_counter() - began

    with ThreadPoolExecutor(senders) as pool:
        results = list(pool.map(timed, requests))
    latencies = sorted(seconds * 1000 for _, seconds in results)
    print(
        f"{count} mentions from {senders} connections at once: statuses {sorted({s for s, _ in results})}, ack ms"
        f" median {latencies[len(latencies) // 2]:.0f}, 99th {latencies[int(len(latencies) * 0.99)]:.0f},"
        f" max {latencies[-1]:.0f}"
    )


def killed_mid_burst(kb_path: Path, fake: FakeSlack, workdir: Path, count: int = 300) -> None:
    """300 mentions (each from its own person), the server killed with SIGKILL after about half were answered,
    then redelivered to a restarted server as Slack does: only those whose ack it never got (an acked event is
    never sent again). Those never answered are lost; the figure to keep at 0."""
    fake.reset()
    bodies = [
        json.dumps(
            event_envelope(mention(f"{PRE_VERBAL_QUESTION} ({n})", user=f"U{n:08d}"), event_id=f"EvBURST{n:04d}")
        )
        for n in range(count)
    ]
    with served_bot(kb_path, fake, workdir, state=workdir / "burst-state.db") as first:

        def send(body: str) -> int:
            try:
                return post(first.host_port, body.encode(), signed_headers(body, content_type="application/json"))
            except OSError:
                return 0

        with ThreadPoolExecutor(16) as pool:
            futures = [pool.submit(send, body) for body in bodies]
            deadline = time.monotonic() + 60
            while len(fake.calls_to("chat.postMessage")) < count // 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            os.kill(first.process.pid, signal.SIGKILL)
            first.process.wait(timeout=20)
            acks = [future.result() == 200 for future in futures]
    answered_before = len(fake.calls_to("chat.postMessage"))
    unacked = [body for body, acked in zip(bodies, acks, strict=True) if not acked]
    with served_bot(kb_path, fake, workdir, state=workdir / "burst-state.db") as second:

        def resend(body: str) -> int:
            headers = signed_headers(body, content_type="application/json")
            headers |= {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
            return post(second.host_port, body.encode(), headers)

        with ThreadPoolExecutor(16) as pool:
            list(pool.map(resend, unacked))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            answered = {call.args.get("thread_ts") for call in fake.calls_to("chat.postMessage")}
            if len(answered) >= count:
                break
            time.sleep(0.1)
    threads = [call.args.get("thread_ts") for call in fake.calls_to("chat.postMessage")]
    print(
        f"kill -9 mid-burst: {sum(acks)} of {count} acked, {answered_before} answered before the kill; Slack"
        f" redelivers the {len(unacked)} not acked: {count - len(set(threads))} of {count} never answered,"
        f" {len(threads) - len(set(threads))} answered twice"
    )


if __name__ == "__main__":
    main()
