"""`# noqa` comments, the file-level `# optuna-lint: noqa`, and OPL901 unused-noqa."""

from __future__ import annotations

import pytest
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


# --- How a directive is read, and what OPL901's fix leaves ----------------------------------


def quiet_line(comment: str) -> str:
    """`source()` with `comment` at the end of row 5, which has no finding; the two findings
    are suppressed, so that a fix touches the comments only."""
    suppressed = source("  # noqa: OPL201", "  # noqa: OPL201")
    return suppressed.replace("    loss = 1.0\n", f"    loss = 1.0{comment}\n")


def test_a_colon_after_spaces_still_introduces_codes_as_in_ruff() -> None:
    assert rows(source("  # noqa : OPL201")) == [("OPL201", 10)]
    # Not a bare directive: a code the line does not have suppresses nothing.
    assert rows(source("  # noqa : OPL305")) == [("OPL201", 9), ("OPL201", 10)]


def test_unused_noqa_names_the_directive_without_the_words_after_it() -> None:
    assert lint(quiet_line("  # noqa: OPL201, OPL202 some reason"), select=("OPL",))[0] == (
        "OPL901",
        5,
        17,
        "OPL201, OPL202 in `# noqa: OPL201, OPL202` suppresses nothing on this line",
    )


@pytest.mark.parametrize(
    ("comment", "fixed"),
    [
        ("  # noqa: OPL201, OPL202 some reason", "  # some reason"),
        ("  # noqa : OPL201", ""),
        ("  # noqa: OPL201  # type: ignore", "  # type: ignore"),
        ("  # why # noqa: OPL201", "  # why"),
        ("  #noqa:OPL201 trailing", "  # trailing"),
        ("  # noqa kept on purpose", "  # kept on purpose"),
    ],
)
def test_unused_noqa_fix_keeps_the_words_after_the_directive(comment: str, fixed: str) -> None:
    assert_fix(quiet_line(comment), quiet_line(fixed), select=("OPL",))


def test_unused_noqa_fix_keeps_the_words_after_the_codes_it_keeps() -> None:
    before = source("  # noqa: OPL305, OPL201 kept on purpose", "  # noqa : OPL201")
    after = source("  # noqa: OPL201 kept on purpose", "  # noqa : OPL201")
    assert_fix(before, after, select=("OPL",))


def test_unused_noqa_fix_removes_a_directive_alone_on_its_line_with_the_line() -> None:
    before = quiet_line("\n    # noqa: OPL201")
    assert_fix(before, quiet_line(""), select=("OPL",))


# --- Findings on lines that cannot hold a comment --------------------------------------------

# OPL201 at 9:5 (a string over two lines) and 11:5 (a call continued with a backslash).
OVER_LINES = source().replace(
    '    trial.set_user_attr("loss", loss)\n    trial.set_user_attr("loss2", loss)\n',
    '    trial.set_user_attr("s", """abc\ndef""" + str(loss)){string}\n'
    '    trial.set_user_attr("t", \\\n        loss){continued}\n',
)


def over_lines(string: str = "", continued: str = "") -> str:
    return OVER_LINES.replace("{string}", string).replace("{continued}", continued)


def test_a_noqa_after_a_string_or_continuation_covers_the_lines_before_it() -> None:
    assert rows(over_lines()) == [("OPL201", 9), ("OPL201", 11)]
    assert rows(over_lines("  # noqa: OPL201")) == [("OPL201", 11)]
    assert rows(over_lines(continued="  # noqa: OPL201")) == [("OPL201", 9)]
    assert lint(over_lines("  # noqa: OPL201", "  # noqa: OPL201"), select=("OPL",)) == []


def test_add_noqa_puts_the_directive_where_it_is_read_and_names_what_it_cannot_suppress(
    in_tmp, capsys, caplog
) -> None:
    from optuna_lint.cli import main

    # The finding on row 13 has a directive that cannot be read: no code follows the colon.
    text = over_lines().replace(
        "    return loss\n", '    trial.set_user_attr("u", loss)  # noqa:\n    return loss\n'
    )
    path = in_tmp / "spread.py"
    path.write_text(text)

    assert main(["--add-noqa", "spread.py"]) == 1
    assert capsys.readouterr() == (
        "Added 2 noqa directives.\n",
        "optuna-lint: spread.py:13: OPL201 is not suppressed: the `# noqa` of its line cannot "
        "be read\n",
    )
    assert caplog.messages == [
        "spread.py:13: `# noqa:` suppresses nothing: no code follows `# noqa:` (as in "
        "`# noqa: OPL201`)"
    ]
    assert path.read_text() == over_lines("  # noqa: OPL201", "  # noqa: OPL201").replace(
        "    return loss\n", '    trial.set_user_attr("u", loss)  # noqa:\n    return loss\n'
    )
    assert main(["spread.py", "--output-format", "concise"]) == 1
    assert capsys.readouterr().out.splitlines()[0].startswith("spread.py:13:5: OPL201 ")


# --- File-wide codes, and directives that cannot be read --------------------------------------


def test_a_file_wide_directive_with_codes_suppresses_them_in_the_whole_file() -> None:
    assert rows("# optuna-lint: noqa: OPL201\n" + source()) == []
    assert rows("# optuna-lint: noqa : OPL305\n" + source()) == [("OPL201", 10), ("OPL201", 11)]


def test_unused_noqa_checks_the_codes_of_a_file_wide_directive() -> None:
    text = "# optuna-lint: noqa: OPL201, OPL305\n" + source()
    assert lint(text, select=("OPL",)) == [
        (
            "OPL901",
            1,
            1,
            "OPL305 in `# optuna-lint: noqa: OPL201, OPL305` suppresses nothing in this file",
        )
    ]
    assert_fix(text, "# optuna-lint: noqa: OPL201\n" + source(), select=("OPL",))
    # With no code left the line goes: a bare file-wide directive would turn the file off.
    suppressed = source("  # noqa: OPL201", "  # noqa: OPL201")
    assert_fix("# optuna-lint: noqa: OPL305\n" + suppressed, suppressed, select=("OPL",))


def test_a_line_directive_that_a_file_wide_one_makes_redundant_is_unused() -> None:
    text = "# optuna-lint: noqa: OPL201\n" + source("  # noqa: OPL201")
    assert lint(text, select=("OPL",)) == [
        ("OPL901", 10, 40, "OPL201 in `# noqa: OPL201` suppresses nothing on this line")
    ]


def warnings_for(text: str, filename: str, caplog) -> tuple[list[tuple[str, int]], list[str]]:
    """The findings (code, row) of `text` as the file `filename`, and the warnings logged. A
    warning is given once per file, line and message in a process: each test names its own."""
    from optuna_lint import Settings, lint_source

    caplog.clear()
    found = lint_source(text, filename, Settings())
    return [(f.code, f.location.row) for f in found], caplog.messages


@pytest.mark.parametrize(
    ("comment", "problem"),
    [
        ("# noqa:", "no code follows `# noqa:` (as in `# noqa: OPL201`)"),
        ("# noqa: ,", "no code follows `# noqa:` (as in `# noqa: OPL201`)"),
        ("# noqa: opl201", "no code follows `# noqa:` (as in `# noqa: OPL201`)"),
        ("# noqa: OPL201.", "unexpected `.` after `OPL201`"),
        ("# noqaOPL201", "unexpected `O` right after `noqa`"),
    ],
)
def test_a_directive_that_cannot_be_read_suppresses_nothing_and_is_named(
    comment: str, problem: str, caplog
) -> None:
    assert warnings_for(source(f"  {comment}"), "malformed.py", caplog) == (
        [("OPL201", 9), ("OPL201", 10)],
        [f"malformed.py:9: `{comment}` suppresses nothing: {problem}"],
    )


def test_a_file_wide_directive_after_code_suppresses_nothing_and_is_named(caplog) -> None:
    text = source("  # optuna-lint: noqa: OPL201")
    assert warnings_for(text, "file_wide_after_code.py", caplog) == (
        [("OPL201", 9), ("OPL201", 10)],
        [
            "file_wide_after_code.py:9: `# optuna-lint: noqa: OPL201` suppresses nothing: a "
            "file-wide directive works only on a line of its own"
        ],
    )
    text = "# optuna-lint: noqa: \n" + source()
    assert warnings_for(text, "file_wide_no_code.py", caplog) == (
        [("OPL201", 10), ("OPL201", 11)],
        [
            "file_wide_no_code.py:1: `# optuna-lint: noqa:` suppresses nothing: no code "
            "follows `# optuna-lint: noqa:` (as in `# optuna-lint: noqa: OPL201`)"
        ],
    )


def test_only_the_first_directive_of_a_comment_is_read_and_a_second_is_named(caplog) -> None:
    # As in ruff and flake8: the second directive is part of the comment. Its code stays
    # reported, and a warning says why.
    text = source("  # noqa: OPL305 # noqa: OPL201")
    assert warnings_for(text, "two_directives.py", caplog) == (
        [("OPL201", 9), ("OPL201", 10)],
        [
            "two_directives.py:9: `# noqa: OPL305 # noqa: OPL201`: only the first directive "
            "of a comment is read; list every code in that one"
        ],
    )
