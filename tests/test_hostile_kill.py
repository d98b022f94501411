"""kill -9: a process that dies holding a claim must not take an answer or a week's digest with it.

Real processes are killed with SIGKILL while the fake Slack holds their call unanswered (so the kill lands at a
known point: claimed, attempt written down, request in flight). The fake records a held call (and a held post
appears in the channel); where the scenario is "Slack never got it", the test takes it out again. What follows
is a restart on the same state file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from knowledge.base import KnowledgeBase
from knowledge.records.ledger import DeliveryLedger
from knowledge.records.owners import is_gone, new_owner
from knowledge.records.state import open_state_store

from .digesting import TOKEN, digest_cli_env
from .fakeslack import FakeSlack
from .serving import served_bot
from .slackbot import PRE_VERBAL, PRE_VERBAL_QUESTION, RunningBot, event_envelope, mention, posted_text, signed_headers

ROOT = Path(__file__).resolve().parents[1]
JSON = "application/json"


def wait_until(condition, *, timeout: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def kill_9(process: subprocess.Popen[str]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(timeout=20) == -signal.SIGKILL


# -- 9. answers -------------------------------------------------------------------------------------------------
def test_a_question_whose_server_was_killed_is_answered_on_slacks_redelivery(
    kb_path: Path, fake_slack: FakeSlack, tmp_path: Path, state_location: str | Path
) -> None:
    hold = fake_slack.hold("chat.postMessage")
    event = mention(PRE_VERBAL_QUESTION)
    body = json.dumps(event_envelope(event, event_id="EvKILLED01"))
    try:
        with served_bot(kb_path, fake_slack, tmp_path, state=state_location) as first:
            from .test_hostile_http import post

            acked: list[int | str] = []

            def deliver() -> None:
                try:
                    acked.append(post(first.host_port, body.encode(), signed_headers(body, content_type=JSON)))
                except OSError as exc:  # the connection closed with no response
                    acked.append(type(exc).__name__)

            sender = threading.Thread(target=deliver)
            sender.start()
            fake_slack.wait_for("chat.postMessage")  # claimed, answering: the post is in flight, no ack sent yet
            kill_9(first.process)
            sender.join(timeout=20)
            assert acked and acked[0] != 200, acked  # never acknowledged: Slack sends it again
        fake_slack.holds.clear()
        fake_slack.posted.clear()  # it never reached Slack
        # Slack's redelivery of the same event (the ack may never have reached it) reaches a restarted server.
        with served_bot(kb_path, fake_slack, tmp_path, state=state_location) as second:
            headers = signed_headers(body, content_type="application/json")
            headers |= {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
            assert post(second.host_port, body.encode(), headers) == 200
            answer = fake_slack.wait_for("chat.postMessage", 2)[-1]
            assert PRE_VERBAL in posted_text(answer.args)
            assert answer.args["thread_ts"] == event["ts"]
            assert "Skipped a repeated delivery" not in second.log()
    finally:
        hold.release()


def test_an_event_is_acked_once_its_answer_is_posted_and_a_command_at_once(
    kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    with RunningBot(kb, fake_slack, tmp_path / "state.db", ack_wait=60.0) as bot:
        answers = fake_slack.hold("chat.postMessage")
        hook = fake_slack.hold("response/hook")
        acked: list[int] = []
        sender = threading.Thread(target=lambda: acked.append(bot.send_event(mention(PRE_VERBAL_QUESTION)).status))
        sender.start()
        try:
            fake_slack.wait_for("chat.postMessage")  # the answer is being posted (Slack holds it) ...
            # ... while a slash command is acknowledged at once: its listener answers after, through response_url.
            command = bot.send_command("/learning", "pre-verbal", response_url=fake_slack.response_url())
            assert command.status == 200
            assert sender.is_alive() and acked == []  # the event's acknowledgement waits for its answer
        finally:
            answers.release()
            hook.release()
        sender.join(timeout=30)
        assert acked == [200]
        assert answers.answered == 1
        [answer] = fake_slack.calls_to("chat.postMessage")
        assert PRE_VERBAL in posted_text(answer.args)
        bot.drain()
        assert len(fake_slack.calls_to("response/hook")) == 1


def test_when_every_waiting_slot_is_taken_an_event_is_acked_at_once(
    kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    from bot.server import PROMPT_THREADS

    # One HTTP thread more than those kept prompt: one event at a time may wait for its answer.
    with RunningBot(kb, fake_slack, tmp_path / "state.db", ack_wait=60.0, threads=PROMPT_THREADS + 1) as bot:
        answers = fake_slack.hold("chat.postMessage")
        acked: list[int] = []
        first = threading.Thread(
            target=lambda: acked.append(bot.send_event(mention(PRE_VERBAL_QUESTION, user="U0000FRST")).status)
        )
        first.start()
        try:
            fake_slack.wait_for("chat.postMessage")  # the first waits for its answer, which Slack holds
            assert bot.send_event(mention(PRE_VERBAL_QUESTION, user="U0000SCND")).status == 200  # not held
            assert first.is_alive() and acked == []
        finally:
            answers.release()
        first.join(timeout=30)
        assert acked == [200]
        bot.drain()
        assert len(fake_slack.calls_to("chat.postMessage")) == 2


HOLDER = """
import sys, time
from pathlib import Path
from knowledge.records.ledger import DeliveryLedger
from knowledge.records.state import open_state_store
DeliveryLedger(open_state_store(sys.argv[1])).claim(event_id="EvHELD0001", channel="C0000CHAN", ts=sys.argv[2])
print("claimed", flush=True)
time.sleep(120)
"""


def test_a_claim_holds_while_its_process_lives_and_not_after_sigkill(
    kb: KnowledgeBase, fake_slack: FakeSlack, state_location: str | Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = state_location
    event = mention(PRE_VERBAL_QUESTION)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(state), event["ts"]],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "claimed\n"
        with RunningBot(kb, fake_slack, state) as bot:
            caplog.set_level("INFO")
            assert bot.send_event(event, event_id="EvHELD0001", retry=1).status == 200
            assert wait_until(lambda: "Skipped a repeated delivery" in caplog.text)  # the holder is alive
            kill_9(holder)
            assert bot.send_event(event, event_id="EvHELD0001", retry=2).status == 200
            [answer] = fake_slack.wait_for("chat.postMessage")
            assert PRE_VERBAL in posted_text(answer.args)
            assert bot.send_event(event, event_id="EvHELD0001", retry=3).status == 200  # answered now: once only
            bot.drain()
            assert len(fake_slack.calls_to("chat.postMessage")) == 1
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(timeout=10)


def test_a_claim_from_another_machine_lasts_until_its_lease_ends(state_location: str | Path) -> None:
    now = [1_000_000.0]
    state = open_state_store(state_location)
    elsewhere = "another-machine:4026531836/4242/12345/" + "0" * 32
    assert not is_gone(elsewhere)  # it cannot be checked from here
    DeliveryLedger(state, owner=elsewhere, clock=lambda: now[0]).claim(event_id="EvFAR00001")
    here = DeliveryLedger(state, clock=lambda: now[0])
    assert not here.claim(event_id="EvFAR00001")
    now[0] += 121  # past the lease: the other machine never answered
    assert here.claim(event_id="EvFAR00001")
    here.done(event_id="EvFAR00001")
    assert not here.claim(event_id="EvFAR00001")
    assert not is_gone(new_owner())  # this process is alive


# -- 8. the digest -----------------------------------------------------------------------------------------------
def digest_post(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "digest", "post"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.parametrize("slack_got_it", [False, True], ids=["killed before Slack posted", "killed after"])
def test_a_killed_digest_run_does_not_skip_the_week(
    kb_path: Path, fake_slack: FakeSlack, state_location: str | Path, slack_got_it: bool
) -> None:
    env = digest_cli_env(api_url=fake_slack.url, state=state_location, db=kb_path)
    hold = fake_slack.hold("chat.postMessage")
    try:
        killed = digest_post(env)
        fake_slack.wait_for("chat.postMessage")  # claimed, attempt written down, request in flight
        kill_9(killed)
        fake_slack.holds.clear()
        if not slack_got_it:
            fake_slack.posted.clear()  # the request never reached Slack
        rerun = digest_post(env)  # the cron job's next run, well within the old 15-minute lease
        output, _ = rerun.communicate(timeout=60)
        assert rerun.returncode == 0, output
        if slack_got_it:
            assert (
                "CDIGEST: the digest for" in output and "was already in the channel (found, not posted again)" in output
            )
        else:
            assert "CDIGEST: posted the digest for" in output
        assert len(fake_slack.posted["CDIGEST"]) == 1
        assert len(fake_slack.calls_to("conversations.history")) == 1  # the uncertain attempt was looked for first
    finally:
        hold.release()


def test_a_digest_run_that_cannot_connect_says_so_and_the_next_posts(
    kb_path: Path, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    closed = FakeSlack()
    dead_url = closed.url
    closed.server.server_close()
    env = digest_cli_env(api_url=dead_url, state=tmp_path / "state.db", db=kb_path)
    first = digest_post(env)
    output, _ = first.communicate(timeout=60)
    assert first.returncode == 1
    assert "CDIGEST: could not post the digest for" in output
    assert "could not connect to Slack (ConnectionRefusedError)" in output
    assert "not sure whether" not in output
    second = digest_post({**env, "SLACK_API_URL": fake_slack.url})
    output, _ = second.communicate(timeout=60)
    assert second.returncode == 0, output
    assert "CDIGEST: posted the digest for" in output
    assert fake_slack.calls_to("conversations.history") == []  # nothing was "maybe posted"
    assert len(fake_slack.posted["CDIGEST"]) == 1


def test_a_digest_claim_held_on_another_machine_is_reported_with_its_end(
    kb_path: Path, fake_slack: FakeSlack, state_location: str | Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime

    from click.testing import CliRunner

    from bot.cli import cli
    from bot.scheduler import weekly_schedule
    from knowledge.records.digest_log import LEASE_SECONDS, DigestLog

    now = time.time()
    week = weekly_schedule().week_of(datetime.fromtimestamp(now, UTC))
    log = DigestLog(open_state_store(state_location))
    elsewhere = "another-machine:4026531836/4242/12345/" + "0" * 32
    assert log.claim("CDIGEST", week, themes=["voice-of-the-child"], owner=elsewhere, now=now).status == "go"
    for name, value in {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": fake_slack.url,
        "DIGEST_CHANNEL": "CDIGEST",
        "LEARNING_BOT_STATE": str(state_location),
    }.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["--db", str(kb_path), "digest", "post"])
    until = datetime.fromtimestamp(now + LEASE_SECONDS, UTC)
    assert result.exit_code == 1  # a cron job's run is reported: the other machine's run may have died
    assert (
        f"CDIGEST: another run is posting the digest for {week} right now (held by a run on another machine until"
        f" {until:%H:%M} UTC; run again after then if it stopped)"
    ) in result.output
    assert fake_slack.calls_to("chat.postMessage") == []
