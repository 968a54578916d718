"""The lint pipeline: read, screen, parse and analyse each file, link the project, run rules,
and apply fixes.

The checker never imports or runs the code it reads: files are parsed with LibCST and, for
the position of a syntax error, compiled (not executed) by CPython.
"""

from __future__ import annotations

import hashlib
import logging
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from optuna_lint.analysis import Analysis
from optuna_lint.cache import FactsCache, FactsCaches, entry_key
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
from optuna_lint.settings import Settings
from optuna_lint.source import SourceError, SourceText, decode_source
from optuna_lint.suppressions import NoqaComment, read_suppressions
from optuna_lint.workers import AnalysisJob, AnalysisPool

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
    from_stdin: bool = False  # its analyses are not cached: the text is on no disk
    read_digest: str | None = None  # of the bytes read from disk, to see later writes by others

    def changed_on_disk(self) -> bool:
        """Whether the file on disk is no longer what was read (someone saved it meanwhile):
        writing a fix then would lose their change."""
        if self.path is None or self.read_digest is None:
            return False
        try:
            return hashlib.sha256(self.path.read_bytes()).hexdigest() != self.read_digest
        except OSError:
            return True

    @property
    def cache_root(self) -> Path | None:
        """The root of the project whose cache keeps this file's analyses, if any."""
        return None if self.from_stdin else self.root


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
        jobs: int = 1,
        caches: FactsCaches | None = None,
        progress: bool = False,
    ) -> None:
        """`settings` apply to every file, unless `settings_for` gives each file on disk its
        own (from its configuration file); text linted from memory always gets `settings`.
        `exclusion` says which files of the named folders and of the projects are left out,
        and with `force_exclude` also which of the files named. `analyse_everything` turns
        off the text test of `relevance` (for the tests that prove it loses nothing). Files
        are analysed in `jobs` processes, with a progress bar on stderr when `progress` is
        set, and their facts kept in `caches` when given; `close` ends the processes and
        bounds the caches."""
        self.settings = settings
        self.analyse_everything = analyse_everything
        self._pool = AnalysisPool(jobs, progress)
        self._caches = caches
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
        self._deferred: dict[str, LintedFile] = {}
        # Unnamed files of the projects: the digest of each one's text (for the key of a run's
        # findings), and those still to analyse because they may run trials.
        self._other_digests: dict[str, str] = {}
        self._preloads_waiting: list[tuple[str, str, Path | None, Path | None]] = []
        # Seconds spent reading and analysing the named files, indexing their projects (with
        # the unnamed files analysed then), and linking the project and running the rules.
        self.timings = {"analyse": 0.0, "index": 0.0, "link": 0.0}

    # Reading and analysing

    def load_paths(
        self, paths: Sequence[Path], working_directory: Path, analyse: bool = True
    ) -> list[LintedFile]:
        """Read the Python files under `paths`, each with its project's root, and analyse
        them, unless `analyse` is false: `lint` then analyses them when the findings of the
        same inputs are not in the cache."""
        started = time.perf_counter()
        files = []
        roots: dict[tuple[Path, Path], Path] = {}
        for path, origin in python_files_by_origin(list(paths), self.exclusion, self.force_exclude):
            linted = self._read_path(path, display_path(path, working_directory))
            key = (absolute_path(path).parent, origin)
            if key not in roots:
                named_directory = origin if origin.is_dir() else None
                roots[key] = project_root(path, named_directory)
            linted.root = roots[key]
            files.append(linted)
        if analyse:
            self._analyse_files(files)
        self.timings["analyse"] += time.perf_counter() - started
        return files

    def close(self) -> None:
        """End the worker processes, and bound the caches this run wrote to."""
        self._pool.close()
        if self._caches is not None:
            self._caches.prune()

    def file_settings(self, path: Path | None) -> Settings:
        """The settings a file is linted with."""
        if path is None or self._settings_for is None:
            return self.settings
        return self._settings_for(path)

    def load_stdin(self, data: bytes, path: Path, working_directory: Path) -> LintedFile:
        """Analyse text read from standard input as the file `path` of its project (the
        file on disk, if there is one, is not read)."""
        started = time.perf_counter()
        linted = self._read_bytes(data, display_path(path, working_directory), path)
        linted.root = project_root(path)
        linted.from_stdin = True
        self._analyse_files([linted])
        self.timings["analyse"] += time.perf_counter() - started
        return linted

    def load_path(self, path: Path, display_path: str) -> LintedFile:
        """Read and analyse a file; problems become OPL001/OPL002 findings, never exceptions."""
        linted = self._read_path(path, display_path)
        self._analyse_files([linted])
        return linted

    def load_bytes(self, data: bytes, display_path: str, path: Path | None = None) -> LintedFile:
        """Decode and analyse a text, as the file `path` when it has one."""
        linted = self._read_bytes(data, display_path, path)
        self._analyse_files([linted])
        return linted

    def _read_path(self, path: Path, display_path: str) -> LintedFile:
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
        linted = self._read_bytes(data, display_path, path)
        linted.read_digest = hashlib.sha256(data).hexdigest()
        return linted

    def _read_bytes(self, data: bytes, display_path: str, path: Path | None) -> LintedFile:
        """The decoded text, marked deferred when it cannot matter; not yet analysed."""
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

    def _analyse_files(self, files: Sequence[LintedFile]) -> None:
        waiting = [
            linted
            for linted in files
            if linted.source is not None
            and linted.problem is None
            and linted.facts is None
            and not linted.deferred
        ]
        analyses = self._analyse_many(
            [
                (linted.source.text, linted.display_path, linted.path, linted.cache_root)
                for linted in waiting
            ]
        )
        for linted, analysis in zip(waiting, analyses, strict=True):
            linted.facts, linted.problem = analysis.facts, analysis.problem

    def analyse_text(
        self,
        text: str,
        display_path: str,
        path: Path | None = None,
        report_errors: bool = True,
        root: Path | None = None,
    ) -> tuple[FileFacts | None, Finding | None]:
        """Facts about a source text, or the OPL001/OPL002 finding saying why there are none.
        `root` is the project whose cache may hold them (None: no cache)."""
        (analysis,) = self._analyse_many([(text, display_path, path, root)], report_errors)
        return analysis.facts, analysis.problem

    def _analyse_many(
        self,
        texts: Sequence[tuple[str, str, Path | None, Path | None]],
        report_errors: bool = True,
    ) -> list[Analysis]:
        """The analyses of (text, display path, path, project root) in order: from the
        project's cache where it has them, else by the worker processes (then cached)."""
        analyses: dict[int, Analysis] = {}
        jobs: list[AnalysisJob] = []
        waiting: list[int] = []
        for index, (text, shown_as, path, root) in enumerate(texts):
            metric_sinks = self.file_settings(path).metric_sinks
            cache = self._caches.for_root(root) if self._caches is not None else None
            facts = cache.get(text, metric_sinks) if cache is not None else None
            if facts is not None:
                analyses[index] = Analysis(facts=facts)
            else:
                jobs.append(AnalysisJob(text, shown_as, metric_sinks))
                waiting.append(index)
        for index, job, analysis in zip(waiting, jobs, self._pool.analyse(jobs), strict=True):
            analyses[index] = analysis
            root = texts[index][3]
            if analysis.facts is not None and self._caches is not None:
                cache = self._caches.for_root(root)
                if cache is not None:
                    cache.put(job.text, job.metric_sinks, analysis.facts)
            if analysis.internal_error is not None and report_errors:
                self.internal_errors.append(
                    InternalError(job.display_path, analysis.internal_error)
                )
        return [analyses[index] for index in range(len(texts))]

    # Linting

    def lint(self, files: Sequence[LintedFile], use_cached_findings: bool = True) -> None:
        """Run the rules over every file, with the model of the projects they belong to; or,
        when the cache holds the findings of a run with the same inputs, take those.

        A deferred file that the model loaded while linking (an `optimize` call or the trial
        led to it) is analysed then, and the files are linted again with it, until no more
        are: so a file's findings are the same as when every file is analysed up front.
        """
        run_cache, run_key = self._run_cache(files) if use_cached_findings else (None, None)
        if run_cache is not None and run_key is not None:
            cached = run_cache.get_findings(run_key)
            if cached is not None and set(cached) == {linted.display_path for linted in files}:
                for linted in files:
                    linted.findings = cached[linted.display_path]
                return
        errors_before = len(self.internal_errors)
        started = time.perf_counter()
        self._analyse_files(files)
        self.timings["analyse"] += time.perf_counter() - started
        while True:
            project = self.project_model(files)
            started = time.perf_counter()
            for linted in files:
                linted.findings = self._findings(linted, project)
            if any(linted.deferred for linted in files):
                project.follow_every_trial()
            self.timings["link"] += time.perf_counter() - started
            if not self._analyse_reached(files):
                break
        # The findings of a run in which a rule failed are not kept.
        if (
            run_cache is not None
            and run_key is not None
            and len(self.internal_errors) == errors_before
        ):
            run_cache.put_findings(
                run_key, {linted.display_path: linted.findings for linted in files}
            )

    def _run_cache(self, files: Sequence[LintedFile]) -> tuple[FactsCache | None, str | None]:
        """The cache that keeps the findings of this run, and the key of its inputs: the
        linter's own fingerprint (in the cache's folder), each named file's text, settings
        and project, and the text of every other file of those projects, any of which can
        change a finding. None for text from standard input or with no project."""
        if self._caches is None or not files:
            return None, None
        if any(linted.from_stdin or linted.root is None for linted in files):
            return None, None
        run_cache = self._caches.for_root(files[0].root)
        if run_cache is None:
            return None, None
        self._index_projects(files)
        digest = hashlib.sha256(b"everything" if self.analyse_everything else b"text test")
        for linted in files:
            text = linted.source.text if linted.source is not None else ""
            problem = linted.problem.message if linted.problem is not None else ""
            for part in (
                linted.display_path,
                str(linted.path),
                str(linted.root),
                repr(self.file_settings(linted.path)),
                problem,
                entry_key(text, ()),
            ):
                digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        for key in sorted(self._other_digests):
            digest.update(f"{key}\0{self._other_digests[key]}\0".encode("utf-8", "surrogatepass"))
        return run_cache, digest.hexdigest()

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
                    linted.source.text, linted.display_path, linted.path, root=linted.cache_root
                )
        return bool(reached)

    # The project model

    def project_model(self, files: Sequence[LintedFile]) -> ProjectModel:
        """The joined facts of `files` and of the projects they belong to."""
        self._index_projects(files)
        self._analyse_preloads()
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
        self._deferred = {linted.display_path: linted for linted in files if linted.deferred}
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
        preloaded: list[tuple[str, str, Path | None, Path | None]] = []
        self._other_digests = {}
        for root in roots:
            # Notebooks are not modules another file can import: only named ones are read.
            for path in walk_python_files(root, self.exclusion, notebooks=False):
                # A file met again (named, or in a project nested in this one) is also a module
                # of this project; it is read once.
                key = named_keys.get(absolute_path(path)) or display_path(path, working_directory)
                seen = key in self._index
                self._index.add(key, path, root)
                if not seen:
                    text = self._read_other(path)
                    if self._caches is not None:
                        self._other_digests[key] = "-" if text is None else entry_key(text, ())
                    if text is not None and may_run_trials(text):
                        preloaded.append((text, key, path, root))
        self._preloads_waiting = preloaded
        self.timings["index"] += time.perf_counter() - started

    def _analyse_preloads(self) -> None:
        """Analyse the unnamed files indexed as able to run trials, once."""
        if not self._preloads_waiting:
            return
        started = time.perf_counter()
        preloaded, self._preloads_waiting = self._preloads_waiting, []
        analyses = self._analyse_many(preloaded, report_errors=False)
        for (_, key, _, _), analysis in zip(preloaded, analyses, strict=True):
            self._other_facts[key] = analysis.facts
        self.timings["index"] += time.perf_counter() - started

    def _load_other(self, key: str) -> FileFacts | None:
        """Facts of a file not analysed yet (nobody named it, or it was deferred), analysed the
        first time an `optimize` call or the trial leads to it."""
        if key not in self._other_facts:
            deferred = self._deferred.get(key)
            if deferred is not None and deferred.source is not None:
                # Named: its text is the one read for the run (standard input's, say).
                path, text, root = deferred.path, deferred.source.text, deferred.cache_root
            else:
                path = self._index.path(key) if key in self._index else None
                text = self._read_other(path) if path is not None else None
                root = self._index.root(key) if path is not None else None
            facts = None
            if text:
                facts = self.analyse_text(text, key, path, report_errors=False, root=root)[0]
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
        if not findings and not settings.is_selected(UNUSED_NOQA.code):
            return []  # nothing to suppress: the comments need not be read
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
        self.lint(files, use_cached_findings=False)
        for linted in files:
            if linted.problem is None and linted.source is not None:
                self._fix_file(linted, files)
        self.lint(files, use_cached_findings=False)

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
            facts, problem = self.analyse_text(
                result.text, linted.display_path, linted.path, root=linted.cache_root
            )
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
