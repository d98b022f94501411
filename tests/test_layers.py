"""The layers hold: the import-linter contracts in pyproject.toml (knowledge knows nothing of Slack, the scheduler,
`bot` or `handlers`; `handlers` never imports `bot`; the records never import the services or the search; the
board's report imports no service, authoring or search)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 4 kept, 0 broken." in done.stdout
