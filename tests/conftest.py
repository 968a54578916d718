"""Helpers shared by the tests."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from optuna_lint import Settings, fix_source, lint_source


def lint(code: str, **settings: object) -> list[tuple[str, int, int, str]]:
    """Findings for a dedented snippet as (code, row, column, message)."""
    findings = lint_source(textwrap.dedent(code), "snippet.py", Settings(**settings))
    return [(f.code, f.location.row, f.location.column, f.message) for f in findings]


def codes_and_rows(code: str, **settings: object) -> list[tuple[str, int]]:
    return [(found[0], found[1]) for found in lint(code, **settings)]


def assert_fix(before: str, after: str, *, unsafe: bool = False, **settings: object) -> None:
    """The fix turns `before` into exactly `after`, which parses, lints clean for the fixed
    codes, and does not change when fixed again."""
    before, after = textwrap.dedent(before), textwrap.dedent(after)
    result = fix_source(before, "snippet.py", Settings(**settings), unsafe_fixes=unsafe)
    assert result.refusal is None
    assert result.text == after
    cst.parse_module(result.text)
    fixed_codes = {finding.code for finding in result.fixed}
    remaining = lint_source(result.text, "snippet.py", Settings(**settings))
    assert not [f for f in remaining if f.code in fixed_codes]
    again = fix_source(result.text, "snippet.py", Settings(**settings), unsafe_fixes=unsafe)
    assert again.text == result.text
    assert not again.fixed


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run a test from an empty temporary working directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
