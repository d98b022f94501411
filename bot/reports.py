"""Posting the board's report to the admin channel: the HTML page uploaded as a file, with a summary."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.settings import Settings
from knowledge.reporting.page import ReportFiles
from knowledge.reporting.quarter import BoardReport


class PostError(RuntimeError):
    """The report could not be posted; the message names the setting or Slack's error."""


def summary_text(report: BoardReport) -> str:
    """The message posted with the page: the period and the headline numbers."""
    summary = report.summary
    return (
        f"Learning from audits: assurance report, {report.period.label}. {summary.questions} questions asked"
        f" ({summary.unanswered} with no answer in the audits); {summary.helpful} Helpful and {summary.not_helpful}"
        f" Not helpful votes; {summary.digests_posted} digest posts, {summary.discussions} team discussions recorded;"
        f" {summary.escalations_opened} requests for more help ({summary.escalations_open} still open)."
        " Download the page and open it in a web browser; it needs no internet connection."
    )


def post_report(settings: Settings, report: BoardReport, files: ReportFiles) -> str:
    """Upload the report's page to ADMIN_CHANNEL; returns the uploaded file's id."""
    token = settings.secret("slack_bot_token")
    if not token or not settings.admin_channel:
        missing = [
            name for name, value in (("SLACK_BOT_TOKEN", token), ("ADMIN_CHANNEL", settings.admin_channel)) if not value
        ]
        raise PostError(f"set {' and '.join(missing)} to post the report")
    client = WebClient(token=token, base_url=settings.slack_api_url)
    try:
        response = client.files_upload_v2(
            channel=settings.admin_channel,
            file=str(files.page),
            filename=files.page.name,
            title=f"Assurance report {report.period.start:%Y-%m-%d} to {report.period.end:%Y-%m-%d}",
            initial_comment=summary_text(report),
        )
    except SlackApiError as exc:
        raise PostError(f"Slack refused the upload: {exc.response.get('error', 'unknown error')}") from None
    uploaded = response.get("files") or [{}]
    return str(uploaded[0].get("id", ""))
