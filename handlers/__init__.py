"""Slack listeners, grouped by surface."""
