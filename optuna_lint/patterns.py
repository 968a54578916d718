"""Compiling gitignore-style patterns (through `pathspec`), for the configuration's `exclude`,
`extend-exclude` and `per-file-ignores` and for the `.gitignore` files.

A pattern can fail to compile: `[z-a]` is a character range running backwards, and `pathspec`
turns it into a regular expression that Python refuses. The configuration reports such a
pattern; a `.gitignore` skips it, as git does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pathspec


class InvalidPattern(ValueError):
    """A gitignore-style pattern that cannot be compiled; the message names it and says why."""


def compile_patterns(patterns: Iterable[str]) -> pathspec.GitIgnoreSpec:
    """The patterns as one spec; raises InvalidPattern for the first that does not compile."""
    patterns = list(patterns)
    try:
        return pathspec.GitIgnoreSpec.from_lines(patterns)
    except (re.error, ValueError):
        # Compiled again one by one only to name the culprit.
        for pattern in patterns:
            reason = _problem(pattern)
            if reason is not None:
                raise InvalidPattern(f"invalid pattern {_quoted(pattern)}: {reason}") from None
        raise


def compile_gitignore(lines: Iterable[str]) -> pathspec.GitIgnoreSpec:
    """The lines of a `.gitignore` as one spec, leaving out those that are no valid pattern:
    git ignores such a line without a word, and so does the linter."""
    lines = list(lines)
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except (re.error, ValueError):
        return pathspec.GitIgnoreSpec.from_lines(line for line in lines if _problem(line) is None)


def _problem(pattern: str) -> str | None:
    """Why a pattern does not compile, or None when it does."""
    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except re.error as error:
        # The position `re` gives is in the translated expression, not in the pattern: left out.
        return error.msg
    except ValueError:
        return "not a gitignore-style pattern"
    return None


def _quoted(pattern: str) -> str:
    """The pattern as TOML (and JSON) write a string, so spaces and quotes show."""
    escaped = pattern.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
