"""The repository's text files carry no leftover merge-conflict markers: a
marker in the docs or the catalogue is what a reader would find first."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(r"^(<{7} |={7}$|>{7} )", re.MULTILINE)
TEXT = ("*.md", "*.py", "*.html", "*.po", "*.json", "*.toml", "*.yml", "Makefile")
SKIPPED = {".venv", "node_modules", "staticfiles", "build", ".git"}


def text_files():
    for pattern in TEXT:
        for path in ROOT.rglob(pattern):
            if not SKIPPED.intersection(path.relative_to(ROOT).parts):
                yield path


def test_no_text_file_holds_a_merge_conflict_marker():
    marked = [
        str(path.relative_to(ROOT))
        for path in text_files()
        if MARKER.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert marked == []
