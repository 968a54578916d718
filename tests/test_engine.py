"""The pipeline: it never runs the code it reads, and one failing rule stops nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from optuna_lint import Settings, lint_paths
from optuna_lint.engine import Linter
from optuna_lint.rules.user_attr_after_prune_check import UserAttrAfterPruneCheck

UNFED = (
    "import optuna\n\n\ndef objective(trial):\n    return 1.0\n\n\n"
    "optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)\n"
)


def test_linting_never_imports_or_runs_the_code(in_tmp: Path) -> None:
    marker = in_tmp / "ran.txt"
    (in_tmp / "hostile.py").write_text(
        f"open({str(marker)!r}, 'w').write('ran')\nimport sys\nsys.exit(3)\n" + UNFED
    )
    (in_tmp / "conftest.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")

    findings = lint_paths(["."])

    assert [(f.filename, f.code) for f in findings] == [("hostile.py", "OPL101")]
    assert not marker.exists()


def test_a_crashing_rule_is_an_internal_error_for_that_file_only(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (in_tmp / "a.py").write_text(UNFED)
    (in_tmp / "b.py").write_text(UNFED)

    def explode(self, context):
        if context.path == "a.py":
            raise RuntimeError("boom")
        return iter(())

    monkeypatch.setattr(UserAttrAfterPruneCheck, "check", explode)
    # OPL202 shares OPL201's check; only OPL201 should crash here.
    linter = Linter(Settings(select=("OPL101", "OPL201")))
    files = [linter.load_path(Path(name), name) for name in ("a.py", "b.py")]
    linter.lint(files)

    assert [[f.code for f in linted.findings] for linted in files] == [["OPL101"], ["OPL101"]]
    assert [(e.display_path, e.message) for e in linter.internal_errors] == [
        ("a.py", "internal error in OPL201: RuntimeError('boom')")
    ]


def test_syntax_error_position_comes_from_cpython_when_it_has_one() -> None:
    from optuna_lint import lint_source

    (finding,) = lint_source("import optuna\nif x\n    pass\n")
    assert (finding.code, finding.location.row, finding.location.column) == ("OPL001", 2, 5)
    assert finding.message == "Cannot parse the file: expected ':'"
