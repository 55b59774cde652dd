"""docs/architecture.md names real places: every file or package path it quotes exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_path_the_architecture_document_quotes_exists():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    quoted = set(re.findall(r"`((?:elearn|simulators|templates|tests|docs)/[\w/.]+)`", text))
    assert len(quoted) > 20  # the document quotes its places as `elearn/...` paths
    missing = sorted(path for path in quoted if not (ROOT / path.rstrip("/")).exists())
    assert missing == []
