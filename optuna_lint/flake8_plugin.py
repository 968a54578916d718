"""The flake8 plugin: `flake8 --select OPL` reports optuna-lint's findings.

flake8 runs the plugin once for each file that the running interpreter's `ast` parses (a file
it cannot parse is flake8's own E999, and no plugin runs on it). The plugin lints that file the
way `optuna-lint FILE` lints a file named alone: inside its project, so that the trial is
followed into the project's other modules, with the settings of the configuration closest to
it. What to report is chosen in that configuration; flake8's `--select` and `--ignore` filter
on top of it.

`# noqa` is handled twice without conflict: the engine drops the findings its directives
suppress before the plugin sees them, so flake8 never gets them (and `--disable-noqa` does not
bring them back); flake8 then applies its own rules to what is yielded, which hide a little
more: a directive on any line of a statement that spans several lines covers all of them, and
a bare `# noqa` also covers the OPL901 that says it suppresses nothing of optuna-lint's.
"""

from __future__ import annotations

import ast
import logging
import re
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path

from optuna_lint import __version__
from optuna_lint.analysis import Analysis
from optuna_lint.api import lint_source
from optuna_lint.cache import FactsCaches
from optuna_lint.configuration import ConfigError, ConfigurationFinder
from optuna_lint.discovery import display_path
from optuna_lint.engine import LintedFile, Linter
from optuna_lint.exclusion import Exclusion
from optuna_lint.findings import Finding
from optuna_lint.project import project_root
from optuna_lint.rules import FILE_NOT_LINTED
from optuna_lint.settings import Settings
from optuna_lint.source import SourceText

logger = logging.getLogger(__name__)

# flake8 reads files with universal newlines and drops a byte-order mark; optuna-lint keeps
# both, so the two texts are compared after doing the same.
_LINE_END = re.compile(r"\r\n|\r")

# How many analysed files a flake8 process keeps: enough for the modules of a large project.
ANALYSES_KEPT = 4096
# The analyses of this process, by text, reported name and metric sinks; the oldest used go.
_ANALYSES: OrderedDict[tuple[str, str, tuple[str, ...]], Analysis] = OrderedDict()


# The command line's caches of analyses, so a flake8 process reads the unchanged files of a
# project from them as `optuna-lint` does.
_CACHES = FactsCaches()


class OptunaLintChecker:
    """The flake8 plugin class, registered under the code prefix `OPL`."""

    name = "optuna-lint"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str, lines: Sequence[str]) -> None:
        # optuna-lint parses with LibCST and does not use flake8's tree; asking for it makes
        # this a tree plugin, which flake8 runs only on files its `ast` parses.
        del tree
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type[OptunaLintChecker]]]:
        """One `(row, column, "CODE message", type)` per finding; flake8 counts columns from
        0 and prints them plus 1, so the printed column is optuna-lint's own."""
        try:
            findings = lint_for_flake8(self.filename, "".join(self.lines))
        except ConfigError as error:
            # An exception would stop flake8 with a traceback from its worker processes; the
            # reason, on the first line of each file, says what to repair in one line.
            message = f"File not linted: broken configuration: {error}"
            yield 1, 0, f"{FILE_NOT_LINTED.code} {message}", type(self)
            return
        for finding in findings:
            row, column = finding.location.row, finding.location.column
            yield row, column - 1, f"{finding.code} {finding.message}", type(self)


def lint_for_flake8(filename: str, text: str) -> list[Finding]:
    """The findings for the file flake8 checks: `text` is what flake8 read for `filename`.

    A file on disk is linted inside its project, as `optuna-lint FILE` does; when its text is
    not what flake8 read (an editor piping an unsaved buffer through `flake8 -` with
    `--stdin-display-name`), flake8's text is linted in the file's place. A name with no file
    (`stdin`) is linted as a module of its own, with the configuration that applies to it.
    A broken configuration file raises `ConfigError`.
    """
    path = Path(filename)
    if path.is_file():
        return lint_file_in_project(path, text)
    return lint_source(text, filename, _configured_settings(ConfigurationFinder(), path))


def lint_file_in_project(path: Path, text: str | None = None) -> list[Finding]:
    """The findings `optuna-lint PATH` reports for a file, with the configuration files as the
    command line reads them when no option overrides them. With `text`, that text takes the
    place of the file's when they differ."""
    configurations = ConfigurationFinder()
    working_directory = Path.cwd()
    run_settings = configurations.for_directory(working_directory).settings_for(None, {})
    per_file: dict[Path, Settings] = {}

    def settings_for(file: Path) -> Settings:
        if file not in per_file:
            per_file[file] = _configured_settings(configurations, file)
        return per_file[file]

    linter = LinterKeepingAnalyses(
        run_settings, settings_for, Exclusion(configurations), caches=_CACHES
    )
    files = linter.load_paths([path], working_directory)
    if text is not None:
        files = [_with_text(linter, linted, text, working_directory) for linted in files]
    linter.lint(files)

    # The command line reports these as errors of the run; here they must not stop flake8
    # from checking the other files, and flake8 prints warnings on stderr.
    for error in linter.internal_errors:
        logger.warning("optuna-lint: %s: %s", error.display_path, error.message)
    return sorted((f for linted in files for f in linted.findings), key=Finding.sort_key)


def _configured_settings(configurations: ConfigurationFinder, path: Path) -> Settings:
    return configurations.for_file(path).settings_for(path.absolute(), {})


def _with_text(
    linter: Linter, linted: LintedFile, text: str, working_directory: Path
) -> LintedFile:
    """`linted`, or, when flake8 read another text for its path, that text analysed as the
    file at that path of the same project."""
    if linted.source is None or linted.path is None:
        return linted  # not read (too large, not decodable): the command line says so too
    if _as_flake8_reads(linted.source.text) == _as_flake8_reads(text):
        return linted
    replaced = LintedFile(
        display_path=display_path(linted.path, working_directory),
        path=linted.path,
        root=project_root(linted.path),
        source=SourceText(text=text, encoding="utf-8", has_bom=False),
    )
    replaced.facts, replaced.problem = linter.analyse_text(
        text, replaced.display_path, replaced.path
    )
    return replaced


def _as_flake8_reads(text: str) -> str:
    return _LINE_END.sub("\n", text.removeprefix("\ufeff"))


class LinterKeepingAnalyses(Linter):
    """A `Linter` that reuses the analysis of a text already analysed in this process.

    flake8 asks for one file at a time, and each file is linted with its project, so without
    this every file of a project would parse again all of the project's files that run trials
    (six minutes instead of 25 s for this repository's 188 files). The analysis
    depends on the text, the name it is reported under and the metric sinks only, so a file
    edited in between is analysed again.
    """

    def _analyse_many(
        self,
        texts: Sequence[tuple[str, str, Path | None, Path | None]],
        report_errors: bool = True,
    ) -> list[Analysis]:
        keys = [
            (text, shown_as, self.file_settings(path).metric_sinks)
            for text, shown_as, path, _ in texts
        ]
        missing = [index for index, key in enumerate(keys) if key not in _ANALYSES]
        fresh = dict(
            zip(
                missing,
                super()._analyse_many([texts[index] for index in missing], report_errors),
                strict=True,
            )
        )
        analyses = []
        for index, key in enumerate(keys):
            if index in fresh:
                analysis = fresh[index]
                if analysis.internal_error is None:  # an internal error is reported each time
                    _ANALYSES[key] = analysis
                    if len(_ANALYSES) > ANALYSES_KEPT:
                        _ANALYSES.popitem(last=False)
            else:
                analysis = _ANALYSES[key]
                _ANALYSES.move_to_end(key)
            analyses.append(analysis)
        return analyses
