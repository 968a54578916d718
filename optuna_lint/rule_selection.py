"""Rule selection: the selectors (codes and prefixes) of `select`, `extend-select`, `ignore`
and `per-file-ignores`, on the command line and in the configuration files alike, and the rules
they turn on when the layers (defaults, configuration files, command line) are put together.

A selector is a rule's whole code (`OPL201`) or a prefix of one or more codes (`OPL`, `OPL2`,
`OPL20`). Anything else is refused rather than matching nothing: a misspelt `--ignore` that
silently ignores no rule is worse than an error. Codes are upper case, as in ruff: `opl1` is no
selector.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from optuna_lint.rules import ALL_RULES
from optuna_lint.settings import DEFAULT_SELECT

# The prefix every code starts with; the shortest selector.
CODE_PREFIX = "OPL"
KNOWN_SELECTORS = frozenset(
    rule.code[:length]
    for rule in ALL_RULES
    for length in range(len(CODE_PREFIX), len(rule.code) + 1)
)


class UnknownSelector(ValueError):
    """A selector that is neither a rule's code nor a prefix of one; the message names it."""


def checked_selectors(selectors: Iterable[str]) -> tuple[str, ...]:
    """The selectors, stripped of surrounding blanks; raises UnknownSelector for the first that
    selects no rule."""
    checked = tuple(selector.strip() for selector in selectors)
    for selector in checked:
        if selector not in KNOWN_SELECTORS:
            raise UnknownSelector(f"unknown rule selector `{selector}`")
    return checked


@dataclass(frozen=True)
class SelectionLayer:
    """What one configuration file, or the command line, says about which rules are on."""

    select: tuple[str, ...] | None = None  # None: this layer keeps the selection below it
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> SelectionLayer:
        """The layer of a configuration table (or of the command line's options), whose
        selectors have been checked already."""
        select = values.get("select")
        return cls(
            select=tuple(select) if select is not None else None,
            extend_select=tuple(values.get("extend-select", ())),
            ignore=tuple(values.get("ignore", ())),
        )


DEFAULT_LAYER = SelectionLayer(select=DEFAULT_SELECT)
ALL_CODES = tuple(rule.code for rule in ALL_RULES)


def selected_codes(layers: Iterable[SelectionLayer]) -> tuple[str, ...]:
    """The codes of the rules that are on after the layers, lowest first (the defaults, a file
    that another extends, the file extending it, the command line), as ruff resolves them.

    A layer with `select` replaces the selection of the layers below it; its `extend-select`
    and `ignore` (and those of a layer without `select`) add to or take from it. Within a
    layer the more specific selector wins (`ignore = ["OPL1"]` with `extend-select =
    ["OPL101"]` keeps OPL101), and `ignore` wins over a selector as specific as itself.
    """
    selected: set[str] = set()
    for layer in (DEFAULT_LAYER, *layers):
        turned_on = _layer_decisions(layer)
        if layer.select is not None:
            selected = {code for code, on in turned_on.items() if on}
            continue
        for code, on in turned_on.items():
            if on:
                selected.add(code)
            else:
                selected.discard(code)
    return tuple(code for code in ALL_CODES if code in selected)


def _layer_decisions(layer: SelectionLayer) -> dict[str, bool]:
    """For each code the layer speaks of, whether it turns it on; the longest selector is
    applied last, so it decides."""
    decisions: dict[str, bool] = {}
    choosing = (*(layer.select or ()), *layer.extend_select)
    for length in sorted({len(selector) for selector in (*choosing, *layer.ignore)}):
        for selectors, on in ((choosing, True), (layer.ignore, False)):
            for selector in selectors:
                if len(selector) == length:
                    decisions.update((code, on) for code in ALL_CODES if code.startswith(selector))
    return decisions


def without(codes: Iterable[str], ignored: Iterable[str]) -> tuple[str, ...]:
    """The codes that none of the `ignored` selectors (a file's `per-file-ignores`) matches."""
    ignored = tuple(ignored)
    return tuple(code for code in codes if not code.startswith(ignored))


def shortest_selectors(codes: Iterable[str]) -> tuple[str, ...]:
    """The fewest selectors that select exactly these codes: a group's prefix when all of the
    group is on (`OPL1`), else its codes one by one. For showing a selection."""
    codes = set(codes)

    def cover(prefix: str) -> list[str]:
        group = [code for code in ALL_CODES if code.startswith(prefix)]
        if all(code in codes for code in group):
            return [prefix] if group else []
        if len(prefix) >= max(len(code) for code in group):
            return []
        children = sorted({code[: len(prefix) + 1] for code in group})
        return [selector for child in children for selector in cover(child)]

    return tuple(cover(CODE_PREFIX))
