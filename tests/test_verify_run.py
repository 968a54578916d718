"""`verify` end to end: real studies in worker subprocesses, read back from real storages."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

optuna = pytest.importorskip("optuna")
torch = pytest.importorskip("torch")

from optuna_lint.verify.command import main  # noqa: E402

FIXTURES = Path(__file__).parent.parent / "fixtures"
CASES = Path(__file__).parent / "verify_cases"
pytestmark = pytest.mark.slow


def _verify(
    capsys: pytest.CaptureFixture, *arguments: str, device: str = "cpu"
) -> tuple[int, dict]:
    status = main([*arguments, "--output-format", "json", "--device", device])
    return status, json.loads(capsys.readouterr().out)


def _stored_trials(storage: str, study_name: str) -> list:
    return optuna.load_study(study_name=study_name, storage=storage).get_trials()


def test_fixed_fixtures_prune_and_keep_the_values_of_the_step_they_were_pruned_at(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    storage = f"sqlite:///{tmp_path / 'studies.db'}"
    status, report = _verify(
        capsys,
        str(FIXTURES / "median_never_checks.py"),
        str(FIXTURES / "regression_user_attrs.py"),
        "--trials",
        "10",
        "--storage",
        storage,
    )
    assert status == 0
    assert report["summary"] == {"proven": 2}
    never_checks, user_attrs = report["objectives"]

    # OPL103: without a check every trial trains all 15 epochs; the fixed objective stops some.
    assert (never_checks["codes_fixed"], never_checks["verdict"]) == (["OPL103"], "proven")
    original, fixed = never_checks["variants"]["original"], never_checks["variants"]["fixed"]
    assert (original["trials"], original["complete"], original["pruned"]) == (10, 10, 0)
    assert original["epochs"] == 10 * 15
    assert fixed["trials"] == 10 and fixed["pruned"] >= 1 and fixed["fail"] == 0
    assert fixed["epochs"] < original["epochs"]
    assert never_checks["epochs_saved"] == original["epochs"] - fixed["epochs"]
    # The counted passes are the epochs each trial reported, as the storage holds them.
    stored = _stored_trials(storage, fixed["study_name"])
    assert fixed["epochs"] == sum(len(trial.intermediate_values) for trial in stored)
    assert sum(trial.state.name == "PRUNED" for trial in stored) == fixed["pruned"]

    # OPL201: the same trials are pruned in both variants; only the fixed one's pruned trials
    # hold the metrics of the epoch they were pruned at.
    assert (user_attrs["codes_fixed"], user_attrs["verdict"]) == (["OPL201"], "proven")
    for label, holds_last_epoch in (("original", False), ("fixed", True)):
        study_name = user_attrs["variants"][label]["study_name"]
        pruned = [t for t in _stored_trials(storage, study_name) if t.state.name == "PRUNED"]
        assert pruned
        for trial in pruned:
            values = trial.intermediate_values
            last = values[max(values)]
            # The objective reports its validation MSE and stores it as `val_mse`.
            holds = trial.user_attrs["val_mse"] == pytest.approx(last, rel=1e-5)
            assert holds is holds_last_epoch
            if not holds_last_epoch:
                assert trial.user_attrs["val_mse"] == pytest.approx(
                    values[max(values) - 1], rel=1e-5
                )


def test_fixes_that_prune_nothing_or_break_trials_are_not_proven(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    folder = tmp_path / "cases"
    shutil.copytree(CASES / "not_proven", folder)
    status, report = _verify(capsys, str(folder), "--trials", "8")
    assert status == 1
    assert report["summary"] == {"not proven": 2}
    broken, constant = report["objectives"]

    assert broken["fixed_by"] == str(folder / "broken_by_hand_fixed.py")
    claims = {claim["what"]: claim["proven"] for claim in broken["claims"]}
    assert claims["enables pruning (OPL103)"] is False
    assert claims["no new failures"] is False
    assert broken["variants"]["fixed"]["fail"] >= 1 and broken["variants"]["original"]["fail"] == 0

    # The fixer reports the constant it found as the metric: the pruner never stops a trial.
    assert constant["fixed_by"] == "fix" and constant["codes_fixed"] == ["OPL101"]
    assert constant["variants"]["fixed"]["pruned"] == 0
    assert constant["claims"][0]["what"] == "enables pruning (OPL101)"
    assert constant["claims"][0]["proven"] is False


def test_two_workers_share_one_sqlite_study(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    shutil.copy(CASES / "quadratic_never_checks.py", folder)
    storage = f"sqlite:///{tmp_path / 'shared.db'}"
    status, report = _verify(
        capsys, str(folder), "--trials", "10", "--workers", "2", "--storage", storage
    )
    (objective,) = report["objectives"]
    assert objective["verdict"] == "proven", objective["claims"]
    assert status == 0
    for label in ("original", "fixed"):
        variant = objective["variants"][label]
        indexes = sorted(trial["index"] for trial in variant["trial_results"])
        assert indexes == list(range(10))  # every drawn parameter set ran exactly once
        assert {trial["worker"] for trial in variant["trial_results"]} == {0, 1}
        # The study in the shared storage holds those trials and no other.
        assert len(_stored_trials(storage, variant["study_name"])) == 10


def test_two_workers_on_the_default_sqlite_storage_run_each_trial_once_every_time(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    # Workers that took trials from Optuna's shared queue on SQLite sometimes ran one trial
    # twice and failed with "Cannot tell a COMPLETE trial"; each now runs the trials it is given.
    folder = tmp_path / "case"
    folder.mkdir()
    shutil.copy(CASES / "quadratic_never_checks.py", folder)
    for _ in range(3):
        status, report = _verify(capsys, str(folder), "--trials", "4", "--workers", "2")
        (objective,) = report["objectives"]
        assert (status, objective["reason"]) in ((0, None), (1, None))
        for variant in objective["variants"].values():
            assert variant["error"] is None and variant["fail"] == 0
            ran = sorted((trial["index"], trial["worker"]) for trial in variant["trial_results"])
            assert ran == [(0, 0), (1, 1), (2, 0), (3, 1)]


def test_a_trial_whose_objective_returns_no_float_says_what_it_returned(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    source = (CASES / "quadratic_never_checks.py").read_text()
    (folder / "returns_none.py").write_text(
        source.replace("    return loss\n", "    return None if trial.number % 2 else 'done'\n")
    )
    status = main([str(folder), "--trials", "3", "--device", "cpu"])
    lines = capsys.readouterr().out.splitlines()
    assert status == 1
    failures = [line for line in lines if "trial(s) failed:" in line]
    assert failures == [
        "  original: 2 trial(s) failed: the objective returned 'done', not a float",
        "  original: 1 trial(s) failed: the objective returned None, not a float",
        "  fixed: 2 trial(s) failed: the objective returned 'done', not a float",
        "  fixed: 1 trial(s) failed: the objective returned None, not a float",
    ]


def test_a_relative_sqlite_storage_is_the_file_in_the_working_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workers run in a temporary directory: `mine.db` there would be another database.
    shutil.copy(CASES / "quadratic_never_checks.py", tmp_path)
    monkeypatch.chdir(tmp_path)
    status, report = _verify(
        capsys, "quadratic_never_checks.py", "--trials", "2", "--storage", "sqlite:///mine.db"
    )
    (objective,) = report["objectives"]
    assert (status, objective["reason"]) == (1, None)
    assert report["options"]["storage"] == f"sqlite:///{tmp_path / 'mine.db'}"
    # MedianPruner(n_startup_trials=2) prunes nothing in two trials, and the claim says why.
    assert objective["claims"][0]["detail"] == (
        "0 trial(s) pruned that the original did not prune (pruned: 0 -> 0); hint: the pruner "
        "prunes nothing until 2 trial(s) have completed (n_startup_trials), and only 2 ran: "
        "give --trials more than 2"
    )
    fixed = objective["variants"]["fixed"]
    stored = _stored_trials(f"sqlite:///{tmp_path / 'mine.db'}", fixed["study_name"])
    assert [trial.state.name for trial in stored] == ["COMPLETE", "COMPLETE"]


def test_a_module_sees_only_its_own_path_in_sys_argv_and_its_exit_message_is_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    source = (CASES / "quadratic_never_checks.py").read_text()
    folder = tmp_path / "case"
    folder.mkdir()
    # Parsed on import, as scripts do: the worker's own arguments would be "unrecognized".
    (folder / "reads_argv.py").write_text(
        "import argparse\nimport sys\n\nARGUMENTS = argparse.ArgumentParser().parse_args()\n"
        + source.replace(
            "    loss = 0.0\n", "    loss = 0.0\n    trial.set_user_attr('argv', sys.argv)\n"
        )
    )
    (folder / "requires_argument.py").write_text(
        "import argparse\n\nparser = argparse.ArgumentParser()\n"
        "parser.add_argument('--epochs', required=True)\nARGUMENTS = parser.parse_args()\n" + source
    )
    status, report = _verify(capsys, str(folder), "--trials", "2")
    assert status == 2
    reads_argv, requires_argument = report["objectives"]
    assert reads_argv["reason"] is None
    for variant in reads_argv["variants"].values():
        for trial in variant["trial_results"]:
            (argv,) = trial["user_attrs"]["argv"]
            assert Path(argv).name == "reads_argv.py"
    assert requires_argument["reason"] == (
        "drawing the parameters failed: SystemExit: 2 (stderr: usage: requires_argument.py "
        "[-h] --epochs EPOCHS / requires_argument.py: error: the following arguments are "
        "required: --epochs)"
    )


def test_a_variant_runs_in_a_copy_of_its_project_from_the_users_working_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    (project / "mylib").mkdir(parents=True)
    (project / "scripts").mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (project / "mylib" / "__init__.py").write_text("SCALE = 2.0\n")
    (project / "scripts" / "data.txt").write_text("3.0\n")
    # The package by a sys.path trick, a data file beside the module and one relative to the
    # working directory, and a file written there.
    prelude = (
        "import sys\nfrom pathlib import Path\n\n"
        "sys.path.insert(0, str(Path(__file__).resolve().parent.parent))\n"
        "from mylib import SCALE  # noqa: E402\n\n"
        "BESIDE = float((Path(__file__).parent / 'data.txt').read_text())\n"
        "RELATIVE = float(Path('scripts/data.txt').read_text())\n"
        "Path('written.txt').write_text('by the objective')\n"
    )
    source = (CASES / "quadratic_never_checks.py").read_text()
    (project / "scripts" / "tune.py").write_text(prelude + source)
    (project / "scripts" / "reads_missing.py").write_text(
        "from pathlib import Path\n\nDATA = Path('/nonexistent/data.csv').read_text()\n" + source
    )
    monkeypatch.chdir(project)

    status, report = _verify(capsys, "scripts/tune.py", "--trials", "2")
    (objective,) = report["objectives"]
    assert (status, objective["reason"], objective["copied_folder"]) == (1, None, str(project))
    assert [v["complete"] for v in objective["variants"].values()] == [2, 2]
    assert not (project / "written.txt").exists()

    assert main(["scripts/reads_missing.py", "--trials", "2", "--device", "cpu"]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [
        "scripts/reads_missing.py:objective  [error]  fixed: OPL103",
        "  drawing the parameters failed: FileNotFoundError: [Errno 2] No such file or "
        "directory: '/nonexistent/data.csv'",
    ]
    assert lines[2] == (
        f"  hint: each variant runs in a temporary copy of {project}, less version control, "
        "virtual environments and caches (see Verify in the README); a file or package "
        "outside it is not there"
    )


def test_a_variant_that_runs_past_the_time_limit_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    source = (CASES / "quadratic_never_checks.py").read_text()
    # The draw stops at the top of the loop, before the sleep; each variant's first trial hangs.
    (folder / "hangs.py").write_text(source.replace("time.sleep(0.05)", "time.sleep(600)"))
    status = main([str(folder), "--trials", "2", "--timeout", "12", "--device", "cpu"])
    lines = capsys.readouterr().out.splitlines()
    assert status == 2
    assert lines == [
        f"{folder / 'hangs.py'}:objective  [error]  fixed: OPL103",
        "  the original variant: stopped after the time limit of 12 s (--timeout), 2 trial(s) "
        "unfinished; the fixed variant: stopped after the time limit of 12 s (--timeout), 2 "
        "trial(s) unfinished",
        "",
        "1 objective(s): 1 error",
    ]


def _postgres_tools() -> tuple[str, str] | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in [*(str(c) for c in candidates), None]:
        initdb = shutil.which("initdb", path=folder)
        pg_ctl = shutil.which("pg_ctl", path=folder)
        if initdb and pg_ctl:
            return initdb, pg_ctl
    return None


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server of Debian's packages in a temporary folder, reached only through a
    Unix socket there; skipped when the server or the Python driver is not installed."""
    tools = _postgres_tools()
    if tools is None:
        pytest.skip("PostgreSQL's initdb and pg_ctl are not installed")
    pytest.importorskip("psycopg")
    initdb, pg_ctl = tools
    base = Path(tempfile.mkdtemp(prefix="optuna-lint-postgres-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        shutil.chown(base, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, sockets = base / "data", base / "sockets"
    try:
        subprocess.run(
            [*as_user, "mkdir", str(data), str(sockets)], check=True, capture_output=True
        )
        subprocess.run(
            [*as_user, initdb, "-D", str(data), "-U", "postgres", "--auth=trust"],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                *as_user,
                pg_ctl,
                "-D",
                str(data),
                "-l",
                str(base / "server.log"),
                "-o",
                f"-k {sockets} -c listen_addresses=''",
                "-w",
                "start",
            ],
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg://postgres@/postgres?host={sockets}"
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_studies_in_a_postgresql_storage(
    tmp_path: Path, capsys: pytest.CaptureFixture, postgres_url: str
) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    shutil.copy(CASES / "quadratic_never_checks.py", folder)
    status, report = _verify(
        capsys, str(folder), "--trials", "8", "--workers", "2", "--storage", postgres_url
    )
    (objective,) = report["objectives"]
    assert (status, objective["verdict"]) == (0, "proven")
    fixed = objective["variants"]["fixed"]
    stored = _stored_trials(postgres_url, fixed["study_name"])
    pruned = [t for t in stored if t.state.name == "PRUNED"]
    assert len(pruned) == fixed["pruned"] >= 1


def test_the_table_says_what_runs_and_shows_both_variants_of_a_latin_1_module(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    # In latin-1, as its declaration says: both variants are written out in it.
    source = (
        "# -*- coding: latin-1 -*-\n# Caf\u00e9 au lait\n"
        + (CASES / "quadratic_never_checks.py").read_text()
    )
    (folder / "quadratic_never_checks.py").write_bytes(source.encode("latin-1"))
    status = main([str(folder), "--trials", "6", "--device", "cpu"])
    captured = capsys.readouterr()
    assert status == 0
    assert captured.err.splitlines()[0].startswith(
        "optuna-lint verify: running 1 objective(s), original and fixed, in subprocesses"
    )
    lines = captured.out.splitlines()
    assert lines[0] == f"{folder / 'quadratic_never_checks.py'}:objective  [proven]  fixed: OPL103"
    assert lines[1].split() == [
        "variant", "trials", "complete", "pruned", "fail", "epochs", "time", "best"
    ]  # fmt: skip
    assert lines[2].split()[:7] == ["original", "6", "6", "0", "0", "30", *lines[2].split()[6:7]]
    assert lines[3].split()[0:2] == ["fixed", "6"]
    assert lines[-1] == "1 objective(s): 1 proven; device: cpu"


def test_verify_without_optuna_says_what_to_install(tmp_path: Path) -> None:
    # A Python whose `optuna` cannot be imported: a module of that name that raises.
    blocker = tmp_path / "blocked"
    blocker.mkdir()
    (blocker / "optuna.py").write_text("raise ImportError('No module named optuna')\n")
    environment = {**os.environ, "PYTHONPATH": f"{blocker}{os.pathsep}{os.getcwd()}"}
    result = subprocess.run(
        [sys.executable, "-m", "optuna_lint", "verify"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "optuna-lint: error: verify needs optuna and torch (No module named optuna); "
        "install them with: pip install 'optuna-lint[verify]'\n"
    )


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="torch sees no CUDA device")
def test_a_fixture_trains_on_the_gpu(capsys: pytest.CaptureFixture) -> None:
    status, report = _verify(
        capsys, str(FIXTURES / "median_never_checks.py"), "--trials", "8", device="cuda"
    )
    (objective,) = report["objectives"]
    assert (status, objective["verdict"]) == (0, "proven")
    for variant in objective["variants"].values():
        assert variant["device"] == f"cuda ({torch.cuda.get_device_name(0)})"
