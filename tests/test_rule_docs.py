"""Every rule is documented under the fixed headings, and the README's table is generated."""

from __future__ import annotations

from pathlib import Path

import pytest

from optuna_lint.rule_docs import (
    OPTIONAL_HEADINGS,
    PAGE_HEADINGS,
    TABLE_END,
    TABLE_START,
    page_headings,
    rules_table,
)
from optuna_lint.rules import ALL_RULES

README = Path(__file__).parent.parent / "README.md"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_rule_page_has_the_fixed_headings(rule) -> None:
    headings = page_headings(rule)
    assert headings[: len(PAGE_HEADINGS)] == list(PAGE_HEADINGS)
    assert set(headings[len(PAGE_HEADINGS) :]) <= set(OPTIONAL_HEADINGS)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_fix_summary_agrees_with_what_the_rule_can_fix(rule) -> None:
    if rule.fix_availability == "none":
        assert rule.fix_summary == "none"
    else:
        kinds = {"safe": ("safe",), "unsafe": ("unsafe",), "sometimes": ("safe", "unsafe")}
        assert rule.fix_summary.startswith(kinds[rule.fix_availability])


def test_readme_rule_table_is_the_generated_one() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index(TABLE_START) + len(TABLE_START)
    end = text.index(TABLE_END)
    assert text[start:end] == rules_table(ALL_RULES)


def test_codes_are_unique_and_sorted() -> None:
    codes = [rule.code for rule in ALL_RULES]
    assert codes == sorted(set(codes))
