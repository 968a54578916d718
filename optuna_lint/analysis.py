"""One file's analysis: screen its text, parse it and gather its facts.

This is the unit of work that worker processes run and that the cache stands in for, so it
depends on nothing but its arguments and returns plain, picklable data.
"""

from __future__ import annotations

import ast
import logging
from dataclasses import dataclass

from optuna_lint.facts import FileFacts
from optuna_lint.findings import Finding
from optuna_lint.rules import FILE_NOT_LINTED, SYNTAX_ERROR
from optuna_lint.screening import screen_source

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Analysis:
    """What analysing a text gave: its facts, or the finding (OPL001/OPL002) saying why there
    are none, or an internal error of the analysis itself."""

    facts: FileFacts | None = None
    problem: Finding | None = None
    internal_error: str | None = None


def analyse_text(text: str, display_path: str, metric_sinks: tuple[str, ...] = ()) -> Analysis:
    """The facts of a source text, or why there are none."""
    # Imported here, not above: a run that finds every file in its cache never loads LibCST,
    # which is a good part of the start-up of a run that lints one file.
    import libcst as cst

    from optuna_lint.gather import gather_facts

    reason = screen_source(text)
    if reason is not None:
        return Analysis(problem=FILE_NOT_LINTED.finding(display_path, reason))
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return Analysis(problem=_syntax_error(display_path, text, error))
    except RecursionError:
        return Analysis(problem=FILE_NOT_LINTED.finding(display_path, "nested too deeply to parse"))
    except Exception as error:  # the native parser reports some inputs this way
        return Analysis(problem=_syntax_error(display_path, text, error))
    try:
        return Analysis(facts=gather_facts(module, text, metric_sinks))
    except RecursionError:
        reason = "nested too deeply to analyse"
        return Analysis(problem=FILE_NOT_LINTED.finding(display_path, reason))
    except Exception as error:  # a bug in the analysis must not stop the other files
        logger.debug("analysis failed on %s", display_path, exc_info=True)
        return Analysis(internal_error=f"internal error while analysing: {error!r}")


def _syntax_error(display_path: str, text: str, error: Exception) -> Finding:
    """OPL001 at the position CPython gives when it also rejects the text, else at LibCST's,
    else at the first NUL character, else at 1:1."""
    import libcst as cst

    if isinstance(error, cst.ParserSyntaxError):
        reason = error.message
        position: tuple[int, int] | None = (error.raw_line, error.raw_column + 1)
    else:
        reason, position = str(error) or type(error).__name__, None
    try:
        compile(text, display_path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as compile_error:
        if compile_error.lineno:
            position = (compile_error.lineno, compile_error.offset or 1)
            reason = compile_error.msg
    except ValueError:
        pass  # CPython before 3.12 rejects NUL characters without saying where
    if position is None and "\0" in text:
        nul = text.index("\0")
        row = text.count("\n", 0, nul) + 1
        position = (row, nul - (text.rfind("\n", 0, nul) + 1) + 1)
    row, column = position or (1, 1)
    return SYNTAX_ERROR.finding(display_path, reason, max(row, 1), max(column, 1))
