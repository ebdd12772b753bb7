"""Compare every glued value of the executed chapters with those of an earlier commit.

A redesign that must keep behaviour keeps every value a chapter glues; this prints how many are
identical and lists the rest (chapter, name, before, after). Only the values' text is compared,
never timings.

    .venv/bin/python benchmarks/glued_values.py 1e588b4
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "book" / "chapters"


def glued(notebook: dict) -> dict[str, str]:
    """Name -> text of every value a notebook glued (papermill/scrapbook records)."""
    values = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            record = output.get("metadata", {}).get("scrapbook")
            if record:
                data = output.get("data", {})
                values[record["name"]] = next((v for k, v in data.items() if k.endswith("text/plain")), str(sorted(data)))
    return values


def at_revision(revision: str, path: Path) -> dict:
    """The notebook at ``path`` as committed in ``revision`` (empty if it did not exist there)."""
    shown = subprocess.run(["git", "show", f"{revision}:{path.relative_to(ROOT).as_posix()}"], cwd=ROOT,
                           capture_output=True, text=True)
    return json.loads(shown.stdout) if shown.returncode == 0 else {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", help="the commit to compare with, e.g. a tag or hash")
    args = parser.parse_args()
    same = total = 0
    for path in sorted(CHAPTERS.glob("*.ipynb")):
        before, after = glued(at_revision(args.revision, path)), glued(json.loads(path.read_text()))
        for name in sorted(set(before) | set(after)):
            total += 1
            if before.get(name) == after.get(name):
                same += 1
            else:
                print(f"{path.stem} | {name} | {before.get(name)} | {after.get(name)}")
    print(f"{same} of {total} glued values identical to {args.revision}")
    return 0 if same == total else 1


if __name__ == "__main__":
    raise SystemExit(main())
