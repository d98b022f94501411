"""`python -m bot` runs the `learning-bot` command line."""

from bot.cli import cli

if __name__ == "__main__":
    cli()
