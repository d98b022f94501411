"""The `learning-bot` command line: a thin click layer over `knowledge/` (and, for `serve`, the Slack app).

Slack libraries are imported only by the commands that need them, so `ask` starts fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from knowledge import formatting, serialising
from knowledge.base import KnowledgeBase
from knowledge.loading import DataError, load_knowledge
from knowledge.records.state import StateDatabaseError
from knowledge.search.semantic import SemanticUnavailableError
from knowledge.store import BuildError, build
from knowledge.text import MAX_QUESTION_CHARS, clip

if TYPE_CHECKING:
    from bot.settings import Settings
    from knowledge.live import LiveKnowledge
    from knowledge.records.state import StateStore
    from knowledge.workspaces import Workspaces


class Context:
    """The settings (read once, from the environment and `.env`), with the options that override them, and
    the knowledge base opened on first use."""

    def __init__(self, settings: Settings, *, db: Path | None, data: Path | None) -> None:
        self.settings = settings
        self.db_path = db or settings.learning_bot_db
        self.data_dir = data or settings.learning_bot_data
        self._kb: KnowledgeBase | None = None

    def kb(self) -> KnowledgeBase:
        if self._kb is None:
            try:
                self._kb = KnowledgeBase.open(
                    self.db_path, data_dir=self.data_dir, semantic=self.settings.semantic_search
                )
            except DataError as exc:
                fail_data(exc)
            except (BuildError, SemanticUnavailableError) as exc:
                raise click.ClickException(str(exc)) from exc
        return self._kb

    def served(self, settings: Settings) -> LiveKnowledge | Workspaces:
        """What `serve` answers from: the knowledge, or with WORKSPACE_DATA each workspace's own knowledge.

        A workspace's data folder is built to its own database beside LEARNING_BOT_DB (`knowledge-T123.db`).
        """
        from knowledge.workspaces import Workspaces

        default = self.live(settings)
        if not settings.workspace_data:
            return default
        by_team = {
            team: self.live(settings, db_path=self.db_path.with_name(f"knowledge-{team}.db"), data_dir=folder)
            for team, folder in settings.workspace_data
        }
        return Workspaces(default, by_team)

    def live(self, settings: Settings, *, db_path: Path | None = None, data_dir: Path | None = None) -> LiveKnowledge:
        """The knowledge base for a long-running bot: built if needed, then followed as it is rebuilt."""
        from knowledge.live import LiveKnowledge, SnapshotError
        from knowledge.store import ensure_database

        data_dir = data_dir or self.data_dir
        try:
            path = ensure_database(db_path or self.db_path, data_dir=data_dir)
            return LiveKnowledge(
                path,
                data_dir=data_dir,
                rebuild=settings.knowledge_rebuild,
                check_every=settings.knowledge_check_seconds,
                # Each build gets its own semantic layer (its passage embeddings are of that build's texts).
                opener=partial(KnowledgeBase, semantic=settings.semantic_search),
            )
        except DataError as exc:
            fail_data(exc)
            raise
        except (BuildError, SnapshotError, SemanticUnavailableError) as exc:
            raise click.ClickException(str(exc)) from exc


def fail_data(exc: DataError) -> None:
    for line in exc.lines:
        click.echo(line, err=True)
    click.echo(f"{len(exc.lines)} problem(s) in the data files; nothing was built.", err=True)
    sys.exit(1)


pass_context = click.make_pass_decorator(Context)
GLOBAL_OPTIONS = ("--db", "--data")


class LearningBot(click.Group):
    """The command group: global options accepted after the subcommand too, and one-line errors for databases
    that cannot be opened (never a traceback)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, global_options_first(args))

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except StateDatabaseError as exc:
            raise click.ClickException(str(exc)) from None


def global_options_first(args: list[str]) -> list[str]:
    """Move `--db X` / `--data X` (or `--db=X`) found after the subcommand to the front, as people type them
    ("learning-bot ask 'question' --db k.db"). Nothing after a `--` is touched."""
    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest += args[index:]
            break
        if arg in GLOBAL_OPTIONS and index + 1 < len(args):
            front += args[index : index + 2]
            index += 2
            continue
        if arg.split("=", 1)[0] in GLOBAL_OPTIONS and "=" in arg:
            front.append(arg)
        else:
            rest.append(arg)
        index += 1
    return front + rest


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


def show(as_json: bool, value: object, text: Callable[[], str]) -> None:
    """Print `value` as JSON with --json, else the text `text()` writes."""
    click.echo(serialising.dumps(value) if as_json else text())


@click.group(cls=LearningBot, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Knowledge database file (default: LEARNING_BOT_DB, else a per-user data directory).",
)
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    help="Data directory with the YAML files (default: LEARNING_BOT_DATA, else the bundled data).",
)
@click.version_option(package_name="safeguarding-learning-bot")
@click.pass_context
def cli(ctx: click.Context, db: Path | None, data: Path | None) -> None:
    """The audit-learning bot: a safeguarding board's multi-agency audit learning, where practitioners ask.

    Settings come from the environment and from a `.env` file in the current directory (see the README);
    options given here override them.
    """
    ctx.obj = Context(settings_or_exit(), db=db, data=data)


@cli.command("check")
@click.option("--strict", is_flag=True, help='Also fail while audit files keep "# suggested: confirm" marks.')
@pass_context
def check_command(ctx: Context, strict: bool) -> None:
    """Validate every data file without building; print each problem as `file: record: field: message`."""
    try:
        knowledge = load_knowledge(ctx.data_dir)
    except DataError as exc:
        fail_data(exc)
    if strict:
        from knowledge.authoring.drafts import review_marks
        from knowledge.loading import AUDITS_DIR

        if marks := review_marks(sorted((ctx.data_dir / AUDITS_DIR).glob("*.yaml"))):
            click.echo("\n".join([*marks, f"{len(marks)} suggestion(s) not yet confirmed (--strict)."]), err=True)
            sys.exit(1)
    click.echo(
        f"OK: {len(knowledge.audits)} audits, {len(knowledge.items)} items, {len(knowledge.agencies)} agencies,"
        f" {len(knowledge.themes)} themes, {len(knowledge.glossary)} glossary terms,"
        f" {len(knowledge.thesaurus)} thesaurus entries ({ctx.data_dir})"
    )


@cli.command("build")
@pass_context
def build_command(ctx: Context) -> None:
    """Build the knowledge database from the data files (atomically: a failed build keeps the old one)."""
    try:
        knowledge = build(ctx.db_path, data_dir=ctx.data_dir)
    except DataError as exc:
        fail_data(exc)
    except BuildError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Built {ctx.db_path}: {len(knowledge.audits)} audits, {len(knowledge.items)} items.")


@cli.command("ask")
@click.argument("question")
@json_option
@click.option("--limit", type=click.IntRange(1, 50), default=5, show_default=True, help="Most results to show.")
@click.option("--explain", is_flag=True, help="Show why each result matched and how it was scored.")
@pass_context
def ask_command(ctx: Context, question: str, as_json: bool, limit: int, explain: bool) -> None:
    """Answer QUESTION with the best-matching learning points and the audits they come from."""
    kb = ctx.kb()
    answer = kb.ask(question, limit=limit, explain=explain)
    show(as_json, answer, lambda: formatting.answer_text(answer, kb, explain=explain))


@cli.command("recommendations")
@click.argument("agency", required=False, default="")
@json_option
@pass_context
def recommendations_command(ctx: Context, agency: str, as_json: bool) -> None:
    """List what the audits address to AGENCY, then to all agencies (name, alias or acronym; typos are fine).

    Without AGENCY, list the agencies. Bullets worded as observations are marked [learning point].
    """
    kb = ctx.kb()
    agency = agency[:MAX_QUESTION_CHARS]  # cut to length first, as `ask` does
    agency_id = kb.resolve_agency(agency) if agency.strip() else None
    if agency_id is None:
        agencies = kb.agencies()
        if agency.strip() and not as_json:
            click.echo(f"No agency called {clip(agency)!r}.")
        show(as_json, serialising.agencies_json(clip(agency), agencies), lambda: formatting.agencies_text(agencies))
        if agency.strip():
            sys.exit(2)
        return
    recommendations = kb.recommendations(agency_id)
    show(as_json, recommendations, lambda: formatting.recommendations_text(recommendations))


@cli.command("themes")
@json_option
@pass_context
def themes_command(ctx: Context, as_json: bool) -> None:
    """List the learning themes and how many learning points each has."""
    themes = ctx.kb().themes()
    show(as_json, themes, lambda: formatting.themes_text(themes))


@cli.command("audits")
@json_option
@pass_context
def audits_command(ctx: Context, as_json: bool) -> None:
    """List the audits: title, month completed, cases audited, business-plan priority."""
    audits = ctx.kb().audits()
    show(as_json, audits, lambda: formatting.audits_text(audits))


@cli.command("glossary")
@click.argument("term", required=False, default="")
@json_option
@pass_context
def glossary_command(ctx: Context, term: str, as_json: bool) -> None:
    """Explain an acronym or term of art (all of them without TERM)."""
    entries = ctx.kb().glossary(term)
    if not entries and not as_json:
        click.echo(f"No glossary entry for {clip(term)!r}. Run `learning-bot glossary` for the full list.")
        sys.exit(2)
    show(as_json, entries, lambda: formatting.glossary_text(entries, term=term))


@cli.command("ingest")
@click.argument("report", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the drafts (default: the audits/ folder of the data directory).",
)
@click.option("--force", is_flag=True, help="Replace audit files that already exist (default: refuse, write nothing).")
@click.option("--dry-run", is_flag=True, help="Report what would be written, and write nothing.")
@click.option(
    "--compare",
    is_flag=True,
    help="Also measure how the suggested agencies and themes agree with the curated items of the same text.",
)
@pass_context
def ingest_command(ctx: Context, report: Path, out_dir: Path | None, force: bool, dry_run: bool, compare: bool) -> None:
    """Turn an audit REPORT (.txt, .md, .docx or .pdf) into one draft audit file per audit.

    Finds the summary table (title, cases audited, month completed, purpose or priority), each audit's
    heading, its Findings and Learning/Recommendations sections and every bullet (-, *, •, numbered, Word
    lists), kept verbatim. Whatever could not be placed is listed with its line number.

    \b
    Agencies and themes are suggested from the vocabularies, on lines marked
    "# suggested: confirm" for a person to check.

    Existing files are never replaced without --force; all drafts are written or none. Then run
    `learning-bot check` and `learning-bot build` to make the new audits searchable.
    """
    from knowledge.authoring.drafts import DraftWriteError, ExistingFilesError
    from knowledge.authoring.ingest import IngestError, ingest_report, summary_text
    from knowledge.authoring.report_reader import ReportError
    from knowledge.authoring.suggestions import compare_tags
    from knowledge.loading import AUDITS_DIR

    kb = ctx.kb()
    out = out_dir if out_dir is not None else ctx.data_dir / AUDITS_DIR
    try:
        in_data = out.resolve() == (ctx.data_dir / AUDITS_DIR).resolve()
        result = ingest_report(report, kb=kb, out_dir=out, force=force, dry_run=dry_run, in_data=in_data)
    except (ReportError, IngestError, ExistingFilesError, DraftWriteError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(summary_text(result, out_dir=out))
    if compare:
        items = [(item.text, item.agencies, item.themes) for item in result.reading.items]
        agreements = compare_tags(kb, items)
        if not agreements:
            click.echo("Compare: no item of the report is in the knowledge base yet; nothing to compare.")
        for found in agreements:
            click.echo(f"Compare with the curated items: {found.line()}")


@cli.command("eval")
@click.argument("questions_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
@click.option("--check", is_flag=True, help="Exit 1 unless the quality targets are met (for CI).")
@click.option(
    "--skip-unresolved",
    is_flag=True,
    help="Leave out (and list) relevant openings that name no passage, instead of stopping with an error.",
)
@pass_context
def eval_command(ctx: Context, questions_file: Path, as_json: bool, check: bool, skip_unresolved: bool) -> None:
    """Measure search quality on QUESTIONS_FILE: MRR@5, hit@1, recall@5, out-of-scope rejection, latency.

    A plain FTS5 BM25 baseline over the same passages is scored in the same run.
    """
    from knowledge.tools.evaluation import EvalError, evaluate, load_questions, report_text

    try:
        report = evaluate(ctx.kb(), load_questions(questions_file), skip_unresolved=skip_unresolved)
    except EvalError as exc:
        raise click.ClickException(str(exc)) from exc
    show(as_json, report, lambda: report_text(report))
    if check and report.failures():
        sys.exit(1)


@cli.command("serve")
@click.option("--http", "use_http", is_flag=True, help="Serve Slack's HTTP mode (default: Socket Mode).")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Port for --http (0 picks a free one; default: PORT, else 3000).",
)
@click.option("--host", default="0.0.0.0", show_default=True, help="Address for --http to listen on.")
@pass_context
def serve_command(ctx: Context, use_http: bool, port: int | None, host: str) -> None:
    """Run the Slack app: Socket Mode when SLACK_APP_TOKEN is set, or HTTP mode with --http.

    HTTP mode serves POST /slack/events (events, slash commands, buttons) and GET /healthz.
    """
    import logging

    from slack_bolt.error import BoltError

    from bot.app import SECRET_FILTER
    from bot.server import MissingSettings, serve
    from knowledge.records.migrations import MigrationError
    from knowledge.records.postgres import StateUrlError

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(SECRET_FILTER)  # tokens never reach a log line, whichever library logs
    settings = ctx.settings
    served = ctx.served(settings)  # data-file problems are reported as such, never as "could not reach Slack"
    try:
        serve(settings, served, http=use_http, host=host, port=settings.port if port is None else port)
    except (MissingSettings, MigrationError, StateUrlError) as exc:
        raise click.ClickException(str(exc)) from exc
    except BoltError as exc:  # Slack refused the token at start-up (auth.test); the message holds no token
        raise click.ClickException(f"Slack did not accept SLACK_BOT_TOKEN: {SECRET_FILTER.redact(str(exc))}") from exc
    except OSError as exc:  # Slack's Web API unreachable at start-up (network, proxy, wrong SLACK_API_URL)
        reason = getattr(exc, "reason", None) or exc
        raise click.ClickException(
            f"could not reach Slack's Web API at {settings.slack_api_url} ({reason}); check the network or"
            " SLACK_API_URL, then start again"
        ) from exc
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)


@cli.group("digest")
def digest_group() -> None:
    """The weekly learning-theme digest: preview the next post, or post this week's (once per channel)."""


def settings_or_exit() -> Settings:
    """The bot's settings; invalid ones end the command with one `SETTING: problem` line each (never a value)."""
    from bot.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        raise click.ClickException("invalid settings:\n" + "\n".join(exc.lines)) from None


@digest_group.command("preview")
@click.option("--theme", default=None, help="Preview this theme (id or name; typos are fine) instead of the next.")
@pass_context
def digest_preview_command(ctx: Context, theme: str | None) -> None:
    """Print the next digest post as text, without sending anything (no Slack needed)."""
    from bot.scheduler import make_digests, utc_now
    from handlers import slack_text
    from knowledge.digest import digest_text

    settings = ctx.settings
    kb = ctx.kb()
    digests = make_digests(settings, kb, state_store(settings.learning_bot_state))
    theme_id = None
    if theme is not None:
        theme_id = kb.resolve_theme(theme[:MAX_QUESTION_CHARS])
        if theme_id is None or theme_id not in digests.theme_ids():
            click.echo(f"No theme with learning points called {clip(theme)!r}.", err=True)
            click.echo(formatting.themes_text(kb.themes()), err=True)
            sys.exit(2)
    upcoming, digest = digests.preview(utc_now(), theme=theme_id)
    where = ", ".join(settings.digest_channel) or "no channel (DIGEST_CHANNEL is not set)"
    when = slack_text.when(upcoming.at)
    if theme_id is None:
        state = f"due since {when} (late: the next run posts it)" if upcoming.late else when
        click.echo(f"Next digest: {upcoming.week}, {state} · {digests.schedule.description} · to {where}")
        week = upcoming.week
    else:
        click.echo(f"Preview of the {digest.name} digest (the next one, {upcoming.week}, is {upcoming.theme_name})")
        week = upcoming.week if theme_id == upcoming.theme else None
    click.echo("")
    click.echo(digest_text(digest, week=week))


@digest_group.command("post")
@pass_context
def digest_post_command(ctx: Context) -> None:
    """Post this ISO week's digest to DIGEST_CHANNEL unless already posted there (one run: for cron or a
    Kubernetes CronJob). Needs SLACK_BOT_TOKEN and DIGEST_CHANNEL. Exits 1 if a channel could not be posted to."""
    import logging

    from bot.scheduler import make_digests, utc_now

    settings = ctx.settings
    missing = [
        name
        for name, value in (("SLACK_BOT_TOKEN", settings.slack_bot_token), ("DIGEST_CHANNEL", settings.digest_channel))
        if not value
    ]
    if missing:
        raise click.ClickException(f"set {' and '.join(missing)} to post the digest")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    digests = make_digests(settings, ctx.kb(), state_store(settings.learning_bot_state))
    outcomes = digests.post_current(utc_now())
    for outcome in outcomes:
        click.echo(outcome.describe())
    # A run elsewhere holding the week (busy, with the time its lease ends) may have died: say so with the exit code.
    unfinished = ("failed", "uncertain")
    if any(outcome.status in unfinished or (outcome.status == "busy" and outcome.error) for outcome in outcomes):
        sys.exit(1)


# -- practitioner care: feedback and insights (read the state database; never any question text) --------------
state_option = click.option(
    "--state",
    "state_path",
    help="State database the bot records into: a file or a postgresql:// URL (default: LEARNING_BOT_STATE).",
)


def open_state(ctx: Context, state_path: str | None) -> StateStore:
    """The existing state database; a clear error naming the path when there is none (never a new empty one)."""
    from knowledge.records.postgres import is_postgres_url

    location = ctx.settings.learning_bot_state if state_path is None else state_path
    if is_postgres_url(location):  # the server says whether the database exists
        return state_store(location)
    path = Path(location).expanduser()
    if not path.is_file():
        raise click.ClickException(
            f"no state database at {path}: nothing has been recorded there yet"
            " (point --state or LEARNING_BOT_STATE at the file the bot uses)"
        )
    return state_store(path)


def state_store(location: Path | str) -> StateStore:
    """The state database (a file or a PostgreSQL URL), brought up to date; one clear line when it cannot be (e.g.
    a newer one, a directory, a file that is not a database, a server that refuses)."""
    from knowledge.records.migrations import MigrationError
    from knowledge.records.postgres import StateUrlError
    from knowledge.records.state import open_state_store

    try:
        return open_state_store(location)
    except (MigrationError, StateUrlError, StateDatabaseError) as exc:
        raise click.ClickException(str(exc)) from None


@cli.group("feedback")
def feedback_group() -> None:
    """What practitioners said about the answers (Helpful / Not helpful)."""


@feedback_group.command("report")
@state_option
@json_option
@pass_context
def feedback_report_command(ctx: Context, state_path: str | None, as_json: bool) -> None:
    """Helpfulness per theme and per learning point, from the votes on the bot's answers."""
    from knowledge.records.feedback import FeedbackLog, report_text

    report = FeedbackLog(open_state(ctx, state_path)).report(ctx.kb())
    show(as_json, report, lambda: report_text(report))


@cli.command("insights")
@state_option
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only questions asked on or after this day (YYYY-MM-DD, UTC).",
)
@click.option("--top", type=click.IntRange(1, 100), default=10, show_default=True, help="Themes and agencies to list.")
@json_option
@pass_context
def insights_command(ctx: Context, state_path: str | None, since: datetime | None, top: int, as_json: bool) -> None:
    """Most-asked themes and agencies, and the share of questions without an answer by ISO week.

    Recorded without question text: only time, matched themes and agencies, and whether anything was found.
    """
    from knowledge.records.insights import QuestionLog, report_text

    questions = QuestionLog(open_state(ctx, state_path))
    report = questions.report(since=since.date() if since else None, kb=ctx.kb(), top=top)
    show(as_json, report, lambda: report_text(report))


@cli.command("report")
@state_option
@click.option(
    "--from", "start", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="First day (YYYY-MM-DD, UTC)."
)
@click.option("--to", "end", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="Last day, included.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory for board-report.html and the CSV files (created if need be).",
)
@click.option("--post", is_flag=True, help="Also upload the page to ADMIN_CHANNEL (needs SLACK_BOT_TOKEN).")
@pass_context
def report_command(
    ctx: Context, state_path: Path | None, start: datetime, end: datetime, out_dir: Path, post: bool
) -> None:
    """The board's assurance report for a period: one HTML page that opens offline, and CSV files of its tables.

    Questions by theme and agency, topics the audits do not cover, Helpful / Not helpful, digests posted and
    discussed by teams, and requests for more help. Reads the state database; changes no record in it.
    """
    import time

    from knowledge.reporting.page import write_report
    from knowledge.reporting.quarter import Period, PeriodError, build_report

    try:
        period = Period(start.date(), end.date())
    except PeriodError as exc:
        raise click.UsageError(str(exc)) from None
    began = time.perf_counter()
    report = build_report(open_state(ctx, state_path), ctx.kb(), period)
    files = write_report(report, out_dir)
    took = time.perf_counter() - began
    size = sum(path.stat().st_size for path in files.paths)
    click.echo(f"Wrote {files.page} and {len(files.tables)} CSV files ({size / 1024:.0f} KB in {took:.1f} s).")
    if post:
        from bot.reports import PostError, post_report

        try:
            file_id = post_report(ctx.settings, report, files)
        except PostError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Posted to the admin channel (file {file_id}).")


@cli.command("bench")
@click.option(
    "--passages", type=click.IntRange(min=1), default=100_000, show_default=True, help="Passages to generate."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the synthetic knowledge base.")
@click.option(
    "--repeats", type=click.IntRange(min=1), default=30, show_default=True, help="Timed runs of each question."
)
@click.option(
    "--cold-runs", type=click.IntRange(min=0), default=5, show_default=True, help="Cold `ask` processes to time."
)
@json_option
@pass_context
def bench_command(ctx: Context, passages: int, seed: int, repeats: int, cold_runs: int, as_json: bool) -> None:
    """Benchmark search on a synthetic knowledge base of PASSAGES items against plain BM25 and rapidfuzz.

    The synthetic data is built in a temporary directory and deleted afterwards; it is never knowledge.
    """
    from bot.surfaces import time_surfaces
    from knowledge.tools.bench import BenchError, report_text, run_bench

    try:
        knowledge = load_knowledge(ctx.data_dir)
    except DataError as exc:
        fail_data(exc)
    try:
        report = run_bench(
            knowledge, passages=passages, seed=seed, repeats=repeats, cold_runs=cold_runs, surfaces=time_surfaces
        )
    except BenchError as exc:
        raise click.ClickException(str(exc)) from exc
    show(as_json, report, lambda: report_text(report))
