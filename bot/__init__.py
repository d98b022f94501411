"""Wiring: settings, the Slack app factory, the scheduler and the `learning-bot` command line."""
