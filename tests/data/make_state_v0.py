"""Make tests/data/state-v0.db: a state database written by release 55e8768, before numbered migrations.

Run with that release's code first on the path (it is kept here so the fixture can be made again):

    git worktree add /tmp/old 55e8768
    PYTHONPATH=/tmp/old python tests/data/make_state_v0.py tests/data/state-v0.db

Every kind of record is written through the old release's own API: deliveries, digest weeks, posts (sent,
failed, in flight) and an admin's choice, answers with their learning points and votes, and questions asked.
The times are fixed, so the file is the same each time it is made.
"""

from __future__ import annotations

import sys
from pathlib import Path

from knowledge.records.digest_log import DigestLog
from knowledge.records.feedback import FeedbackLog
from knowledge.records.insights import QuestionLog
from knowledge.records.ledger import DeliveryLedger
from knowledge.records.state import StateStore

T0 = 1_795_000_000.0  # Monday 18 November 2026 (UTC), about 08:26


def main(path: Path) -> None:
    if path.exists():
        sys.exit(f"{path} exists; remove it first")
    state = StateStore(path)

    ledger = DeliveryLedger(state, clock=lambda: T0)
    assert ledger.claim(event_id="Ev0001", channel="C0000CHAN", ts="1795000000.000100")
    assert ledger.claim(event_id="Ev0002")
    assert ledger.claim_key("action:C0000CHAN:1795000001.000200:more")

    digests = DigestLog(state)
    themes = ["voice-of-the-child", "neglect", "cse"]
    go = digests.claim("CDIGEST", "2026-W47", themes=themes, owner="run-a", now=T0)
    assert go.status == "go"
    assert digests.begin_attempt("CDIGEST", "2026-W47", owner="run-a", now=T0 + 1)
    digests.record_sent("CDIGEST", "2026-W47", ts="1795000002.000300", now=T0 + 2)
    assert digests.claim("CSECOND", "2026-W47", themes=themes, owner="run-a", now=T0 + 3).status == "go"
    digests.record_failure("CSECOND", "2026-W47", owner="run-a", error="not_in_channel", retry_at=T0 + 3603)
    assert digests.claim("CTHIRD", "2026-W47", themes=themes, owner="run-b", now=T0 + 4).status == "go"
    assert digests.begin_attempt("CTHIRD", "2026-W47", owner="run-b", now=T0 + 5)  # crashed: outcome unknown
    digests.skip("2026-W48", by="UADMIN1", now=T0 + 6)
    digests.choose_next("cse", by="UADMIN1", now=T0 + 7)

    feedback = FeedbackLog(state)
    first = feedback.record_answer(["ey-f7", "ey-r2", "dv-f1"], at=T0 + 10)
    second = feedback.record_answer(["cse-f3"], at=T0 + 20)
    empty = feedback.record_answer([], at=T0 + 30)
    feedback.record_vote(first, "U0000USER", "helpful", at=T0 + 40)
    feedback.record_vote(first, "U0000OTHER", "not_helpful", at=T0 + 41)
    feedback.record_vote(first, "U0000OTHER", "helpful", at=T0 + 42)  # a changed vote
    feedback.record_vote(second, "U0000USER", "not_helpful", at=T0 + 43)
    feedback.record_vote(empty, "U0000USER", "not_helpful", at=T0 + 44)

    questions = QuestionLog(state)
    questions.record_counts(themes=["voice-of-the-child"], agencies=["health"], found=True, results=7, at=T0 + 50)
    questions.record_counts(themes=["neglect", "cse"], agencies=[], found=True, results=3, at=T0 + 7200)
    questions.record_counts(themes=[], agencies=[], found=False, results=0, at=T0 + 90_000)

    # Leave one self-contained file: fold the write-ahead log into it.
    state.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    state.conn.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
