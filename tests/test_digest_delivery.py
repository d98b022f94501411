"""Exactly one post per channel per ISO week, against the local fake Slack: missed slots, repeated runs, racing
processes, the crash window, rate limits and channels the bot cannot post to."""

from __future__ import annotations

import logging
import multiprocessing
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.slack_poster import SlackPoster
from knowledge.base import KnowledgeBase
from knowledge.records.digest_log import LEASE_SECONDS

from .digesting import (
    ADMINS,
    MONDAY_SLOT,
    TOKEN,
    WEEK,
    Sleeps,
    _no_digest_env,  # noqa: F401 (autouse fixture)
    digest_cli_env,
    make_digests,
    utc,
)
from .fakeslack import FakeSlack


def posts_to(fake: FakeSlack, channel: str) -> list[dict]:
    return [call.args for call in fake.calls_to("chat.postMessage") if call.args.get("channel") == channel]


def test_the_due_run_posts_once_with_blocks_and_metadata(
    kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path, state_location: str | Path
):
    digests = make_digests(kb, state_location, fake_slack.url)
    [outcome] = digests.run_due(MONDAY_SLOT)
    assert (outcome.status, outcome.week, outcome.theme) == ("posted", WEEK, kb.themes()[0].id)
    [post] = posts_to(fake_slack, "CDIGEST")
    assert post["metadata"] == {
        "event_type": "learning_digest",
        "event_payload": {"week": WEEK, "theme": outcome.theme},
    }
    assert post["blocks"][0]["type"] == "header"
    assert post["text"] == f"Learning theme of the week: {kb.themes()[0].name}"
    assert outcome.ts == fake_slack.posted["CDIGEST"][0]["ts"]
    assert digests.plan(WEEK).sent == {"CDIGEST": outcome.ts}


def test_two_runs_in_one_week_post_once(
    kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path, state_location: str | Path
) -> None:
    digests = make_digests(kb, state_location, fake_slack.url)
    assert [o.status for o in digests.run_due(MONDAY_SLOT)] == ["posted"]
    assert [o.status for o in digests.run_due(MONDAY_SLOT + timedelta(hours=3))] == ["sent"]
    restarted = make_digests(kb, state_location, fake_slack.url)
    assert [o.status for o in restarted.run_due(MONDAY_SLOT + timedelta(days=2))] == ["sent"]
    assert [o.status for o in restarted.post_current(MONDAY_SLOT + timedelta(days=4))] == ["sent"]
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_nothing_is_posted_before_the_slot(
    kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path, state_location: str | Path
) -> None:
    digests = make_digests(kb, state_location, fake_slack.url)
    assert digests.run_due(MONDAY_SLOT - timedelta(minutes=1)) == []
    assert fake_slack.calls == []


def test_a_missed_slot_is_posted_late_once(
    kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path, state_location: str | Path
) -> None:
    # The bot was down all Monday; it comes back on Wednesday afternoon and catches up every 15 minutes.
    wednesday = MONDAY_SLOT + timedelta(days=2, hours=6)
    digests = make_digests(kb, state_location, fake_slack.url)
    assert digests.upcoming(wednesday).late
    statuses = [o.status for n in range(8) for o in digests.run_due(wednesday + timedelta(minutes=15 * n))]
    assert statuses == ["posted"] + ["sent"] * 7
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert digests.upcoming(wednesday).week == "2026-W49"


def test_a_week_missed_entirely_is_not_posted_the_next_week(
    kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path, state_location: str | Path
) -> None:
    digests = make_digests(kb, state_location, fake_slack.url)
    next_monday_early = MONDAY_SLOT + timedelta(days=7, hours=-2)
    assert digests.run_due(next_monday_early) == []
    [outcome] = digests.run_due(MONDAY_SLOT + timedelta(days=7))
    assert (outcome.week, outcome.theme) == ("2026-W49", kb.themes()[0].id)  # the rotation did not lose a theme


def test_the_rotation_moves_on_each_week_and_across_restarts(
    kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path, state_location: str | Path
) -> None:
    themes = [theme.id for theme in kb.themes()]
    posted = []
    for week in range(4):
        digests = make_digests(kb, state_location, fake_slack.url)  # a restart every week
        [outcome] = digests.run_due(MONDAY_SLOT + timedelta(days=7 * week))
        posted.append(outcome.theme)
    assert posted == themes[:4]
    assert [call.args["metadata"]["event_payload"]["theme"] for call in fake_slack.calls_to("chat.postMessage")] == (
        themes[:4]
    )


def test_several_channels_each_get_one_post(
    kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path, state_location: str | Path
) -> None:
    digests = make_digests(kb, state_location, fake_slack.url, channels=("CONE", "CTWO"))
    assert [o.status for o in digests.run_due(MONDAY_SLOT)] == ["posted", "posted"]
    assert [o.status for o in digests.run_due(MONDAY_SLOT)] == ["sent", "sent"]
    assert len(posts_to(fake_slack, "CONE")) == len(posts_to(fake_slack, "CTWO")) == 1


def test_a_429_is_retried_after_retry_after(
    kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path, state_location: str | Path
) -> None:
    sleeps = Sleeps()
    fake_slack.queue("chat.postMessage", status=429, Retry_After="7")
    digests = make_digests(kb, state_location, fake_slack.url, sleep=sleeps)
    [outcome] = digests.run_due(MONDAY_SLOT)
    assert outcome.status == "posted"
    assert sleeps == [7.0]
    assert len(fake_slack.calls_to("chat.postMessage")) == 2
    assert len(fake_slack.posted["CDIGEST"]) == 1


def test_persistent_429s_give_up_for_now_and_record_nothing(
    kb: KnowledgeBase, fake_slack: FakeSlack, tmp_path: Path, state_location: str | Path
) -> None:
    sleeps = Sleeps()
    for _ in range(4):
        fake_slack.queue("chat.postMessage", status=429, Retry_After="2")
    digests = make_digests(kb, state_location, fake_slack.url, sleep=sleeps)
    [outcome] = digests.run_due(MONDAY_SLOT)
    assert (outcome.status, outcome.error) == ("failed", "ratelimited")
    assert sleeps == [2.0, 2.0, 2.0]
    assert digests.plan(WEEK).sent == {}
    # The next catch-up run after Retry-After posts it.
    assert [o.status for o in digests.run_due(MONDAY_SLOT + timedelta(minutes=15))] == ["posted"]


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel"])
def test_a_channel_the_bot_cannot_post_to_is_not_recorded_and_admins_are_told_once(
    kb: KnowledgeBase,
    fake_slack: FakeSlack,
    tmp_path: Path,
    state_location: str | Path,
    caplog: pytest.LogCaptureFixture,
    error: str,
) -> None:
    caplog.set_level(logging.INFO)
    fake_slack.queue("chat.postMessage", body={"ok": False, "error": error})
    digests = make_digests(kb, state_location, fake_slack.url)
    [outcome] = digests.run_due(MONDAY_SLOT)
    assert (outcome.status, outcome.error) == ("failed", error)
    assert digests.plan(WEEK).sent == {}
    assert digests.plan(WEEK).failed == {"CDIGEST": error}
    for admin in ADMINS:
        [dm] = posts_to(fake_slack, admin)
        assert f"could not post the weekly learning digest for {WEEK} to <#CDIGEST>: `{error}`" in dm["text"]
    assert f"Slack refused the post to channel CDIGEST: {error}" in caplog.text
    assert TOKEN not in caplog.text
    # The scheduled catch-up waits an hour before trying again; the admins are not told twice about one error.
    fake_slack.queue("chat.postMessage", body={"ok": False, "error": error})
    assert [o.status for o in digests.run_due(MONDAY_SLOT + timedelta(minutes=15))] == ["deferred"]
    assert [o.status for o in digests.run_due(MONDAY_SLOT + timedelta(minutes=61))] == ["failed"]
    assert all(len(posts_to(fake_slack, admin)) == 1 for admin in ADMINS)
    # Once the bot is invited, an admin's `/digest post` (forced) posts it.
    assert [o.status for o in digests.post_current(MONDAY_SLOT + timedelta(minutes=62))] == ["posted"]
    assert list(digests.plan(WEEK).sent) == ["CDIGEST"]


def test_the_crash_after_slack_accepted_is_found_by_metadata_not_posted_again(
    kb: KnowledgeBase,
    fake_slack: FakeSlack,
    tmp_path: Path,
    state_location: str | Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Real wall-clock time here: the fake server stamps messages with it, and the lookup starts at the attempt.
    start = datetime.now(UTC)
    digests = make_digests(kb, state_location, fake_slack.url)

    def crash(*args: object, **kwargs: object) -> None:
        raise SystemExit("killed between Slack's answer and the database write")

    monkeypatch.setattr(digests.log, "record_sent", crash)
    with pytest.raises(SystemExit):
        digests.post(WEEK, now=start, force=False)
    assert len(fake_slack.posted["CDIGEST"]) == 1
    ts = fake_slack.posted["CDIGEST"][0]["ts"]

    # A restart within the lease leaves it alone (the first run might still be alive)...
    restarted = make_digests(kb, state_location, fake_slack.url)
    assert [o.status for o in restarted.post(WEEK, now=start + timedelta(minutes=1), force=False)] == ["busy"]
    # ...after it, the next run looks in the channel's history, finds the post by its metadata and records it.
    later = start + timedelta(seconds=LEASE_SECONDS + 1)
    [outcome] = restarted.post(WEEK, now=later, force=False)
    assert (outcome.status, outcome.ts) == ("found", ts)
    [history] = fake_slack.calls_to("conversations.history")
    assert history.args["channel"] == "CDIGEST"
    assert float(history.args["oldest"]) <= float(ts)
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert restarted.plan(WEEK).sent == {"CDIGEST": ts}
    assert [o.status for o in restarted.post(WEEK, now=later, force=True)] == ["sent"]


def test_the_crash_before_slack_got_it_is_posted_by_the_next_run(
    kb: KnowledgeBase,
    fake_slack: FakeSlack,
    tmp_path: Path,
    state_location: str | Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    start = datetime.now(UTC)
    digests = make_digests(kb, state_location, fake_slack.url)

    def crash(**kwargs: object) -> None:
        raise SystemExit("killed after writing down the attempt, before the request left")

    assert isinstance(digests.poster, SlackPoster)
    monkeypatch.setattr(digests.poster.client, "chat_postMessage", crash)
    with pytest.raises(SystemExit):
        digests.post(WEEK, now=start, force=False)
    assert fake_slack.calls_to("chat.postMessage") == []

    restarted = make_digests(kb, state_location, fake_slack.url)
    [outcome] = restarted.post(WEEK, now=start + timedelta(seconds=LEASE_SECONDS + 1), force=False)
    assert outcome.status == "posted"
    assert len(fake_slack.calls_to("conversations.history")) == 1  # it looked first, found nothing
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_a_refused_connection_sent_nothing_and_is_simply_tried_again(
    kb: KnowledgeBase, fake_slack: FakeSlack, state_location: str | Path
) -> None:
    # Nothing listens on this port: the connection is refused, so the request certainly never reached Slack.
    closed = FakeSlack()
    dead_url = closed.url
    closed.server.server_close()
    start = datetime.now(UTC)
    [outcome] = make_digests(kb, state_location, dead_url).post(WEEK, now=start, force=False)
    assert (outcome.status, outcome.error) == ("failed", "could not connect to Slack (ConnectionRefusedError)")
    digests = make_digests(kb, state_location, fake_slack.url)
    assert digests.plan(WEEK).sent == {}
    assert [o.status for o in digests.post(WEEK, now=start + timedelta(minutes=1), force=False)] == ["deferred"]
    assert [o.status for o in digests.post(WEEK, now=start + timedelta(minutes=6), force=False)] == ["posted"]
    assert fake_slack.calls_to("conversations.history") == []  # not "maybe posted": no need to look
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_no_answer_from_slack_is_checked_before_posting_again(
    kb: KnowledgeBase, fake_slack: FakeSlack, state_location: str | Path
) -> None:
    # This port accepts the connection (the kernel's backlog) and never answers: the request may have arrived.
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        start = datetime.now(UTC)
        digests = make_digests(kb, state_location, f"http://127.0.0.1:{silent.getsockname()[1]}/api/")
        assert isinstance(digests.poster, SlackPoster)
        digests.poster.client.timeout = 1
        [outcome] = digests.post(WEEK, now=start, force=False)
    assert outcome.status == "uncertain"
    digests = make_digests(kb, state_location, fake_slack.url)
    assert [o.status for o in digests.post(WEEK, now=start + timedelta(minutes=1), force=False)] == ["deferred"]
    assert [o.status for o in digests.post(WEEK, now=start + timedelta(minutes=6), force=False)] == ["posted"]
    assert len(fake_slack.calls_to("conversations.history")) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_unreadable_history_after_an_uncertain_attempt_posts_nothing_and_tells_admins(
    kb: KnowledgeBase,
    fake_slack: FakeSlack,
    tmp_path: Path,
    state_location: str | Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    start = datetime.now(UTC)
    digests = make_digests(kb, state_location, fake_slack.url)
    monkeypatch.setattr(digests.log, "record_sent", lambda *a, **k: (_ for _ in ()).throw(SystemExit()))
    with pytest.raises(SystemExit):
        digests.post(WEEK, now=start, force=False)
    fake_slack.queue("conversations.history", body={"ok": False, "error": "missing_scope"})
    restarted = make_digests(kb, state_location, fake_slack.url)
    [outcome] = restarted.post(WEEK, now=start + timedelta(seconds=LEASE_SECONDS + 1), force=True)
    assert (outcome.status, outcome.error) == ("uncertain", "missing_scope")
    assert len(posts_to(fake_slack, "CDIGEST")) == 1
    for admin in ADMINS:
        [dm] = posts_to(fake_slack, admin)
        assert "could not check whether the learning digest" in dm["text"]


def race_worker(
    state_path: str, kb_path: str, url: str, now: float, barrier: multiprocessing.synchronize.Barrier, results
) -> None:
    from tests.digesting import make_digests as build

    digests = build(KnowledgeBase(Path(kb_path)), Path(state_path), url)
    barrier.wait(timeout=30)
    outcomes = digests.post(WEEK, now=datetime.fromtimestamp(now, UTC), force=False)
    results.put([outcome.status for outcome in outcomes])


def test_processes_racing_on_one_state_file_post_once(
    kb_path: Path, fake_slack: FakeSlack, tmp_path: Path, state_location: str | Path
) -> None:
    context = multiprocessing.get_context("spawn")
    workers = 4
    barrier = context.Barrier(workers)
    results = context.Queue()
    processes = [
        context.Process(
            target=race_worker,
            args=(str(state_location), str(kb_path), fake_slack.url, MONDAY_SLOT.timestamp(), barrier, results),
        )
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    statuses = sorted(status for _ in processes for status in results.get(timeout=60))
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    assert statuses.count("posted") == 1
    assert set(statuses) <= {"posted", "busy", "sent"}
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_two_cli_runs_at_once_post_once(
    kb_path: Path, fake_slack: FakeSlack, tmp_path: Path, state_location: str | Path
) -> None:
    env = digest_cli_env(api_url=fake_slack.url, state=state_location, db=kb_path)
    command = [sys.executable, "-m", "bot", "digest", "post"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in "ab"]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    said = " ".join(out for out, _ in outputs)
    assert said.count("CDIGEST: posted the digest for") == 1
    assert TOKEN not in said + " ".join(err for _, err in outputs)


def test_cli_post_names_what_is_missing(kb_path: Path) -> None:
    from click.testing import CliRunner

    from bot.cli import cli

    result = CliRunner().invoke(cli, ["--db", str(kb_path), "digest", "post"])
    assert result.exit_code == 1
    assert "set SLACK_BOT_TOKEN and DIGEST_CHANNEL to post the digest" in result.stderr


def test_cli_post_fails_loudly_for_an_unknown_channel(
    kb_path: Path, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from bot.cli import cli

    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_API_URL", fake_slack.url)
    monkeypatch.setenv("DIGEST_CHANNEL", "CNOWHERE")
    fake_slack.queue("chat.postMessage", body={"ok": False, "error": "channel_not_found"})
    result = CliRunner().invoke(cli, ["--db", str(kb_path), "digest", "post"])
    assert result.exit_code == 1
    assert "CNOWHERE: could not post the digest for" in result.stdout
    assert "channel_not_found" in result.stdout
    assert fake_slack.posted.get("CNOWHERE") is None


def test_utc_helper() -> None:
    assert utc(2026, 1, 1).tzinfo is UTC
