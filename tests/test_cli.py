"""The command line: output formats, exit statuses, files written by --fix, bad input."""

from __future__ import annotations

import importlib.util
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from optuna_lint.cli import main
from optuna_lint.engine import Linter

UNFED = (
    "import optuna\n\n\ndef objective(trial):\n    for epoch in range(3):\n"
    "        loss = 1.0 / (epoch + 1)\n    return loss\n\n\n"
    "optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)\n"
)
ATTR_AFTER = (
    "import optuna\n\n\ndef objective(trial):\n    loss = 1.0\n    trial.report(loss, 0)\n"
    "    if trial.should_prune():\n        raise optuna.TrialPruned()\n"
    "    trial.set_user_attr('loss', loss)\n    return loss\n\n\n"
    "optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)\n"
)
ATTR_FIXED = ATTR_AFTER.replace(
    "    trial.report(loss, 0)\n",
    "    trial.set_user_attr('loss', loss)\n    trial.report(loss, 0)\n",
    1,
).replace(
    "        raise optuna.TrialPruned()\n    trial.set_user_attr('loss', loss)\n",
    "        raise optuna.TrialPruned()\n",
)
CLEAN = "import optuna\n\n\ndef objective(trial):\n    return trial.suggest_float('x', 0, 1)\n"


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    status = main(list(arguments))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_clean_tree_exits_zero(in_tmp: Path, capsys) -> None:
    (in_tmp / "a.py").write_text(CLEAN)
    assert run(capsys) == (0, "All checks passed!\n", "")


def test_concise_output_and_summary(in_tmp: Path, capsys) -> None:
    (in_tmp / "pkg").mkdir()
    (in_tmp / "pkg" / "tune.py").write_text(ATTR_AFTER)
    (in_tmp / "search.py").write_text(UNFED)

    status, out, err = run(capsys, "--output-format", "concise", ".")

    assert status == 1 and err == ""
    assert out.splitlines() == [
        "pkg/tune.py:9:5: OPL201 [*] `trial.set_user_attr('loss', ...)` runs after the prune "
        "check on line 7: a pruned trial raises there and never stores `loss`",
        "search.py:4:1: OPL101 Objective `objective` never reports to its study's MedianPruner: "
        "without `trial.report(...)` and a prune check, no trial is ever pruned",
        "Found 2 findings: 1 fixable with --fix, 1 more with --fix --unsafe-fixes.",
    ]


def test_unsafe_fixes_marks_unsafe_findings_fixable(in_tmp: Path, capsys) -> None:
    (in_tmp / "search.py").write_text(UNFED)
    status, out, _ = run(capsys, "--unsafe-fixes", "search.py")
    assert status == 1
    assert out.splitlines()[0].startswith("search.py:4:1: OPL101 [*] ")
    assert out.splitlines()[-1] == "Found 1 finding: 1 fixable with --fix."


def test_select_ignore_and_exit_zero(in_tmp: Path, capsys) -> None:
    (in_tmp / "tune.py").write_text(ATTR_AFTER)
    assert run(capsys, "--select", "OPL1")[0] == 0
    assert run(capsys, "--ignore", "OPL2")[0] == 0
    assert run(capsys, "--select", "OPL", "--ignore", "OPL1")[0] == 1
    assert run(capsys, "--exit-zero")[0] == 0


def test_metric_sink_option_adds_sinks_for_opl202(in_tmp: Path, capsys) -> None:
    (in_tmp / "tune.py").write_text(ATTR_AFTER.replace("trial.set_user_attr", "run.log"))
    assert run(capsys, "--select", "OPL202")[0] == 0
    status, out, _ = run(capsys, "--select", "OPL202", "--metric-sink", "run.log")
    assert status == 1
    assert out.splitlines()[0] == (
        "tune.py:9:5: OPL202 [*] `run.log('loss', ...)` runs after the prune check on line 7: "
        "a pruned trial raises there and never logs `loss`"
    )


def test_metric_sink_option_adds_to_the_configuration_s_sinks(in_tmp: Path, capsys) -> None:
    (in_tmp / "pyproject.toml").write_text('[tool.optuna-lint]\nmetric-sinks = ["run.log"]\n')
    (in_tmp / "tune.py").write_text(
        ATTR_AFTER.replace("trial.set_user_attr", "run.log").replace(
            "    return loss", "    neptune_run.track('loss', loss)\n    return loss"
        )
    )
    arguments = ("--select", "OPL202", "--output-format", "concise")
    status, out, _ = run(capsys, *arguments, "--metric-sink", "neptune_run.track")
    assert status == 1
    assert out.splitlines() == [
        "tune.py:9:5: OPL202 [*] `run.log('loss', ...)` runs after the prune check on line 7: "
        "a pruned trial raises there and never logs `loss`",
        "tune.py:10:5: OPL202 [*] `neptune_run.track('loss', ...)` runs after the prune check "
        "on line 7: a pruned trial raises there and never logs `loss`",
        "Found 2 findings: 2 fixable with --fix.",
    ]
    status, lines, _ = run(capsys, "config")
    assert 'metric-sinks = ["run.log"]' in lines.splitlines()


def test_json_output(in_tmp: Path, capsys) -> None:
    (in_tmp / "tune.py").write_text(ATTR_AFTER)
    status, out, _ = run(capsys, "--output-format", "json")
    assert status == 1
    (item,) = json.loads(out)
    assert item == {
        "code": "OPL201",
        "name": "user-attr-after-prune-check",
        "message": "`trial.set_user_attr('loss', ...)` runs after the prune check on line 7: a "
        "pruned trial raises there and never stores `loss`",
        "filename": "tune.py",
        "cell": None,
        "location": {"row": 9, "column": 5},
        "end_location": {"row": 9, "column": 38},
        "fix": {
            "applicability": "safe",
            "message": "Move the call before the prune check",
            "edits": [
                {
                    "content": "    trial.set_user_attr('loss', loss)\n",
                    "location": {"row": 6, "column": 1},
                    "end_location": {"row": 6, "column": 1},
                },
                {
                    "content": "",
                    "location": {"row": 9, "column": 1},
                    "end_location": {"row": 10, "column": 1},
                },
            ],
        },
        "url": "https://github.com/optuna-lint/optuna-lint/blob/main/docs/rules/OPL201.md",
    }


def test_json_output_is_empty_list_when_clean(in_tmp: Path, capsys) -> None:
    (in_tmp / "a.py").write_text(CLEAN)
    assert run(capsys, "--output-format", "json") == (0, "[]\n", "")


def test_fix_writes_file_keeping_encoding_bom_newlines_and_mode(in_tmp: Path, capsys) -> None:
    path = in_tmp / "tune.py"
    original = ("# -*- coding: latin-1 -*-\n# caf\u00e9\n" + ATTR_AFTER).replace("\n", "\r\n")
    path.write_bytes(original.encode("latin-1"))
    path.chmod(0o640)

    status, out, err = run(capsys, "--fix", "tune.py")

    expected = ("# -*- coding: latin-1 -*-\n# caf\u00e9\n" + ATTR_FIXED).replace("\n", "\r\n")
    assert (status, err) == (0, "")
    assert out == "Found 1 finding (1 fixed, 0 remaining).\n"
    assert path.read_bytes() == expected.encode("latin-1")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    # No temporary file is left behind; the cache of analyses has its own folder.
    assert sorted(p.name for p in in_tmp.iterdir()) == [".optuna_lint_cache", "tune.py"]


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="POSIX links")
@pytest.mark.parametrize("option", ["--fix", "--add-noqa"])
def test_writing_a_symbolic_link_writes_its_target_and_keeps_the_link(
    in_tmp: Path, capsys, option: str
) -> None:
    target = in_tmp / "real" / "tune.py"
    target.parent.mkdir()
    target.write_text(ATTR_AFTER)
    target.chmod(0o640)
    (in_tmp / "link.py").symlink_to(Path("real") / "tune.py")
    # A link to a link is followed to the end.
    (in_tmp / "link2.py").symlink_to("link.py")

    status, out, err = run(capsys, "--isolated", option, "link2.py")

    written = {
        "--fix": ("Found 1 finding (1 fixed, 0 remaining).\n", ATTR_FIXED),
        "--add-noqa": (
            "Added 1 noqa directive.\n",
            ATTR_AFTER.replace(
                "    trial.set_user_attr('loss', loss)\n",
                "    trial.set_user_attr('loss', loss)  # noqa: OPL201\n",
            ),
        ),
    }
    assert (status, out, err) == (0, written[option][0], "")
    assert target.read_text() == written[option][1]
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert os.readlink(in_tmp / "link.py") == os.path.join("real", "tune.py")
    assert os.readlink(in_tmp / "link2.py") == "link.py"
    assert sorted(p.name for p in target.parent.iterdir()) == ["tune.py"]
    # No temporary file is left beside the links; the cache of analyses has its own folder.
    assert sorted(p.name for p in in_tmp.iterdir()) == [
        ".optuna_lint_cache",
        "link.py",
        "link2.py",
        "real",
    ]


def test_fix_keeps_utf8_bom(in_tmp: Path, capsys) -> None:
    path = in_tmp / "tune.py"
    path.write_bytes(b"\xef\xbb\xbf" + ATTR_AFTER.encode())
    assert run(capsys, "--fix")[0] == 0
    assert path.read_bytes() == b"\xef\xbb\xbf" + ATTR_FIXED.encode()


def test_a_fix_that_uncovers_another_finding_is_refused_and_the_file_kept(
    in_tmp: Path, capsys
) -> None:
    # Calling the pruner class makes the pruner real, and then its objective never reports.
    source = (
        "import optuna\n\n\ndef objective(trial):\n    return trial.suggest_float('x', 0, 1)\n"
        "\n\noptuna.create_study(pruner=optuna.pruners.MedianPruner).optimize(objective)\n"
    )
    path = in_tmp / "tune.py"
    path.write_text(source)

    status, out, err = run(capsys, "--fix", "tune.py")

    assert status == 1
    assert out.splitlines()[0].startswith("tune.py:8:28: OPL306 [*] ")
    assert err == (
        "optuna-lint: tune.py: not fixed: the fixed text would have new findings (OPL101)\n"
    )
    assert path.read_text() == source


def test_diff_prints_and_writes_nothing(in_tmp: Path, capsys) -> None:
    path = in_tmp / "tune.py"
    path.write_text(ATTR_AFTER)
    status, out, _ = run(capsys, "--diff")
    assert status == 1
    assert out.startswith("--- a/tune.py\n+++ b/tune.py\n@@ ")
    assert "+    trial.set_user_attr('loss', loss)\n" in out
    assert path.read_text() == ATTR_AFTER
    (in_tmp / "tune.py").write_text(CLEAN)
    assert run(capsys, "--diff") == (0, "", "")


def test_syntax_error_next_to_good_file(in_tmp: Path, capsys) -> None:
    (in_tmp / "bad.py").write_text("def objective(trial)\n    return 1\n")
    (in_tmp / "good.py").write_text(ATTR_AFTER)
    status, out, _ = run(capsys, "--output-format", "concise")
    lines = out.splitlines()
    assert status == 1
    assert lines[0] == "bad.py:1:21: OPL001 Cannot parse the file: expected ':'"
    assert lines[1].startswith("good.py:9:5: OPL201 ")


def test_undecodable_and_too_deep_files(in_tmp: Path, capsys) -> None:
    (in_tmp / "binary.py").write_bytes(b"x = '\xff\xfe'\n")
    (in_tmp / "deep.py").write_text("trials = " + "[" * 150 + "]" * 150 + "\n")
    (in_tmp / "chain.py").write_text("trials = " + "+".join(["1"] * 300) + "\n")
    status, out, _ = run(capsys, "--output-format", "concise")
    assert status == 1
    assert out.splitlines()[:3] == [
        "binary.py:1:1: OPL001 Cannot parse the file: cannot decode as utf-8: 'utf-8' codec "
        "can't decode byte 0xff in position 5: invalid start byte",
        "chain.py:1:1: OPL002 File not linted: an expression chains more than 200 operators",
        "deep.py:1:1: OPL002 File not linted: brackets nested deeper than 100 levels",
    ]


def test_unreadable_and_large_files(in_tmp: Path, capsys, monkeypatch) -> None:
    (in_tmp / "big.py").write_text("x = 1\n" * 100)
    (in_tmp / "locked.py").write_text(CLEAN)
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.py":
            raise PermissionError(13, "Permission denied")
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    status, out, _ = run(capsys, "--output-format", "concise", "--max-file-size", "500")
    assert status == 1
    assert out.splitlines()[:2] == [
        "big.py:1:1: OPL002 File not linted: 600 bytes is larger than max-file-size (500)",
        "locked.py:1:1: OPL002 File not linted: cannot read it: Permission denied",
    ]


def test_missing_path_is_an_error_after_the_rest_is_reported(in_tmp: Path, capsys) -> None:
    (in_tmp / "tune.py").write_text(ATTR_AFTER)
    status, out, err = run(capsys, "tune.py", "nowhere")
    assert status == 2
    assert out.splitlines()[0].startswith("tune.py:9:5: OPL201")
    assert err == "optuna-lint: error: nowhere: no such file or directory\n"


def test_a_run_with_an_error_does_not_say_all_checks_passed(in_tmp: Path, capsys) -> None:
    (in_tmp / "tune.py").write_text("import optuna\n")
    assert run(capsys, "nothere.py") == (
        2,
        "",
        "optuna-lint: error: nothere.py: no such file or directory\n",
    )
    assert run(capsys, "tune.py", "nothere.py")[:2] == (2, "")
    assert run(capsys, "tune.py") == (0, "All checks passed!\n", "")


def test_bad_option_exits_two(in_tmp: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--no-such-option"])
    assert exit_info.value.code == 2


def test_reserved_subcommand_names_and_double_dash(in_tmp: Path, capsys) -> None:
    (in_tmp / "config").mkdir()
    (in_tmp / "config" / "tune.py").write_text(ATTR_AFTER)
    # `config` is the subcommand that shows the settings, not the folder.
    status, out, _ = run(capsys, "config")
    assert (status, out.splitlines()[0]) == (0, "# configuration file: none (the defaults)")
    assert run(capsys, "--", "config")[0] == 1
    assert run(capsys, "./config")[0] == 1
    assert run(capsys, "check", "config")[0] == 1


def test_rule_page(capsys) -> None:
    status, out, _ = run(capsys, "rule", "OPL201")
    assert status == 0
    assert out.startswith("# user-attr-after-prune-check (OPL201)\n\n## What it does\n")
    assert "## Fix safety" in out
    # By name, as ruff takes it, the same page.
    assert run(capsys, "rule", "user-attr-after-prune-check") == (0, out, "")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["NOPE"], "unknown rule code NOPE"),
        (["OPL2"], "unknown rule code OPL2"),
        ([], "`rule` takes one rule code or name"),
        (["OPL101", "OPL102"], "`rule` takes one rule code or name"),
    ],
)
def test_rule_page_of_an_unknown_rule(capsys, arguments: list[str], message: str) -> None:
    assert run(capsys, "rule", *arguments) == (2, "", f"optuna-lint: error: {message}\n")


def test_skips_hidden_virtualenv_and_build_directories(in_tmp: Path, capsys) -> None:
    for folder in (".hidden", "build", "env", "__pycache__"):
        (in_tmp / folder).mkdir()
        (in_tmp / folder / "tune.py").write_text(ATTR_AFTER)
    (in_tmp / "env" / "pyvenv.cfg").write_text("")
    assert run(capsys) == (0, "All checks passed!\n", "")


@pytest.mark.slow
def test_module_entry_point_and_console_script(in_tmp: Path) -> None:
    (in_tmp / "tune.py").write_text(ATTR_AFTER)
    result = subprocess.run(
        [sys.executable, "-m", "optuna_lint", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.startswith("optuna-lint ")
    result = subprocess.run(
        [sys.executable, "-m", "optuna_lint", "--output-format", "json", "tune.py"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
    )
    assert result.returncode == 1
    assert [item["code"] for item in json.loads(result.stdout)] == ["OPL201"]


@pytest.mark.slow
def test_verbose_logs_the_timing_line_the_corpus_benchmark_reads(in_tmp: Path) -> None:
    benchmark_path = Path(__file__).parent.parent / "benchmarks" / "real_corpus.py"
    spec = importlib.util.spec_from_file_location("real_corpus", benchmark_path)
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    (in_tmp / "a.py").write_text(UNFED)
    (in_tmp / "b.py").write_text(CLEAN)
    completed = subprocess.run(
        [sys.executable, "-m", "optuna_lint", "check", "-v", "."],
        capture_output=True,
        text=True,
    )
    timing = benchmark.TIMING.search(completed.stderr)
    assert timing is not None, completed.stderr
    assert completed.stderr.count("optuna-lint: timing: 2 files analysed in ") == 1
    assert all(float(timing.group(name)) >= 0 for name in ("analyse", "index", "link"))


def test_a_file_saved_by_someone_else_while_linted_is_not_overwritten(
    in_tmp: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = in_tmp / "tune.py"
    path.write_text(ATTR_AFTER)
    saved = ATTR_AFTER + "# saved by the editor meanwhile\n"
    fix = Linter.fix

    def fix_while_the_editor_saves(self: Linter, files: list) -> None:
        fix(self, files)
        path.write_text(saved)

    monkeypatch.setattr(Linter, "fix", fix_while_the_editor_saves)
    status, out, err = run(capsys, "--fix", "tune.py")
    assert path.read_text() == saved
    assert status == 2
    assert err == "optuna-lint: error: tune.py: not fixed: it changed on disk while being linted\n"
    assert out.startswith("tune.py:9:5: OPL201 ")
