"""The lint pipeline: read, screen, parse and analyse each file, link the project, run rules,
and apply fixes.

The checker never imports or runs the code it reads: files are parsed with LibCST and, for
the position of a syntax error, compiled (not executed) by CPython.
"""

from __future__ import annotations

import ast
import logging
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import libcst as cst

from optuna_lint.discovery import (
    Excluder,
    absolute_path,
    display_path,
    python_files_by_origin,
    walk_python_files,
)
from optuna_lint.facts import FileFacts
from optuna_lint.findings import Finding
from optuna_lint.fixing import MAX_FIX_PASSES, apply_fixes, fix_is_wanted
from optuna_lint.gather import gather_facts
from optuna_lint.linking import ProjectModel
from optuna_lint.module_index import ModuleIndex
from optuna_lint.notebooks import NOTEBOOK_SUFFIX, NotebookSource, read_notebook, row_namer
from optuna_lint.project import may_run_trials, project_root
from optuna_lint.relevance import can_matter
from optuna_lint.rules import (
    ALL_RULES,
    FILE_NOT_LINTED,
    SYNTAX_ERROR,
    UNUSED_NOQA,
    RuleContext,
)
from optuna_lint.screening import screen_source
from optuna_lint.settings import Settings
from optuna_lint.source import SourceError, SourceText, decode_source
from optuna_lint.suppressions import NoqaComment, read_suppressions

logger = logging.getLogger(__name__)


@dataclass
class LintedFile:
    """One file of a run: its source, its facts, and the findings about it."""

    display_path: str
    path: Path | None = None  # None for text linted from memory
    root: Path | None = None  # the root of the project the file belongs to
    source: SourceText | None = None
    facts: FileFacts | None = None
    problem: Finding | None = None  # OPL001/OPL002 when the file could not be analysed
    findings: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    fixed_text: str | None = None  # the text after fixes, when fixes changed it
    fix_refusal: str | None = None  # why the fixed text must not be written
    # Read but not analysed: nothing in its text can matter unless the project model leads
    # to it (see `relevance`).
    deferred: bool = False


@dataclass(frozen=True)
class InternalError:
    """A failure of the linter itself on one file; the run goes on with the other files."""

    display_path: str
    message: str


class Linter:
    """Lints a set of files as one project with fixed settings."""

    def __init__(
        self,
        settings: Settings,
        settings_for: Callable[[Path], Settings] | None = None,
        exclusion: Excluder | None = None,
        force_exclude: bool = False,
        analyse_everything: bool = False,
    ) -> None:
        """`settings` apply to every file, unless `settings_for` gives each file on disk its
        own (from its configuration file); text linted from memory always gets `settings`.
        `exclusion` says which files of the named folders and of the projects are left out,
        and with `force_exclude` also which of the files named. `analyse_everything` turns
        off the text test of `relevance` (for the tests that prove it loses nothing)."""
        self.settings = settings
        self.analyse_everything = analyse_everything
        self._settings_for = settings_for
        self.exclusion = exclusion
        self.force_exclude = force_exclude
        # With settings of their own, files may select any rule: each file's findings are
        # filtered by its settings.
        self.rules = [
            rule
            for rule in ALL_RULES
            if rule not in (SYNTAX_ERROR, FILE_NOT_LINTED, UNUSED_NOQA)
            and (settings_for is not None or settings.is_selected(rule.code))
        ]
        self.internal_errors: list[InternalError] = []
        self._index: ModuleIndex | None = None
        self._indexed: frozenset[str] = frozenset()
        # Facts of project files nobody named: preloaded, or loaded when the trial reaches them.
        self._other_facts: dict[str, FileFacts | None] = {}
        # Seconds spent reading and analysing the named files, indexing their projects (with
        # the unnamed files analysed then), and linking the project and running the rules.
        self.timings = {"analyse": 0.0, "index": 0.0, "link": 0.0}

    # Reading and analysing

    def load_paths(self, paths: Sequence[Path], working_directory: Path) -> list[LintedFile]:
        """Read and analyse the Python files under `paths`, each with its project's root."""
        started = time.perf_counter()
        files = []
        roots: dict[tuple[Path, Path], Path] = {}
        for path, origin in python_files_by_origin(list(paths), self.exclusion, self.force_exclude):
            linted = self.load_path(path, display_path(path, working_directory))
            key = (absolute_path(path).parent, origin)
            if key not in roots:
                named_directory = origin if origin.is_dir() else None
                roots[key] = project_root(path, named_directory)
            linted.root = roots[key]
            files.append(linted)
        self.timings["analyse"] += time.perf_counter() - started
        return files

    def file_settings(self, path: Path | None) -> Settings:
        """The settings a file is linted with."""
        if path is None or self._settings_for is None:
            return self.settings
        return self._settings_for(path)

    def load_stdin(self, data: bytes, path: Path, working_directory: Path) -> LintedFile:
        """Analyse text read from standard input as the file `path` of its project (the
        file on disk, if there is one, is not read)."""
        started = time.perf_counter()
        linted = self.load_bytes(data, display_path(path, working_directory), path)
        linted.root = project_root(path)
        self.timings["analyse"] += time.perf_counter() - started
        return linted

    def load_path(self, path: Path, display_path: str) -> LintedFile:
        """Read and analyse a file; problems become OPL001/OPL002 findings, never exceptions."""
        linted = LintedFile(display_path=display_path, path=path)
        max_file_size = self.file_settings(path).max_file_size
        try:
            status = path.stat()
            if not stat.S_ISREG(status.st_mode):
                # A pipe or a device would block the read or never end.
                linted.problem = FILE_NOT_LINTED.finding(display_path, "it is not a regular file")
                return linted
            if status.st_size > max_file_size:
                linted.problem = FILE_NOT_LINTED.finding(
                    display_path,
                    f"{status.st_size} bytes is larger than max-file-size ({max_file_size})",
                )
                return linted
            data = path.read_bytes()
        except OSError as error:
            reason = error.strerror or str(error)
            linted.problem = FILE_NOT_LINTED.finding(display_path, f"cannot read it: {reason}")
            return linted
        return self.load_bytes(data, display_path, path)

    def load_bytes(self, data: bytes, display_path: str, path: Path | None = None) -> LintedFile:
        linted = LintedFile(display_path=display_path, path=path)
        try:
            is_notebook = path is not None and path.suffix == NOTEBOOK_SUFFIX
            linted.source = read_notebook(data) if is_notebook else decode_source(data)
        except SourceError as error:
            linted.problem = SYNTAX_ERROR.finding(display_path, str(error), 1, 1)
            return linted
        if not self.analyse_everything and not can_matter(linted.source.text):
            linted.deferred = True
            return linted
        linted.facts, linted.problem = self.analyse_text(linted.source.text, display_path, path)
        return linted

    def analyse_text(
        self,
        text: str,
        display_path: str,
        path: Path | None = None,
        report_errors: bool = True,
    ) -> tuple[FileFacts | None, Finding | None]:
        """Facts about a source text, or the OPL001/OPL002 finding saying why there are none."""
        reason = screen_source(text)
        if reason is not None:
            return None, FILE_NOT_LINTED.finding(display_path, reason)
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError as error:
            return None, _syntax_error(display_path, text, error)
        except RecursionError:
            return None, FILE_NOT_LINTED.finding(display_path, "nested too deeply to parse")
        except Exception as error:  # the native parser reports some inputs this way
            return None, _syntax_error(display_path, text, error)
        try:
            return gather_facts(module, text, self.file_settings(path).metric_sinks), None
        except RecursionError:
            return None, FILE_NOT_LINTED.finding(display_path, "nested too deeply to analyse")
        except Exception as error:  # a bug in the analysis must not stop the other files
            logger.debug("analysis failed on %s", display_path, exc_info=True)
            if report_errors:
                self.internal_errors.append(
                    InternalError(display_path, f"internal error while analysing: {error!r}")
                )
            return None, None

    # Linting

    def lint(self, files: Sequence[LintedFile]) -> None:
        """Run the rules over every file, with the model of the projects they belong to.

        A deferred file that the model loaded while linking (an `optimize` call or the trial
        led to it) is analysed then, and the files are linted again with it, until no more
        are: so a file's findings are the same as when every file is analysed up front.
        """
        while True:
            project = self.project_model(files)
            started = time.perf_counter()
            for linted in files:
                linted.findings = self._findings(linted, project)
            if any(linted.deferred for linted in files):
                project.follow_every_trial()
            self.timings["link"] += time.perf_counter() - started
            if not self._analyse_reached(files):
                return

    def _analyse_reached(self, files: Sequence[LintedFile]) -> bool:
        """Analyse the deferred files the project model loaded; whether there were any."""
        reached = [
            linted
            for linted in files
            if linted.deferred and linted.display_path in self._other_facts
        ]
        for linted in reached:
            linted.deferred = False
            linted.facts = self._other_facts[linted.display_path]
            if linted.facts is None and linted.source is not None:
                # Loaded without its problem: analyse it again to report why it failed.
                linted.facts, linted.problem = self.analyse_text(
                    linted.source.text, linted.display_path, linted.path
                )
        return bool(reached)

    # The project model

    def project_model(self, files: Sequence[LintedFile]) -> ProjectModel:
        """The joined facts of `files` and of the projects they belong to."""
        self._index_projects(files)
        facts = {key: found for key, found in self._other_facts.items() if found is not None}
        facts.update(
            (linted.display_path, linted.facts) for linted in files if linted.facts is not None
        )
        return ProjectModel(facts, self._index, self._load_other)

    def _index_projects(self, files: Sequence[LintedFile]) -> None:
        """Index every module of the projects the files belong to, once per set of files, and
        analyse the unnamed files that may run trials (see `project.may_run_trials`)."""
        named = frozenset(linted.display_path for linted in files)
        if self._index is not None and named == self._indexed:
            return
        started = time.perf_counter()
        self._index, self._indexed = ModuleIndex(), named
        self._other_facts = {}
        roots = sorted({linted.root for linted in files if linted.root is not None})
        working_directory = Path.cwd()
        for linted in files:
            if linted.path is not None and linted.root is not None:
                self._index.add(linted.display_path, linted.path, linted.root)
        named_keys = {
            absolute_path(linted.path): linted.display_path
            for linted in files
            if linted.path is not None
        }
        for root in roots:
            # Notebooks are not modules another file can import: only named ones are read.
            for path in walk_python_files(root, self.exclusion, notebooks=False):
                # A file met again (named, or in a project nested in this one) is also a module
                # of this project; it is read once.
                key = named_keys.get(absolute_path(path)) or display_path(path, working_directory)
                seen = key in self._index
                self._index.add(key, path, root)
                if not seen:
                    self._preload(key, path)
        self.timings["index"] += time.perf_counter() - started

    def _preload(self, key: str, path: Path) -> None:
        text = self._read_other(path)
        if text is not None and may_run_trials(text):
            self._other_facts[key] = self.analyse_text(text, key, path, report_errors=False)[0]

    def _load_other(self, key: str) -> FileFacts | None:
        """Facts of a project file nobody named, analysed the first time the trial reaches it."""
        if key not in self._other_facts:
            path = self._index.path(key) if key in self._index else None
            text = self._read_other(path) if path is not None else None
            facts = self.analyse_text(text, key, path, report_errors=False)[0] if text else None
            self._other_facts[key] = facts
        return self._other_facts[key]

    def _read_other(self, path: Path) -> str | None:
        """The text of a project file nobody named; None for what `load_path` would report."""
        try:
            status = path.stat()
            too_large = status.st_size > self.file_settings(path).max_file_size
            if not stat.S_ISREG(status.st_mode) or too_large:
                return None
            return decode_source(path.read_bytes()).text
        except (OSError, SourceError):
            return None

    def _findings(self, linted: LintedFile, project: ProjectModel) -> list[Finding]:
        if linted.problem is not None:
            return [linted.problem]
        settings = self.file_settings(linted.path)
        if linted.deferred:
            return self._unsuppressed(linted, [], settings)
        context = RuleContext(
            path=linted.display_path,
            display_path=linted.display_path,
            facts=linted.facts,
            project=project,
            settings=settings,
        )
        findings: list[Finding] = []
        for rule in self.rules:
            try:
                findings.extend(rule.check(context))
            except Exception as error:  # a bug in one rule must not stop the others
                logger.debug("%s failed on %s", rule.code, linted.display_path, exc_info=True)
                self.internal_errors.append(
                    InternalError(linted.display_path, f"internal error in {rule.code}: {error!r}")
                )
        # A finding obeys the settings of the file it is reported in, and its suppressions.
        selected = [finding for finding in findings if settings.is_selected(finding.code)]
        return sorted(self._unsuppressed(linted, selected, settings), key=Finding.sort_key)

    def _unsuppressed(
        self, linted: LintedFile, findings: list[Finding], settings: Settings
    ) -> list[Finding]:
        text = linted.source.text if linted.source else ""
        suppressions = read_suppressions(text, row_namer(linted.display_path, linted.source))
        if suppressions.whole_file:
            return []
        used: dict[NoqaComment, set[str]] = {}
        kept = []
        for finding in findings:
            comment = suppressions.directive_for(finding.location.row, finding.code)
            if comment is not None:
                used.setdefault(comment, set()).add(finding.code)
            else:
                kept.append(finding)
        if settings.is_selected(UNUSED_NOQA.code):
            for comment in suppressions.comments:
                kept.extend(
                    UNUSED_NOQA.unused(
                        comment,
                        used.get(comment, set()),
                        settings.is_selected,
                        linted.display_path,
                        text,
                    )
                )
        return kept

    # Fixing

    def fix(self, files: Sequence[LintedFile]) -> None:
        """Apply wanted fixes file by file, in passes, re-linting the project after each pass.

        The fixed text is kept in `fixed_text`; writing it is the caller's decision. It is
        refused (and `fix_refusal` says why) when it would not parse or would bring a finding
        of a code the file did not have.
        """
        self.lint(files)
        for linted in files:
            if linted.problem is None and linted.source is not None:
                self._fix_file(linted, files)
        self.lint(files)

    def _fix_file(self, linted: LintedFile, files: Sequence[LintedFile]) -> None:
        original_source = linted.source
        original_text = original_source.text
        original_facts = linted.facts
        original_codes = {finding.code for finding in linted.findings}
        text = original_text
        fixed: list[Finding] = []

        unsafe_fixes = self.file_settings(linted.path).unsafe_fixes
        for _ in range(MAX_FIX_PASSES):
            wanted = [f for f in linted.findings if fix_is_wanted(f.fix, unsafe_fixes)]
            if not wanted:
                break
            result = apply_fixes(text, wanted)
            facts, problem = self.analyse_text(result.text, linted.display_path, linted.path)
            if problem is not None:
                linted.fix_refusal = f"the fixed text does not parse ({problem.message})"
                break
            text = result.text
            fixed.extend(result.applied)
            linted.facts = facts
            # The suppressions are read from the text being fixed.
            linted.source = replace(original_source, text=text)
            linted.findings = self._findings(linted, self.project_model(files))

        if (
            linted.fix_refusal is None
            and isinstance(original_source, NotebookSource)
            and original_source.notebook is not None
            and original_source.notebook.cell_sources(text) is None
        ):
            linted.fix_refusal = "the fixed text no longer keeps the notebook's cells apart"
        new_codes = {finding.code for finding in linted.findings} - original_codes
        if linted.fix_refusal is None and new_codes:
            linted.fix_refusal = (
                "the fixed text would have new findings (" + ", ".join(sorted(new_codes)) + ")"
            )
        if linted.fix_refusal is not None or text == original_text:
            linted.facts = original_facts
            linted.source = original_source
            return
        linted.fixed = fixed
        linted.fixed_text = text
        linted.source = replace(linted.source, text=text)


def _syntax_error(display_path: str, text: str, error: Exception) -> Finding:
    """OPL001 at the position CPython gives when it also rejects the text, else at LibCST's,
    else at the first NUL character, else at 1:1."""
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
