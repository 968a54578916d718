"""Every rule is documented under the fixed headings; the README's table and the published
pages under docs/rules/ are the generated ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from optuna_lint.rule_docs import (
    DOCS_BASE_URL,
    OPTIONAL_HEADINGS,
    PAGE_HEADINGS,
    TABLE_END,
    TABLE_START,
    main,
    page_headings,
    page_section,
    rule_page,
    rule_pages,
    rule_url,
    rules_table,
    write_rule_pages,
)
from optuna_lint.rules import ALL_RULES, RULES_BY_CODE

README = Path(__file__).parent.parent / "README.md"
RULE_PAGES = Path(__file__).parent.parent / "docs" / "rules"
REGENERATE = "regenerate them: python -m optuna_lint.rule_docs --docs docs/rules"


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


def test_published_rule_pages_are_the_generated_ones() -> None:
    expected = rule_pages(ALL_RULES)
    published = {
        path.name: path.read_bytes().decode("utf-8")
        for path in (RULE_PAGES.iterdir() if RULE_PAGES.is_dir() else [])
    }
    missing = sorted(set(expected) - set(published))
    extra = sorted(set(published) - set(expected))
    assert not missing, f"docs/rules/ lacks {missing}; {REGENERATE}"
    assert not extra, f"docs/rules/ has pages of no rule: {extra}; {REGENERATE}"
    stale = sorted(name for name, text in expected.items() if published[name] != text)
    assert not stale, f"docs/rules/ has out-of-date pages {stale}; {REGENERATE}"


def test_rule_url_is_the_published_page_in_this_repository() -> None:
    assert rule_url("OPL201") == DOCS_BASE_URL + "OPL201.md"
    assert DOCS_BASE_URL.endswith("/blob/main/docs/rules/")
    assert (RULE_PAGES / "OPL201.md").is_file()


def test_write_rule_pages_adds_rewrites_and_removes_pages(tmp_path: Path) -> None:
    rules = [RULES_BY_CODE["OPL001"], RULES_BY_CODE["OPL201"]]
    (tmp_path / "OPL001.md").write_text("old text\n", encoding="utf-8")
    (tmp_path / "OPL999.md").write_text("a rule that is gone\n", encoding="utf-8")

    assert write_rule_pages(tmp_path, rules) == ["OPL999.md", "OPL001.md", "OPL201.md"]

    assert sorted(path.name for path in tmp_path.iterdir()) == ["OPL001.md", "OPL201.md"]
    assert (tmp_path / "OPL201.md").read_text(encoding="utf-8") == rule_page(rules[1])
    assert write_rule_pages(tmp_path, rules) == []


def test_the_script_writes_pages_and_still_writes_the_readme_table(tmp_path: Path, capsys) -> None:
    main(["--docs", str(tmp_path / "rules")])
    assert sorted(path.name for path in (tmp_path / "rules").iterdir()) == sorted(
        rule_pages(ALL_RULES)
    )

    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\n{TABLE_START}stale\n{TABLE_END}", encoding="utf-8")
    main([str(readme)])
    assert readme.read_text(encoding="utf-8") == (
        f"# Title\n\n{TABLE_START}{rules_table(ALL_RULES)}{TABLE_END}"
    )
    assert "README.md rules table rewritten" in capsys.readouterr().out


def test_page_section_is_the_text_under_one_heading() -> None:
    rule = RULES_BY_CODE["OPL001"]
    assert page_section(rule, "Fix safety") == "There is no fix."
    assert page_section(rule, "What it does").startswith("Reports a file that cannot be decoded")
    assert page_section(rule, "No such heading") == ""
