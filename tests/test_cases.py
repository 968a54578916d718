"""Small projects of the kinds users write, each linted as one tree.

Each folder under `cases/` holds the modules of one project, with `# expect: CODE` on every line
a finding must be reported at, and `expected.txt` holding the exact findings (code, row,
column and message) in the concise format.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from optuna_lint import Settings, lint_paths
from optuna_lint.engine import Linter
from optuna_lint.reporting import concise_line

CASES = Path(__file__).parent / "cases"
EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")


def expected_marks(case: Path) -> list[tuple[str, str, int]]:
    marks = []
    for module in sorted(case.rglob("*.py")):
        for row, line in enumerate(module.read_text().splitlines(), start=1):
            match = EXPECT.search(line)
            if match:
                for code in match.group(1).split(","):
                    marks.append((module.relative_to(case).as_posix(), code.strip(), row))
    return sorted(marks)


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_case_findings(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Linted from a copy: inside this repository, the project would be the whole repository.
    folder = tmp_path / case
    shutil.copytree(CASES / case, folder)
    monkeypatch.chdir(folder)

    findings = lint_paths(["."])

    found = sorted((f.filename, f.code, f.location.row) for f in findings)
    assert found == expected_marks(folder)
    lines = [concise_line(f, unsafe_fixes=False) for f in findings]
    assert lines == (folder / "expected.txt").read_text().splitlines()


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_case_findings_do_not_depend_on_the_text_test(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / case
    shutil.copytree(CASES / case, folder)
    monkeypatch.chdir(folder)
    found = {}
    for analyse_everything in (False, True):
        linter = Linter(Settings(), analyse_everything=analyse_everything)
        files = linter.load_paths([Path(".")], Path.cwd())
        linter.lint(files)
        found[analyse_everything] = [concise_line(f, False) for x in files for f in x.findings]
    assert found[False] == found[True]
