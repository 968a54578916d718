"""Configuration files: where they are found, each key, inheritance, exclusion and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from optuna_lint.cli import main
from optuna_lint.settings import Settings

# OPL101 at 4:1: a pruner whose objective never reports.
UNFED = (
    "import optuna\n\n\ndef objective(trial):\n    for epoch in range(3):\n"
    "        loss = 1.0 / (epoch + 1)\n    return loss\n\n\n"
    "optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)\n"
)
# OPL101 only when the default pruner counts (a study without `pruner=`).
DEFAULT_PRUNER = UNFED.replace("pruner=optuna.pruners.MedianPruner()", "")
UNFED_MESSAGE = (
    "OPL101 Objective `objective` never reports to its study's MedianPruner: without "
    "`trial.report(...)` and a prune check, no trial is ever pruned"
)


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, list[str], str]:
    status = main(list(arguments))
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def found(lines: list[str]) -> list[str]:
    """The files and codes of the finding lines."""
    return [line.split(":")[0] + " " + line.split(" ")[1] for line in lines if ": OPL" in line]


def test_pyproject_table_ignores_a_code(in_tmp: Path, capsys) -> None:
    write(in_tmp / "pyproject.toml", '[tool.optuna-lint]\nignore = ["OPL101"]\n')
    write(in_tmp / "tune.py", UNFED)
    assert run(capsys) == (0, ["All checks passed!"], "")


def test_a_pyproject_without_the_table_is_no_configuration(in_tmp: Path, capsys) -> None:
    write(in_tmp / "pyproject.toml", '[project]\nname = "x"\n')
    write(in_tmp / "sub" / "optuna-lint.toml", 'ignore = ["OPL1"]\n')
    write(in_tmp / "tune.py", UNFED)
    write(in_tmp / "sub" / "tune.py", UNFED)
    status, lines, _ = run(capsys, "--output-format", "concise")
    assert status == 1
    assert lines == [
        f"tune.py:4:1: {UNFED_MESSAGE}",
        "Found 1 finding: 1 more with --fix --unsafe-fixes.",
    ]


def test_the_closest_configuration_wins_and_extend_inherits(in_tmp: Path, capsys) -> None:
    write(in_tmp / "pyproject.toml", "[tool.optuna-lint]\nassume-default-pruner = true\n")
    write(in_tmp / "a" / "optuna-lint.toml", 'ignore = ["OPL101"]\n')
    # Inherits assume-default-pruner, and overrides nothing else.
    write(in_tmp / "b" / "optuna-lint.toml", 'extend = "../pyproject.toml"\n')
    # A file of its own: the default pruner does not count there.
    write(in_tmp / "c" / "optuna-lint.toml", "")
    for folder in ("", "a/", "b/", "c/"):
        write(in_tmp / f"{folder}tune.py", DEFAULT_PRUNER)
    assert found(run(capsys)[1]) == ["b/tune.py OPL101", "tune.py OPL101"]


def selection(configuration_file: Path, **overrides: tuple[str, ...]) -> tuple[str, ...]:
    """The selection a configuration file gives (with command-line options), as `config`
    shows it."""
    from optuna_lint.configuration import load_configuration
    from optuna_lint.rule_selection import shortest_selectors

    options = {key.replace("_", "-"): value for key, value in overrides.items()}
    return shortest_selectors(
        load_configuration(configuration_file).settings_for(None, options).select
    )


def test_extend_select_adds_along_the_chain_and_select_replaces(in_tmp: Path) -> None:
    write(in_tmp / "base.toml", 'select = ["OPL1"]\nextend-select = ["OPL3"]\n')
    child = write(in_tmp / "optuna-lint.toml", 'extend = "base.toml"\nextend-select = ["OPL9"]\n')
    assert selection(child) == ("OPL1", "OPL3", "OPL9")
    # `select` on the command line replaces what every file below it chose.
    assert selection(child, select=("OPL2",)) == ("OPL2",)
    assert selection(child, extend_select=("OPL2",)) == ("OPL1", "OPL2", "OPL3", "OPL9")


def test_ignore_adds_along_the_chain_until_a_layer_selects_again(in_tmp: Path) -> None:
    write(in_tmp / "base.toml", 'ignore = ["OPL101", "OPL2"]\n')
    child = write(in_tmp / "child.toml", 'extend = "base.toml"\nignore = ["OPL3"]\n')
    every_but_101 = ("OPL0", *(f"OPL10{n}" for n in range(2, 10)), "OPL11", "OPL4")
    assert selection(child) == every_but_101
    # The command line's --ignore adds to the files' ignores too.
    assert selection(child, ignore=("OPL0",)) == every_but_101[1:]
    # A layer's select starts afresh: the ignores below it no longer count.
    reselecting = write(in_tmp / "again.toml", 'extend = "base.toml"\nselect = ["OPL1", "OPL2"]\n')
    assert selection(reselecting) == ("OPL1", "OPL2")
    # --extend-select turns a rule ignored below back on, and so does a more specific selector
    # in the same layer.
    assert selection(child, extend_select=("OPL101",)) == ("OPL0", "OPL1", "OPL4")
    same_layer = write(in_tmp / "same.toml", 'ignore = ["OPL1"]\nextend-select = ["OPL101"]\n')
    assert selection(same_layer) == ("OPL0", "OPL101", "OPL2", "OPL3", "OPL4")


def test_ignore_on_the_command_line_adds_to_the_file_s(in_tmp: Path, capsys) -> None:
    write(in_tmp / "pyproject.toml", '[tool.optuna-lint]\nignore = ["OPL101"]\n')
    write(in_tmp / "tune.py", UNFED + "import optuna.integration.wandb\n")
    status, lines, _ = run(capsys, "--output-format", "concise", "--ignore", "OPL2")
    assert (status, found(lines)) == (1, ["tune.py OPL308"])
    assert run(capsys, "--ignore", "OPL308") == (0, ["All checks passed!"], "")
    # A file that extends the one with the ignore keeps it.
    write(in_tmp / "sub" / "optuna-lint.toml", 'extend = "../pyproject.toml"\n')
    write(in_tmp / "sub" / "tune.py", UNFED)
    assert run(capsys, "sub") == (0, ["All checks passed!"], "")


def test_per_file_ignores_by_path_glob_and_by_name(in_tmp: Path, capsys) -> None:
    write(
        in_tmp / "pyproject.toml",
        '[tool.optuna-lint.per-file-ignores]\n"experiments/*.py" = ["OPL1"]\n'
        '"legacy.py" = ["OPL101"]\n',
    )
    for name in ("experiments/a.py", "experiments/deep/b.py", "pkg/legacy.py", "tune.py"):
        write(in_tmp / name, UNFED)
    lines = run(capsys)[1]
    # `experiments/*.py` matches one level only; a name without a slash matches anywhere.
    assert found(lines) == ["experiments/deep/b.py OPL101", "tune.py OPL101"]


def test_exclude_replaces_the_default_exclusions_and_extend_exclude_adds(
    in_tmp: Path, capsys
) -> None:
    for name in ("build/tune.py", "scratch/tune.py", "tune.py"):
        write(in_tmp / name, UNFED)
    write(in_tmp / "pyproject.toml", '[tool.optuna-lint]\nextend-exclude = ["scratch/"]\n')
    assert found(run(capsys)[1]) == ["tune.py OPL101"]
    write(in_tmp / "pyproject.toml", '[tool.optuna-lint]\nexclude = ["scratch/"]\n')
    assert found(run(capsys)[1]) == ["build/tune.py OPL101", "tune.py OPL101"]


def test_gitignore_is_respected_with_git_s_rules(in_tmp: Path, capsys) -> None:
    (in_tmp / ".git").mkdir()
    write(in_tmp / ".gitignore", "generated/\n*_tmp.py\n")
    write(in_tmp / "pkg" / ".gitignore", "!keep_tmp.py\n")
    for name in ("generated/tune.py", "a_tmp.py", "pkg/keep_tmp.py", "pkg/drop.py", "tune.py"):
        write(in_tmp / name, UNFED)
    assert found(run(capsys)[1]) == [
        "pkg/drop.py OPL101",
        "pkg/keep_tmp.py OPL101",
        "tune.py OPL101",
    ]
    write(in_tmp / "pyproject.toml", "[tool.optuna-lint]\nrespect-gitignore = false\n")
    assert len(found(run(capsys)[1])) == 5


def test_a_gitignore_line_that_is_no_pattern_is_skipped_as_git_does(in_tmp: Path, capsys) -> None:
    (in_tmp / ".git").mkdir()
    write(in_tmp / ".gitignore", "[z-a]\n\\\ngenerated/\n")
    for name in ("generated/tune.py", "tune.py"):
        write(in_tmp / name, UNFED)
    status, lines, err = run(capsys, "--output-format", "concise")
    assert (status, found(lines), err) == (1, ["tune.py OPL101"], "")


def test_a_named_file_is_linted_even_when_excluded_unless_force_exclude(
    in_tmp: Path, capsys
) -> None:
    write(in_tmp / "pyproject.toml", '[tool.optuna-lint]\nextend-exclude = ["scratch/"]\n')
    write(in_tmp / "scratch" / "tune.py", UNFED)
    assert found(run(capsys, "scratch/tune.py")[1]) == ["scratch/tune.py OPL101"]
    assert run(capsys, "--force-exclude", "scratch/tune.py") == (0, ["All checks passed!"], "")


def test_config_option_and_isolated(in_tmp: Path, capsys) -> None:
    write(in_tmp / "pyproject.toml", '[tool.optuna-lint]\nignore = ["OPL101"]\n')
    write(in_tmp / "strict.toml", 'select = ["OPL"]\n')
    write(in_tmp / "tune.py", UNFED)
    assert run(capsys)[0] == 0
    assert found(run(capsys, "--config", "strict.toml")[1]) == ["tune.py OPL101"]
    assert found(run(capsys, "--isolated")[1]) == ["tune.py OPL101"]
    for command in ((), ("config",)):
        assert run(capsys, *command, "--config", "strict.toml", "--isolated") == (
            2,
            [],
            "optuna-lint: error: --config and --isolated cannot be used together\n",
        )


def test_fix_in_the_configuration_fixes_without_the_flag(in_tmp: Path, capsys) -> None:
    write(in_tmp / "pyproject.toml", "[tool.optuna-lint]\nfix = true\nunsafe-fixes = true\n")
    path = write(in_tmp / "tune.py", UNFED)
    status, lines, _ = run(capsys)
    assert (status, lines) == (0, ["Found 1 finding (1 fixed, 0 remaining)."])
    assert "trial.report(loss, epoch)" in path.read_text()


def test_no_fix_and_no_unsafe_fixes_override_the_configuration(in_tmp: Path, capsys) -> None:
    write(in_tmp / "pyproject.toml", "[tool.optuna-lint]\nfix = true\nunsafe-fixes = true\n")
    path = write(in_tmp / "tune.py", UNFED)
    arguments = ("--output-format", "concise")
    assert run(capsys, *arguments, "--no-fix") == (
        1,
        [
            f"tune.py:4:1: {UNFED_MESSAGE.replace('OPL101 ', 'OPL101 [*] ')}",
            "Found 1 finding: 1 fixable with --fix.",
        ],
        "",
    )
    # The fix is unsafe: without unsafe fixes, nothing is fixed.
    assert run(capsys, *arguments, "--no-unsafe-fixes") == (
        1,
        [f"tune.py:4:1: {UNFED_MESSAGE}", "Found 1 finding: 1 more with --fix --unsafe-fixes."],
        "",
    )
    assert path.read_text() == UNFED
    # Of --fix and --no-fix, the last wins.
    assert run(capsys, *arguments, "--fix", "--no-fix")[0] == 1
    assert run(capsys, *arguments, "--no-fix", "--fix") == (
        0,
        ["Found 1 finding (1 fixed, 0 remaining)."],
        "",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'selekt = ["OPL1"]\n',
            "unknown key `selekt`; the keys are: extend, select, extend-select, ignore, "
            "per-file-ignores, exclude, extend-exclude, respect-gitignore, "
            "assume-default-pruner, metric-sinks, fix, unsafe-fixes, max-file-size",
        ),
        (
            'ignore = "OPL1"\n',
            '`ignore` must be a list of rule codes or prefixes, such as ["OPL1", "OPL201"]',
        ),
        ('select = ["E501"]\n', "`select`: unknown rule selector `E501`\n"),
        ('select = ["OPL999"]\n', "`select`: unknown rule selector `OPL999`\n"),
        ('extend-select = ["OPL7"]\n', "`extend-select`: unknown rule selector `OPL7`\n"),
        ('ignore = ["opl1"]\n', "`ignore`: unknown rule selector `opl1`\n"),
        (
            'per-file-ignores = { "tests/*" = ["OPL1x"] }\n',
            "`per-file-ignores`: unknown rule selector `OPL1x`\n",
        ),
        ("fix = 1\n", "`fix` must be true or false"),
        ("max-file-size = -3\n", "`max-file-size` must be a positive whole number"),
        (
            'per-file-ignores = ["x"]\n',
            "`per-file-ignores` must be a table of glob patterns to codes, such as "
            '{"tests/*" = ["OPL2"]}',
        ),
        ('extend = "missing.toml"\n', "`extend` names {tmp}/missing.toml, which does not exist"),
        ("select = [\n", "not valid TOML: "),
        (
            'extend-exclude = ["scratch/", "[z-a]"]\n',
            '`extend-exclude`: invalid pattern "[z-a]": bad character range z-a\n',
        ),
        (
            'exclude = ["\\\\"]\n',
            '`exclude`: invalid pattern "\\\\": not a gitignore-style pattern\n',
        ),
        (
            'per-file-ignores = { "[9-0]*.py" = ["OPL1"] }\n',
            '`per-file-ignores`: invalid pattern "[9-0]*.py": bad character range 9-0\n',
        ),
    ],
)
def test_bad_configuration_is_a_one_line_error(
    in_tmp: Path, capsys, text: str, message: str
) -> None:
    write(in_tmp / "optuna-lint.toml", text)
    write(in_tmp / "tune.py", UNFED)
    status, lines, err = run(capsys)
    assert (status, lines) == (2, [])
    assert err.startswith(
        f"optuna-lint: error: {in_tmp}/optuna-lint.toml: " + message.replace("{tmp}", str(in_tmp))
    )
    assert err.count("\n") == 1


@pytest.mark.parametrize("name", ["pyproject.toml", "optuna-lint.toml", "other.toml"])
def test_a_configuration_file_that_is_not_utf8_is_a_one_line_error(
    in_tmp: Path, capsys, name: str
) -> None:
    # Even a pyproject.toml without the table: it may hold it, and only reading it can tell.
    (in_tmp / name).write_bytes(b'[project]\nname = "caf\xe9"\n')
    write(in_tmp / "tune.py", UNFED)
    arguments = ("--config", name) if name == "other.toml" else ()
    assert run(capsys, *arguments) == (
        2,
        [],
        f"optuna-lint: error: {in_tmp}/{name}: not valid TOML: it is not UTF-8 "
        "(byte 0xe9 at offset 21)\n",
    )


def test_extend_in_a_circle_is_an_error(in_tmp: Path, capsys) -> None:
    write(in_tmp / "a.toml", 'extend = "b.toml"\n')
    write(in_tmp / "b.toml", 'extend = "a.toml"\n')
    status, _, err = run(capsys, "--config", "a.toml")
    assert status == 2
    assert err == (
        f"optuna-lint: error: {in_tmp}/a.toml: `extend` goes round in a circle "
        f"({in_tmp}/a.toml -> {in_tmp}/b.toml -> {in_tmp}/a.toml)\n"
    )


def test_config_command_shows_the_effective_settings(in_tmp: Path, capsys) -> None:
    write(
        in_tmp / "pyproject.toml",
        '[tool.optuna-lint]\nextend-select = ["OPL9"]\nignore = ["OPL305"]\n'
        'per-file-ignores = { "tests/*" = ["OPL2"] }\nmetric-sinks = ["neptune.log_*"]\n',
    )
    write(in_tmp / "tests" / "test_tune.py", "")
    status, lines, _ = run(capsys, "config", "tests/test_tune.py")
    assert status == 0
    # The rules on for that file: every select, extend-select and ignore put together, then
    # the file's per-file-ignores.
    assert lines == [
        f"# configuration file: {in_tmp}/pyproject.toml",
        'select = ["OPL0", "OPL1", "OPL301", "OPL302", "OPL303", "OPL304", "OPL306", "OPL307", '
        '"OPL308", "OPL4", "OPL9"]',
        'per-file-ignores = { "tests/*" = ["OPL2"] }',
        "respect-gitignore = true",
        "assume-default-pruner = false",
        'metric-sinks = ["neptune.log_*"]',
        "fix = false",
        "unsafe-fixes = false",
        "max-file-size = 1048576",
    ]


def test_config_command_shows_the_default_selection_and_the_layers_put_together(
    in_tmp: Path, capsys
) -> None:
    assert run(capsys, "config")[1][1] == 'select = ["OPL0", "OPL1", "OPL2", "OPL3", "OPL4"]'
    write(in_tmp / "base.toml", 'ignore = ["OPL1"]\n')
    write(in_tmp / "optuna-lint.toml", 'extend = "base.toml"\nextend-select = ["OPL101", "OPL9"]\n')
    assert run(capsys, "config")[1][1] == (
        'select = ["OPL0", "OPL101", "OPL2", "OPL3", "OPL4", "OPL9"]'
    )


def test_the_opt_in_group_is_off_by_default_and_on_with_the_whole_prefix() -> None:
    assert not Settings().is_selected("OPL901")
    assert Settings().is_selected("OPL101")
    assert Settings(select=("OPL",)).is_selected("OPL901")
