"""The pre-commit hooks of `.pre-commit-hooks.yaml`, run by the real pre-commit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).parent.parent
UNFED = (
    "import optuna\n\n\ndef objective(trial):\n    for epoch in range(3):\n"
    "        loss = 1.0 / (epoch + 1)\n    return loss\n\n\n"
    "optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)\n"
)
CLASS_NOT_INSTANCE = (
    "import optuna\n\n\ndef objective(trial):\n    x = trial.suggest_float('x', 0, 1)\n"
    "    trial.report(x, 0)\n    if trial.should_prune():\n        raise optuna.TrialPruned()\n"
    "    return x\n\n\n"
    "optuna.create_study(pruner=optuna.pruners.MedianPruner).optimize(objective)\n"
)

pytestmark = pytest.mark.slow


def _git(folder: Path, *arguments: str) -> None:
    subprocess.run(["git", *arguments], cwd=folder, check=True, capture_output=True)


@pytest.fixture
def user_repository(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    pytest.importorskip("pre_commit")
    folder = tmp_path / "project"
    folder.mkdir()
    _git(folder, "init", "-q")
    _git(folder, "config", "user.email", "test@example.com")
    _git(folder, "config", "user.name", "Test")
    return folder


def _try_repo(folder: Path, hook: str, *files: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        # pre-commit's own cache, with the hook's environment, stays in the test's folder.
        "PRE_COMMIT_HOME": str(folder.parent / "pre-commit-home"),
    }
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPOSITORY), hook, "--files", *files],
        cwd=folder,
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )


def test_the_hook_fails_on_a_finding_and_passes_once_fixed(user_repository: Path) -> None:
    (user_repository / "tune.py").write_text(UNFED)
    (user_repository / "clean.py").write_text("x = 1\n")
    _git(user_repository, "add", ".")

    failed = _try_repo(user_repository, "optuna-lint", "tune.py", "clean.py")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "tune.py:4:1: OPL101 Objective `objective` never reports" in failed.stdout

    fixed = UNFED.replace(
        "        loss = 1.0 / (epoch + 1)\n",
        "        loss = 1.0 / (epoch + 1)\n        trial.report(loss, epoch)\n"
        "        if trial.should_prune():\n            raise optuna.TrialPruned()\n",
    )
    (user_repository / "tune.py").write_text(fixed)
    _git(user_repository, "add", ".")
    passed = _try_repo(user_repository, "optuna-lint", "tune.py", "clean.py")
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_the_fix_hook_rewrites_the_file(user_repository: Path) -> None:
    path = user_repository / "tune.py"
    path.write_text(CLASS_NOT_INSTANCE)
    _git(user_repository, "add", ".")

    result = _try_repo(user_repository, "optuna-lint-fix", "tune.py")
    # pre-commit fails a hook that changed files, so that the user sees and stages the change.
    assert result.returncode == 1, result.stdout + result.stderr
    assert path.read_text() == CLASS_NOT_INSTANCE.replace(
        "pruner=optuna.pruners.MedianPruner)", "pruner=optuna.pruners.MedianPruner())"
    )
