"""Every output format, written from the same real findings: a safe fix (OPL201), an unsafe fix
over several lines (OPL101), a file that does not parse (OPL001), and a clean file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

import optuna_lint
from optuna_lint.findings import FILE_START, Finding, Location, Span
from optuna_lint.reporting import OUTPUT_FORMATS, SUMMARY_FORMATS, render
from optuna_lint.rule_docs import PROJECT_URL, rule_url
from optuna_lint.rules import ALL_RULES

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

ATTR_AFTER = (
    "import optuna\n\n\ndef objective(trial):\n    loss = 1.0\n    trial.report(loss, 0)\n"
    "    if trial.should_prune():\n        raise optuna.TrialPruned()\n"
    "    trial.set_user_attr('loss', loss)\n    return loss\n\n\n"
    "optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)\n"
)
UNFED = (
    "import optuna\n\n\ndef objective(trial):\n    for epoch in range(3):\n"
    "        loss = 1.0 / (epoch + 1)\n    return loss\n\n\n"
    "optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)\n"
)
BROKEN = "def objective(trial)\n    return 1\n"
CLEAN = "import optuna\n\n\ndef objective(trial):\n    return trial.suggest_float('x', 0, 1)\n"
TEXTS = {"pkg/tune.py": ATTR_AFTER, "unfed.py": UNFED, "broken.py": BROKEN, "clean.py": CLEAN}

# The linter's own messages, as the formats below must carry them.
SYNTAX_MESSAGE = "Cannot parse the file: expected ':'"
ATTR_MESSAGE = (
    "`trial.set_user_attr('loss', ...)` runs after the prune check on line 7: a pruned trial "
    "raises there and never stores `loss`"
)
UNFED_MESSAGE = (
    "Objective `objective` never reports to its study's MedianPruner: without "
    "`trial.report(...)` and a prune check, no trial is ever pruned"
)
ATTR_FIX = "Move the call before the prune check"
UNFED_FIX = "Report `loss` at step `epoch` and prune"
UNFED_INSERTION = (
    "        trial.report(loss, epoch)\n        if trial.should_prune():\n"
    "            raise optuna.TrialPruned()\n"
)


@pytest.fixture(scope="module")
def findings() -> list[Finding]:
    found = [
        finding for name, text in TEXTS.items() for finding in optuna_lint.lint_source(text, name)
    ]
    assert [finding.code for finding in found] == ["OPL201", "OPL101", "OPL001"]
    # The formats sort; handing them the findings out of order shows that they do.
    return found


def test_the_formats_and_the_ones_a_summary_follows() -> None:
    assert OUTPUT_FORMATS == (
        "concise",
        "full",
        "json",
        "json-lines",
        "sarif",
        "github",
        "gitlab",
        "junit",
        "pylint",
    )
    assert frozenset({"concise", "full"}) == SUMMARY_FORMATS


def test_concise(findings) -> None:
    assert render(findings, "concise", TEXTS, unsafe_fixes=False) == (
        f"broken.py:1:21: OPL001 {SYNTAX_MESSAGE}\n"
        f"pkg/tune.py:9:5: OPL201 [*] {ATTR_MESSAGE}\n"
        f"unfed.py:4:1: OPL101 {UNFED_MESSAGE}\n"
    )
    assert f"unfed.py:4:1: OPL101 [*] {UNFED_MESSAGE}\n" in render(
        findings, "concise", TEXTS, unsafe_fixes=True
    )


def test_full(findings) -> None:
    assert render(findings, "full", TEXTS, unsafe_fixes=False) == (
        f"broken.py:1:21: OPL001 {SYNTAX_MESSAGE}\n"
        "  |\n"
        "1 | def objective(trial)\n"
        "  |                     ^ OPL001\n"
        "2 |     return 1\n"
        "  |\n"
        "\n"
        f"pkg/tune.py:9:5: OPL201 [*] {ATTR_MESSAGE}\n"
        "   |\n"
        " 7 |     if trial.should_prune():\n"
        " 8 |         raise optuna.TrialPruned()\n"
        " 9 |     trial.set_user_attr('loss', loss)\n"
        "   |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ OPL201\n"
        "10 |     return loss\n"
        "11 |\n"
        "   |\n"
        f"   = help: {ATTR_FIX}\n"
        "\n"
        f"unfed.py:4:1: OPL101 {UNFED_MESSAGE}\n"
        "  |\n"
        "2 |\n"
        "3 |\n"
        "4 | def objective(trial):\n"
        "  | ^^^^^^^^^^^^^^^^^^^^^ OPL101 (to line 7)\n"
        "5 |     for epoch in range(3):\n"
        "6 |         loss = 1.0 / (epoch + 1)\n"
        "  |\n"
        f"  = help: {UNFED_FIX} (unsafe fix: apply it with --fix --unsafe-fixes)\n"
        "\n"
    )


def test_full_without_the_file_text_and_with_wide_characters() -> None:
    unreadable = Finding(
        "OPL002", "file-not-linted", "File not linted: denied", "gone.py", FILE_START
    )
    assert render([unreadable], "full", {}, unsafe_fixes=False) == (
        "gone.py:1:1: OPL002 File not linted: denied\n\n"
    )

    # The mark sits under `z` although a tab and two wide characters come before it.
    source = "x = 1\n\ty = '日本' + z\n"
    z = Location(2, source.splitlines()[1].index("z") + 1)
    span = Span(source.index("z"), source.index("z") + 1, z, Location(2, z.column + 1))
    finding = Finding("OPL999", "made-up", "Made up", "wide.py", span)
    shown = render([finding], "full", {"wide.py": source}, unsafe_fixes=False).splitlines()
    # 18 = the space after the bar, the tab (4), "y = '" (5), the two wide characters (2 x 2)
    # and "' + " (4).
    assert shown[3:5] == ["2 |     y = '日本' + z", "  |" + " " * 18 + "^ OPL999"]


def test_full_numbers_lines_as_the_findings_do() -> None:
    # A form feed ends no line for Python (nor for the rows of findings), only for splitlines.
    source = "x = 1  # \x0c page\ny = 2\n"
    y = Location(2, 1)
    finding = Finding(
        "OPL999",
        "made-up",
        "Made up",
        "feed.py",
        Span(source.index("y"), source.index("y") + 1, y, Location(2, 2)),
    )
    shown = render([finding], "full", {"feed.py": source}, unsafe_fixes=False).split("\n")
    assert shown[1:5] == ["  |", "1 | x = 1  # \x0c page", "2 | y = 2", "  | ^ OPL999"]


def test_colour_wraps_the_human_formats_and_nothing_else(findings) -> None:
    ansi = re.compile("\x1b\\[[0-9;]*m")
    for output_format in ("concise", "full"):
        coloured = render(findings, output_format, TEXTS, unsafe_fixes=False, colour=True)
        assert "\x1b[1;31mOPL201\x1b[0m" in coloured
        assert ansi.sub("", coloured) == render(findings, output_format, TEXTS, False)
    for output_format in set(OUTPUT_FORMATS) - {"concise", "full"}:
        coloured = render(findings, output_format, TEXTS, unsafe_fixes=False, colour=True)
        assert "\x1b" not in coloured


def test_pylint(findings) -> None:
    assert render(findings, "pylint", TEXTS, unsafe_fixes=False) == (
        f"broken.py:1: [OPL001] {SYNTAX_MESSAGE}\n"
        f"pkg/tune.py:9: [OPL201] {ATTR_MESSAGE}\n"
        f"unfed.py:4: [OPL101] {UNFED_MESSAGE}\n"
    )


def test_github(findings) -> None:
    assert render(findings, "github", TEXTS, unsafe_fixes=False) == (
        "::error title=optuna-lint (OPL001),file=broken.py,line=1,col=21,endLine=1,endColumn=21"
        f"::OPL001 {SYNTAX_MESSAGE}\n"
        "::error title=optuna-lint (OPL201),file=pkg/tune.py,line=9,col=5,endLine=9,endColumn=38"
        f"::OPL201 {ATTR_MESSAGE}\n"
        "::error title=optuna-lint (OPL101),file=unfed.py,line=4,col=1,endLine=7,endColumn=16"
        f"::OPL101 {UNFED_MESSAGE}\n"
    )


def test_github_escapes_the_message_and_the_properties(findings) -> None:
    odd = Finding(
        "OPL201",
        "user-attr-after-prune-check",
        "100% sure, see: line 2\r\nand more",
        "a,b/c:d.py",
        findings[0].span,
    )
    assert render([odd], "github", {}, unsafe_fixes=False) == (
        "::error title=optuna-lint (OPL201),file=a%2Cb/c%3Ad.py,line=9,col=5,endLine=9,"
        "endColumn=38::OPL201 100%25 sure, see: line 2%0D%0Aand more\n"
    )


def test_json_lines(findings) -> None:
    attr_url = rule_url("OPL201")
    assert attr_url == "https://github.com/optuna-lint/optuna-lint/blob/main/docs/rules/OPL201.md"
    assert render(findings, "json-lines", TEXTS, unsafe_fixes=False) == (
        '{"code": "OPL001", "name": "syntax-error", '
        f'"message": "{SYNTAX_MESSAGE}", "filename": "broken.py", "cell": null, '
        '"location": {"row": 1, "column": 21}, "end_location": {"row": 1, "column": 21}, '
        f'"fix": null, "url": "{rule_url("OPL001")}"}}\n'
        '{"code": "OPL201", "name": "user-attr-after-prune-check", '
        f'"message": "{ATTR_MESSAGE}", "filename": "pkg/tune.py", "cell": null, '
        '"location": {"row": 9, "column": 5}, "end_location": {"row": 9, "column": 38}, '
        f'"fix": {{"applicability": "safe", "message": "{ATTR_FIX}", "edits": ['
        '{"content": "    trial.set_user_attr(\'loss\', loss)\\n", '
        '"location": {"row": 6, "column": 1}, "end_location": {"row": 6, "column": 1}}, '
        '{"content": "", '
        '"location": {"row": 9, "column": 1}, "end_location": {"row": 10, "column": 1}}]}, '
        f'"url": "{attr_url}"}}\n'
        '{"code": "OPL101", "name": "pruner-never-fed", '
        f'"message": "{UNFED_MESSAGE}", "filename": "unfed.py", "cell": null, '
        '"location": {"row": 4, "column": 1}, "end_location": {"row": 7, "column": 16}, '
        f'"fix": {{"applicability": "unsafe", "message": "{UNFED_FIX}", "edits": ['
        f'{{"content": {json.dumps(UNFED_INSERTION)}, '
        '"location": {"row": 7, "column": 1}, "end_location": {"row": 7, "column": 1}}]}, '
        f'"url": "{rule_url("OPL101")}"}}\n'
    )


def test_json_holds_the_json_lines_items(findings) -> None:
    listed = json.loads(render(findings, "json", TEXTS, unsafe_fixes=False))
    lines = render(findings, "json-lines", TEXTS, unsafe_fixes=False).splitlines()
    assert listed == [json.loads(line) for line in lines]


def test_sarif(findings) -> None:
    log = json.loads(render(findings, "sarif", TEXTS, unsafe_fixes=False))
    _assert_valid_sarif(log)

    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("optuna-lint", optuna_lint.__version__)
    assert driver["informationUri"] == PROJECT_URL
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in ALL_RULES]
    for described, rule in zip(driver["rules"], ALL_RULES, strict=True):
        assert described["name"] == rule.name
        assert described["shortDescription"] == {"text": rule.summary}
        assert described["fullDescription"]["text"]
        assert described["helpUri"] == rule_url(rule.code)
    assert run["columnKind"] == "unicodeCodePoints"

    syntax, attr, unfed = run["results"]
    assert syntax == {
        "ruleId": "OPL001",
        "ruleIndex": 0,
        "level": "error",
        "message": {"text": SYNTAX_MESSAGE},
        "locations": [_sarif_location("broken.py", 1, 21, 1, 21)],
    }
    assert attr == {
        "ruleId": "OPL201",
        "ruleIndex": [rule.code for rule in ALL_RULES].index("OPL201"),
        "level": "warning",
        "message": {"text": ATTR_MESSAGE},
        "locations": [_sarif_location("pkg/tune.py", 9, 5, 9, 38)],
        "fixes": [
            {
                "description": {"text": ATTR_FIX},
                "artifactChanges": [
                    {
                        "artifactLocation": {"uri": "pkg/tune.py"},
                        "replacements": [
                            {
                                "deletedRegion": _region(6, 1, 6, 1),
                                "insertedContent": {
                                    "text": "    trial.set_user_attr('loss', loss)\n"
                                },
                            },
                            {
                                "deletedRegion": _region(9, 1, 10, 1),
                                "insertedContent": {"text": ""},
                            },
                        ],
                    }
                ],
                "properties": {"applicability": "safe"},
            }
        ],
    }
    assert unfed["level"] == "warning"
    assert unfed["locations"] == [_sarif_location("unfed.py", 4, 1, 7, 16)]
    (fix,) = unfed["fixes"]
    assert fix["properties"] == {"applicability": "unsafe"}
    assert fix["artifactChanges"][0]["replacements"] == [
        {"deletedRegion": _region(7, 1, 7, 1), "insertedContent": {"text": UNFED_INSERTION}}
    ]


def test_sarif_uris_of_odd_and_absolute_paths() -> None:
    near = Finding("OPL002", "file-not-linted", "File not linted: x", "my dir/a#b.py", FILE_START)
    far = Finding("OPL002", "file-not-linted", "File not linted: x", "/srv/tune.py", FILE_START)
    log = json.loads(render([near, far], "sarif", {}, unsafe_fixes=False))
    _assert_valid_sarif(log)
    uris = [
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for result in log["runs"][0]["results"]
    ]
    assert uris == ["file:///srv/tune.py", "my%20dir/a%23b.py"]


def test_gitlab(findings) -> None:
    issues = json.loads(render(findings, "gitlab", TEXTS, unsafe_fixes=False))
    fingerprints = [issue.pop("fingerprint") for issue in issues]
    assert issues == [
        {
            "description": f"OPL001 {SYNTAX_MESSAGE}",
            "check_name": "OPL001",
            "severity": "blocker",
            "location": {"path": "broken.py", "lines": {"begin": 1, "end": 1}},
        },
        {
            "description": f"OPL201 {ATTR_MESSAGE}",
            "check_name": "OPL201",
            "severity": "major",
            "location": {"path": "pkg/tune.py", "lines": {"begin": 9, "end": 9}},
        },
        {
            "description": f"OPL101 {UNFED_MESSAGE}",
            "check_name": "OPL101",
            "severity": "major",
            "location": {"path": "unfed.py", "lines": {"begin": 4, "end": 7}},
        },
    ]
    assert all(re.fullmatch("[0-9a-f]{64}", fingerprint) for fingerprint in fingerprints)
    assert len(set(fingerprints)) == 3


def test_gitlab_fingerprint_survives_moved_lines_and_tells_twins_apart(findings) -> None:
    unfed = findings[1]
    moved_text = "# a comment above everything\n" + UNFED
    (moved,) = optuna_lint.lint_source(moved_text, "unfed.py")
    assert (moved.location.row, moved.message) == (unfed.location.row + 1, unfed.message)

    def fingerprints(found: list[Finding], text: str) -> list[str]:
        issues = json.loads(render(found, "gitlab", {"unfed.py": text}, unsafe_fixes=False))
        return [issue["fingerprint"] for issue in issues]

    (original,) = fingerprints([unfed], UNFED)
    assert fingerprints([moved], moved_text) == [original]
    twins = fingerprints([unfed, unfed], UNFED)
    assert twins[0] == original
    assert twins[1] != original


def test_junit(findings) -> None:
    root = ElementTree.fromstring(render(findings, "junit", TEXTS, unsafe_fixes=False))
    assert root.tag == "testsuites"
    (suite,) = root
    assert suite.attrib == {
        "name": "optuna-lint",
        "tests": "4",
        "failures": "3",
        "errors": "0",
        "skipped": "0",
    }
    cases = [
        (
            case.get("classname"),
            case.get("name"),
            [(failure.get("type"), failure.get("message"), failure.text) for failure in case],
        )
        for case in suite
    ]
    assert cases == [
        (
            "broken.py",
            "OPL001 at 1:21",
            [("OPL001", SYNTAX_MESSAGE, f"broken.py:1:21: {SYNTAX_MESSAGE}")],
        ),
        ("clean.py", "no findings", []),
        (
            "pkg/tune.py",
            "OPL201 at 9:5",
            [("OPL201", ATTR_MESSAGE, f"pkg/tune.py:9:5: {ATTR_MESSAGE}")],
        ),
        (
            "unfed.py",
            "OPL101 at 4:1",
            [("OPL101", UNFED_MESSAGE, f"unfed.py:4:1: {UNFED_MESSAGE}")],
        ),
    ]
    assert {case.get("line") for case in suite if len(case)} == {"1", "9", "4"}
    assert all(element.tag == "failure" for case in suite for element in case)


@pytest.mark.parametrize(
    ("output_format", "expected"),
    [
        ("concise", ""),
        ("full", ""),
        ("json", "[]\n"),
        ("json-lines", ""),
        ("github", ""),
        ("gitlab", "[]\n"),
        ("pylint", ""),
    ],
)
def test_a_clean_run(output_format: str, expected: str) -> None:
    assert render([], output_format, {"clean.py": CLEAN}, unsafe_fixes=False) == expected


def test_a_clean_run_in_sarif_still_describes_the_tool() -> None:
    log = json.loads(render([], "sarif", {"clean.py": CLEAN}, unsafe_fixes=False))
    _assert_valid_sarif(log)
    (run,) = log["runs"]
    assert run["results"] == []
    assert len(run["tool"]["driver"]["rules"]) == len(ALL_RULES)


def test_a_clean_run_in_junit_passes_one_test_per_file() -> None:
    texts = {"clean.py": CLEAN, "pkg/other.py": CLEAN}
    suite = ElementTree.fromstring(render([], "junit", texts, unsafe_fixes=False)).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "0", "0")
    assert [(case.get("classname"), len(case)) for case in suite] == [
        ("clean.py", 0),
        ("pkg/other.py", 0),
    ]

    empty = ElementTree.fromstring(render([], "junit", {}, unsafe_fixes=False))
    assert (empty.get("tests"), empty.get("failures")) == ("0", "0")
    assert [suite.get("tests") for suite in empty] == ["0"]


def _assert_valid_sarif(log: dict) -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema comes with the test extra")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    validator = jsonschema.Draft4Validator(schema)
    errors = [
        f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(log)
    ]
    assert errors == []


def _sarif_location(uri: str, *region: int) -> dict:
    return {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": _region(*region)}}


def _region(start_line: int, start_column: int, end_line: int, end_column: int) -> dict:
    return {
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    }


def test_full_marks_a_real_finding_after_wide_characters_by_display_width() -> None:
    # The finding starts at character 17 of its line but at display column 22: the two
    # identifiers' four wide characters and the string's three take two columns each.
    source = ATTR_AFTER.replace(
        "    trial.set_user_attr('loss', loss)\n",
        "    損失 = '日本語'; trial.set_user_attr('loss', loss)\n",
    )
    (finding,) = optuna_lint.lint_source(source, "wide.py")
    assert (finding.code, finding.location) == ("OPL201", Location(9, 17))
    shown = render([finding], "full", {"wide.py": source}, unsafe_fixes=False).splitlines()
    assert shown[4:6] == [
        " 9 |     損失 = '日本語'; trial.set_user_attr('loss', loss)",
        "   |" + " " * 22 + "^" * 33 + " OPL201",
    ]
