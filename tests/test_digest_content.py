"""What a digest holds, as text and as Block Kit: verbatim learning points, data-driven wording, Slack's limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from handlers.digest_blocks import _sections, digest_blocks, digest_message
from handlers.slack_text import BLOCK_LIMIT, TEXT_LIMIT, escape
from knowledge.base import AuditRef, KnowledgeBase, NotFoundError
from knowledge.digest import AuditPoints, Digest, Point, build_digest, digest_text

from .digesting import _no_digest_env  # noqa: F401 (autouse fixture)

PRE_VERBAL = "Specific consideration should be given to evidencing the child's lived experience for pre-verbal"


def all_themes(kb: KnowledgeBase) -> list[str]:
    return [theme.id for theme in kb.themes()]


def texts_of(blocks: list[dict]) -> list[str]:
    found = []
    for block in blocks:
        if "text" in block:
            found.append(block["text"]["text"])
        for element in block.get("elements", []):
            text = element["text"]
            found.append(text["text"] if isinstance(text, dict) else text)  # a button's label is a text object
    return found


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_a_digest_quotes_the_themes_learning_points_verbatim(kb: KnowledgeBase) -> None:
    for theme_id in all_themes(kb):
        digest = build_digest(kb, theme_id)
        items = [item for item in kb.theme_items(theme_id) if item.kind in ("finding", "recommendation")]
        assert sorted(digest.texts()) == sorted(item.text for item in items), theme_id
        theme = kb.theme(theme_id)
        assert digest.why_it_matters == theme["why_it_matters"]
        assert digest.questions == tuple(theme["discussion_questions"])
        assert 2 <= len(digest.questions) <= 3


def test_findings_and_recommendations_carry_their_audit_and_agencies(kb: KnowledgeBase) -> None:
    digest = build_digest(kb, "voice-of-the-child")
    audits = [group.audit.title for group in digest.findings]
    assert len(audits) == len(set(audits)) >= 2
    completed = [group.audit.completed for group in digest.findings]
    assert completed == sorted(completed)
    recommendation = next(
        point for group in digest.recommendations for point in group.points if point.text.startswith(PRE_VERBAL)
    )
    assert recommendation.agencies == ("All agencies",)
    group = next(group for group in digest.recommendations if recommendation in group.points)
    assert group.audit.title.startswith("Families with Multiple Needs")


def test_acronyms_used_are_expanded(kb: KnowledgeBase) -> None:
    digest = build_digest(kb, "early-help")
    acronyms = dict(digest.acronyms)
    assert acronyms["CAF"] == "Common Assessment Framework"
    assert acronyms["TAC"] == "Team Around the Child"


def test_unknown_theme_is_not_found(kb: KnowledgeBase) -> None:
    with pytest.raises(NotFoundError):
        build_digest(kb, "no-such-theme")


def test_text_reads_every_point_verbatim_once_unwrapped(kb: KnowledgeBase) -> None:
    for theme_id in all_themes(kb):
        digest = build_digest(kb, theme_id)
        flat = " ".join(line.strip() for line in digest_text(digest, week="2026-W48").splitlines())
        for text in digest.texts():
            assert text in flat, (theme_id, text[:60])
        assert digest.name in flat and "Questions for your team" in flat


def test_every_themes_blocks_fit_slacks_limits_and_quote_verbatim(kb: KnowledgeBase) -> None:
    for theme_id in all_themes(kb):
        digest = build_digest(kb, theme_id)
        text, blocks = digest_message(digest, "2026-W48")
        assert text == f"Learning theme of the week: {digest.name}"
        assert len(blocks) <= BLOCK_LIMIT
        assert blocks[0]["type"] == "header" and len(blocks[0]["text"]["text"]) <= 150
        texts = texts_of(blocks)
        assert all(len(part) <= TEXT_LIMIT for part in texts)
        joined = unescape("\n".join(texts))
        for point in digest.texts():
            assert point in joined, (theme_id, point[:60])
        assert digest.why_it_matters in joined
        for question in digest.questions:
            assert question in joined
        json.dumps(blocks)  # plain JSON for chat.postMessage


def test_mrkdwn_is_escaped_so_data_can_never_ping() -> None:
    audit = AuditRef("a", "Audit <one> & two", "2016-08", "August 2016")
    digest = Digest(
        theme_id="t",
        name="Theme <!channel>",
        why_it_matters="Why <!here> & <@U123>",
        findings=(AuditPoints(audit, (Point("p1", "Finding with <!everyone> & more", ("Police",)),)),),
        recommendations=(),
        questions=("Ask <@U999>?",),
        acronyms=(),
    )
    blocks = [block.to_dict() for block in digest_blocks(digest, week="2026-W48")]
    body = "\n".join(texts_of(blocks[1:]))  # the header is plain_text, which Slack never parses for mentions
    assert "<!" not in body and "<@" not in body
    assert "&lt;!everyone&gt; &amp; more" in body
    assert escape("a & <b>") == "a &amp; &lt;b&gt;"


def test_long_text_is_split_between_words_within_the_limit() -> None:
    words = " ".join(f"word{n}" for n in range(2000))  # about 15,000 characters
    blocks = [block.to_dict() for block in _sections(["*Heading*", words])]
    parts = [block["text"]["text"] for block in blocks]
    assert all(len(part) <= TEXT_LIMIT for part in parts)
    assert " ".join(" ".join(parts).split()) == "*Heading* " + words


def test_a_huge_digest_stays_within_fifty_blocks_and_says_so() -> None:
    groups = tuple(
        AuditPoints(AuditRef(f"a{n}", f"Audit {n}", "2016-08", "August 2016"), (Point(f"p{n}", "x " * 1400, ()),))
        for n in range(60)
    )
    digest = Digest("t", "T", "Why", groups, (), ("Q?",), ())
    blocks = [block.to_dict() for block in digest_blocks(digest)]
    assert len(blocks) == BLOCK_LIMIT
    assert "did not fit" in blocks[-1]["elements"][0]["text"]


def run_cli(*args: str, db: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_preview_prints_the_next_post_without_slack(kb_path: Path, kb: KnowledgeBase) -> None:
    code, out, _ = run_cli("digest", "preview", db=kb_path)
    assert code == 0
    first = kb.themes()[0]
    assert out.startswith("Next digest: ")
    assert "Mondays at 09:00 (Europe/London)" in out
    assert "no channel (DIGEST_CHANNEL is not set)" in out
    assert f"Learning theme of the week: {first.name}" in out


def test_preview_takes_a_theme_with_typos(kb_path: Path) -> None:
    code, out, _ = run_cli("digest", "preview", "--theme", "disguised complience", db=kb_path)
    assert code == 0
    assert "Learning theme of the week: Disguised compliance" in out
    assert "Elements of disguised compliance were evident in all cases." in out


def test_preview_of_an_unknown_theme_lists_the_themes(kb_path: Path) -> None:
    code, out, err = run_cli("digest", "preview", "--theme", "astrophysics", db=kb_path)
    assert code == 2
    assert out == ""
    assert "No theme with learning points called 'astrophysics'." in err
    assert "voice-of-the-child" in err


def test_preview_reports_bad_settings_by_name(kb_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGEST_DAY", "someday")
    result = CliRunner().invoke(cli, ["--db", str(kb_path), "digest", "preview"])
    assert result.exit_code == 1
    assert "DIGEST_DAY: Value error, digest day 'someday' is not a day of the week" in result.stderr


def test_every_digest_is_a_seven_minute_briefing(kb: KnowledgeBase) -> None:
    """Reading takes at most five minutes, leaving two for the team's two or three reflective questions."""
    for theme_id in all_themes(kb):
        digest = build_digest(kb, theme_id)
        assert 1 <= digest.reading_minutes <= 5, theme_id
        assert 2 <= len(digest.questions) <= 3, theme_id
        _, blocks = digest_message(digest, "2026-W48")
        about = blocks[1]["elements"][0]["text"]
        assert about.startswith("7-minute briefing · 2026-W48 · ")
        assert about.endswith(f"about {digest.reading_minutes} min to read")
        joined = unescape("\n".join(texts_of(blocks)))
        headings = ["*Why it matters*", "*What the audits found*", "*What agencies are asked to do*"]
        present = [heading for heading in headings if heading in joined]
        assert [joined.index(h) for h in present] == sorted(joined.index(h) for h in present)
        assert joined.index("*Questions for your team*") > max(joined.index(h) for h in present)


def test_reading_time_counts_the_words_read() -> None:
    ref = AuditRef("a", "An audit", "2017-02", "February 2017")
    long = Digest(
        "t", "T", "word " * 150, (AuditPoints(ref, (Point("i", "word " * 300, ("Police",)),)),), (), ("Q1?", "Q2?"), ()
    )
    assert long.reading_minutes == 3  # 452 words at 200 a minute, rounded up
    short = Digest("t", "T", "Why.", (), (), ("Q1?", "Q2?"), ())
    assert short.reading_minutes == 1


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        (["Only one?"], "Tuple should have at least 2 items after validation, not 1"),
        (["One?", "Two?", "Three?", "Four?"], "Tuple should have at most 3 items after validation, not 4"),
    ],
)
def test_a_theme_needs_two_or_three_reflective_questions(tmp_path: Path, questions: list[str], message: str) -> None:
    import shutil

    import yaml

    from knowledge.loading import DataError, bundled_data_dir, load_knowledge

    data = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), data)
    path = data / "themes.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["themes"][0]["discussion_questions"] = questions
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_knowledge(data)
    assert caught.value.lines == [f"{path}: theme voice-of-the-child: discussion_questions: {message}"]
