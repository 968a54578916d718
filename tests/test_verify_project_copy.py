"""`verify` runs each variant in a copy of the module's project: which folder, what is left
out, where the working directory lies, and the hint shown when a file was not found."""

from __future__ import annotations

from pathlib import Path

import pytest

from optuna_lint.verify import project_copy
from optuna_lint.verify.project_copy import (
    CopySource,
    choose_copy_source,
    copy_source,
    missing_file_hint,
    module_in_copy,
    working_directory_in_copy,
)


def _project(root: Path) -> Path:
    """A project: a package, a script folder with a data file, and what a copy leaves out."""
    (root / "mylib").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (root / "mylib" / "__init__.py").write_text("SCALE = 2.0\n")
    (root / "scripts").mkdir()
    (root / "scripts" / "tune.py").write_text("x = 1\n")
    (root / "scripts" / "data.txt").write_text("1 2 3\n")
    for skipped in (".git", "__pycache__", "scripts/__pycache__", ".venv", ".mypy_cache"):
        (root / skipped).mkdir(exist_ok=True)
        (root / skipped / "big.bin").write_bytes(b"\0" * 10)
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    return root / "scripts" / "tune.py"


def test_the_project_of_the_module_is_copied_without_version_control_venvs_and_caches(
    tmp_path: Path,
) -> None:
    module = _project(tmp_path / "project")
    source = choose_copy_source(module)
    assert source == CopySource(tmp_path / "project", None)
    destination = tmp_path / "copy"
    copy_source(source, destination)
    copied = sorted(str(p.relative_to(destination)) for p in destination.rglob("*"))
    assert copied == [
        "mylib",
        "mylib/__init__.py",
        "pyproject.toml",
        "scripts",
        "scripts/data.txt",
        "scripts/tune.py",
    ]
    assert module_in_copy(source, destination, module) == destination / "scripts" / "tune.py"


def test_the_working_directory_is_the_users_in_the_copy_else_the_modules_folder(
    tmp_path: Path,
) -> None:
    module = _project(tmp_path / "project")
    source = choose_copy_source(module)
    destination = tmp_path / "copy"
    copy_source(source, destination)
    assert working_directory_in_copy(source, destination, module, tmp_path / "project") == (
        destination
    )
    for outside in (tmp_path, tmp_path / "project" / ".venv"):
        assert working_directory_in_copy(source, destination, module, outside) == (
            destination / "scripts"
        )


def test_a_project_too_large_gives_way_to_the_folder_then_the_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = _project(tmp_path / "project")
    monkeypatch.setattr(project_copy, "MAX_FILES", 2)
    project_copy._small_enough.cache_clear()
    assert choose_copy_source(module) == CopySource(
        module.parent,
        f"the project {tmp_path / 'project'} is too large to copy (over 64 MiB or 2 files): "
        "only the module's folder is copied",
    )
    monkeypatch.setattr(project_copy, "MAX_FILES", 1)
    project_copy._small_enough.cache_clear()
    source = choose_copy_source(module)
    assert source == CopySource(
        None,
        f"the project {tmp_path / 'project'} is too large to copy (over 64 MiB or 1 files): "
        "only the module is copied",
    )
    destination = tmp_path / "copy"
    copy_source(source, destination)
    assert module_in_copy(source, destination, module) == destination / "tune.py"
    project_copy._small_enough.cache_clear()


def test_a_module_outside_any_project_has_its_folder_copied(tmp_path: Path) -> None:
    (tmp_path / "tune.py").write_text("x = 1\n")
    assert choose_copy_source(tmp_path / "tune.py") == CopySource(tmp_path, None)


def test_a_file_not_found_hints_at_what_was_copied(tmp_path: Path) -> None:
    source = CopySource(tmp_path, None)
    assert missing_file_hint(source, ["ValueError: bad", ""]) is None
    assert missing_file_hint(source, ["FileNotFoundError: [Errno 2] ...: 'x.csv'"]) == (
        f"hint: each variant runs in a temporary copy of {tmp_path}, less version control, "
        "virtual environments and caches (see Verify in the README); a file or package "
        "outside it is not there"
    )
    assert missing_file_hint(CopySource(None, None), ["ModuleNotFoundError: No module"]) == (
        "hint: each variant runs in a temporary copy of the module alone (see Verify in the "
        "README); a file or package outside it is not there"
    )
