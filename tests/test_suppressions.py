"""`# noqa` comments, the file-level `# optuna-lint: noqa`, and OPL901 unused-noqa."""

from __future__ import annotations

from conftest import assert_fix, lint

# OPL201 at 9:5 and 10:5: two attributes stored after the prune check.
ATTRS_AFTER = """\
import optuna


def objective(trial):
    loss = 1.0
    trial.report(loss, 0)
    if trial.should_prune():
        raise optuna.TrialPruned()
    trial.set_user_attr("loss", loss){first}
    trial.set_user_attr("loss2", loss){second}
    return loss


optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
"""


def rows(code: str, **settings: object) -> list[tuple[str, int]]:
    return [(found[0], found[1]) for found in lint(code, **settings)]


def source(first: str = "", second: str = "") -> str:
    return ATTRS_AFTER.format(first=first, second=second)


def test_without_comments_both_lines_are_reported() -> None:
    assert rows(source()) == [("OPL201", 9), ("OPL201", 10)]


def test_a_bare_noqa_and_a_noqa_with_the_code_or_a_prefix_suppress_their_line() -> None:
    assert rows(source("  # noqa")) == [("OPL201", 10)]
    assert rows(source("  # noqa: OPL201")) == [("OPL201", 10)]
    assert rows(source("  # NOQA:OPL2,OPL305")) == [("OPL201", 10)]
    assert rows(source(second="  # noqa: OPL201 (kept on purpose)")) == [("OPL201", 9)]


def test_a_noqa_for_another_code_or_inside_a_string_suppresses_nothing() -> None:
    assert rows(source("  # noqa: OPL305")) == [("OPL201", 9), ("OPL201", 10)]
    text = source().replace('"loss2", loss)', '"# noqa", loss)')
    assert rows(text) == [("OPL201", 9), ("OPL201", 10)]


def test_the_file_level_comment_turns_the_file_off() -> None:
    assert rows("# optuna-lint: noqa\n" + source()) == []
    # Only on a line of its own.
    assert rows(source("  # optuna-lint: noqa")) == [("OPL201", 9), ("OPL201", 10)]


def test_syntax_errors_are_reported_whatever_the_comments_say() -> None:
    assert rows("# optuna-lint: noqa\ndef f(:  # noqa\n") == [("OPL001", 2)]


def test_unused_noqa_is_opt_in_and_names_what_suppresses_nothing() -> None:
    text = source("  # noqa: OPL201, OPL305", "").replace(
        "    return loss\n", "    return loss  # noqa\n"
    )
    assert rows(text) == [("OPL201", 10)]
    assert lint(text, select=("OPL",)) == [
        ("OPL901", 9, 40, "OPL305 in `# noqa: OPL201, OPL305` suppresses nothing on this line"),
        ("OPL201", 10, 5, lint(source())[1][3]),
        ("OPL901", 11, 18, "`# noqa` suppresses nothing on this line"),
    ]


def test_unused_noqa_fix_removes_the_directive_or_its_unused_codes() -> None:
    before = source("  # noqa: OPL201, OPL305", "  # noqa: OPL201").replace(
        "    return loss\n", "    return loss  # noqa\n"
    )
    after = source("  # noqa: OPL201", "  # noqa: OPL201")
    assert_fix(before, after, select=("OPL",))


def test_add_noqa_suppresses_every_finding_and_keeps_strings_whole(in_tmp, capsys) -> None:
    from optuna_lint.cli import main

    text = source(second="  # noqa: OPL305").replace(
        "    return loss\n",
        '    trial.set_user_attr("doc", """two\n    lines""")\n    return loss\n',
    )
    path = in_tmp / "tune.py"
    path.write_text(text)

    assert main(["--add-noqa", "tune.py"]) == 0
    assert capsys.readouterr().out == "Added 2 noqa directives.\n"
    assert path.read_text() == source("  # noqa: OPL201", "  # noqa: OPL201, OPL305").replace(
        "    return loss\n",
        '    trial.set_user_attr("doc", """two\n    lines""")\n    return loss\n',
    )
    assert main(["tune.py", "--extend-select", "OPL9"]) == 1  # OPL305 is left unused
    assert main(["tune.py"]) == 0
