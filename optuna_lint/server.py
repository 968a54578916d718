"""`optuna-lint server`: a Language Server Protocol server over stdio, for editors.

Each open document is linted as it is opened, changed and saved, and its findings are published
as diagnostics. A document that is a file of a project is linted as part of that project, with
the configuration that applies to it, exactly as `optuna-lint PATH` would lint it, except that
its text is the editor's, not the disk's. Any other document (an unsaved buffer) is linted as a
module on its own with the default settings. Code actions offer each finding's fix, and
`source.fixAll.optuna-lint` applies the fixes `optuna-lint --fix` would apply.

Needs the optional `server` extra (pygls): `pip install 'optuna-lint[server]'`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from optuna_lint import __version__
from optuna_lint.configuration import ConfigError, ConfigurationFinder
from optuna_lint.discovery import display_path
from optuna_lint.engine import LintedFile, Linter
from optuna_lint.exclusion import Exclusion
from optuna_lint.findings import Applicability, Finding, Location
from optuna_lint.project import project_root
from optuna_lint.rules import FILE_NOT_LINTED, SYNTAX_ERROR
from optuna_lint.settings import Settings
from optuna_lint.source import LineIndex, SourceText

try:
    from lsprotocol import types
    from pygls.lsp.server import LanguageServer
    from pygls.uris import to_fs_path
except ImportError:  # the `server` extra is not installed; `main` says how to get it
    types = None

logger = logging.getLogger(__name__)

SOURCE = "optuna-lint"
FIX_ALL_KIND = "source.fixAll.optuna-lint"
# Findings about the file itself: nothing else in it was checked.
ERROR_CODES = frozenset({SYNTAX_ERROR.code, FILE_NOT_LINTED.code})
EXIT_CLEAN, EXIT_NOT_SHUT_DOWN, EXIT_ERROR = 0, 1, 2


# Positions


class Positions:
    """LSP positions in one text: 0-based lines, and columns counted in the code units the
    client and the server agreed on (UTF-16 unless the client asked for UTF-8 or UTF-32).

    optuna-lint counts 1-based rows and 1-based columns in characters, and splits lines at
    `\\r\\n`, `\\r` and `\\n`, as LSP does.
    """

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self._text = text
        self._index = LineIndex(text)
        self._last_row = self._index.location(len(text))[0]
        self._encoding = encoding

    def at_location(self, location: Location) -> types.Position:
        """The position of a 1-based row and column; a place past the end of a line or of the
        text (where CPython may put a syntax error) is moved to that end."""
        row = min(max(location.row, 1), self._last_row)
        line = self._line(row)
        column = len(line) if location.row > self._last_row else location.column - 1
        column = min(max(column, 0), len(line))
        return types.Position(line=row - 1, character=self._units(line[:column]))

    def at_offset(self, offset: int) -> types.Position:
        """The position of a character offset into the text."""
        row, column = self._index.location(min(max(offset, 0), len(self._text)))
        return self.at_location(Location(row, column))

    def range_of(self, start: Location, end: Location) -> types.Range:
        return types.Range(start=self.at_location(start), end=self.at_location(end))

    def _line(self, row: int) -> str:
        """The text of a row, without its line ending."""
        start = self._index.line_start(row)
        end = self._index.line_start(row + 1) if row < self._last_row else len(self._text)
        return self._text[start:end].rstrip("\r\n")

    def _units(self, text: str) -> int:
        # "surrogatepass": a lone surrogate sent by the client still counts as one unit.
        if self._encoding == "utf-8":
            return len(text.encode("utf-8", "surrogatepass"))
        if self._encoding == "utf-32":
            return len(text)
        return len(text.encode("utf-16-le", "surrogatepass")) // 2


# Linting a document


def document_path(uri: str) -> Path | None:
    """The file a document is, when it is (or will be saved as) a file of a folder on disk."""
    if urlparse(uri).scheme != "file":
        return None
    path = to_fs_path(uri)
    if path is None or not Path(path).parent.is_dir():
        return None
    return Path(path)


def prepare_document(uri: str, text: str) -> tuple[Linter, LintedFile] | None:
    """A linter for a document, and the document loaded into it; None when the configuration
    excludes the file. A broken configuration file raises `ConfigError`."""
    path = document_path(uri)
    if path is None:
        linter = Linter(Settings())
        return linter, _load_text(linter, text, uri, None)

    # A fresh linter and configuration finder per lint, so that edits to the other files of the
    # project and to its configuration are always seen. The cost is that every change indexes
    # the project again: as slow as `optuna-lint FILE` in a project where many files run studies,
    # until the cache of per-file facts planned in the README ("Projects") exists.
    configurations = ConfigurationFinder()
    exclusion = Exclusion(configurations)
    if exclusion.excludes_named(path):
        return None
    per_file: dict[Path, Settings] = {}

    def settings_for(file: Path) -> Settings:
        if file not in per_file:
            per_file[file] = configurations.for_file(file).settings_for(file.absolute(), {})
        return per_file[file]

    linter = Linter(settings_for(path), settings_for, exclusion)
    linted = _load_text(linter, text, display_path(path, Path.cwd()), path)
    linted.root = project_root(path)
    return linter, linted


def _load_text(linter: Linter, text: str, name: str, path: Path | None) -> LintedFile:
    """The document analysed as `Linter.load_bytes` analyses a file.

    The editor has decoded the text already; encoding it to bytes for `load_bytes` would make a
    coding declaration (`# coding: latin-1`) decode those bytes a second time, wrongly, and
    shift every offset after a non-ASCII character. Nothing is written back, so the encoding
    kept in the source is never used.
    """
    linted = LintedFile(
        display_path=name, path=path, source=SourceText(text, encoding="utf-8", has_bom=False)
    )
    max_file_size = linter.file_settings(path).max_file_size
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_file_size:
        linted.problem = FILE_NOT_LINTED.finding(
            name, f"{size} bytes is larger than max-file-size ({max_file_size})"
        )
        return linted
    linted.facts, linted.problem = linter.analyse_text(text, name, path)
    return linted


def lint_document(uri: str, text: str) -> list[Finding]:
    """The findings in a document's text, sorted by position."""
    prepared = prepare_document(uri, text)
    if prepared is None:
        return []
    linter, linted = prepared
    linter.lint([linted])
    _log_internal_errors(linter)
    return linted.findings


def fix_document(uri: str, text: str) -> str | None:
    """The document's text with the fixes `optuna-lint --fix` applies (the safe ones, and the
    unsafe ones too where the configuration says `unsafe-fixes = true`); None when there is
    nothing to fix or the fixed text was refused."""
    prepared = prepare_document(uri, text)
    if prepared is None:
        return None
    linter, linted = prepared
    linter.fix([linted])
    _log_internal_errors(linter)
    if linted.fix_refusal is not None:
        logger.info("%s: not fixed: %s", linted.display_path, linted.fix_refusal)
    return linted.fixed_text


def _log_internal_errors(linter: Linter) -> None:
    for error in linter.internal_errors:
        logger.error("%s: %s", error.display_path, error.message)


# From findings to LSP


def diagnostic(finding: Finding, positions: Positions) -> types.Diagnostic:
    """The diagnostic an editor shows for a finding."""
    severity = (
        types.DiagnosticSeverity.Error
        if finding.code in ERROR_CODES
        else types.DiagnosticSeverity.Warning
    )
    return types.Diagnostic(
        range=positions.range_of(finding.location, finding.end_location),
        message=finding.message,
        severity=severity,
        code=finding.code,
        source=SOURCE,
    )


def configuration_diagnostic(error: ConfigError) -> types.Diagnostic:
    """A broken configuration file, shown at the start of each document it stops."""
    start = types.Position(line=0, character=0)
    return types.Diagnostic(
        range=types.Range(start=start, end=start),
        message=f"optuna-lint cannot lint this file: {error}",
        severity=types.DiagnosticSeverity.Error,
        source=SOURCE,
    )


def quick_fix(finding: Finding, uri: str, positions: Positions) -> types.CodeAction:
    """The code action that applies a finding's fix; the fix's edits are character offsets of
    the text the finding came from, which `positions` was built on."""
    fix = finding.fix
    safe = fix.applicability is Applicability.SAFE
    edits = [
        types.TextEdit(
            range=types.Range(
                start=positions.at_offset(edit.start_offset),
                end=positions.at_offset(edit.end_offset),
            ),
            new_text=edit.content,
        )
        for edit in fix.edits
    ]
    return types.CodeAction(
        title=fix.message if safe else f"{fix.message} (unsafe)",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic(finding, positions)],
        is_preferred=safe,
        edit=types.WorkspaceEdit(changes={uri: edits}),
    )


def whole_text_edit(original: str, fixed: str, positions: Positions) -> types.TextEdit:
    """One edit turning `original` into `fixed`, replacing only the lines that differ, so that
    the editor keeps the cursor, marks and folds of the others."""
    original_lines = original.splitlines(keepends=True)
    fixed_lines = fixed.splitlines(keepends=True)
    same_start = 0
    limit = min(len(original_lines), len(fixed_lines))
    while same_start < limit and original_lines[same_start] == fixed_lines[same_start]:
        same_start += 1
    same_end = 0
    while (
        same_end < limit - same_start
        and original_lines[-1 - same_end] == fixed_lines[-1 - same_end]
    ):
        same_end += 1
    start = sum(len(line) for line in original_lines[:same_start])
    end = len(original) - sum(
        len(line) for line in original_lines[len(original_lines) - same_end :]
    )
    new_text = "".join(fixed_lines[same_start : len(fixed_lines) - same_end])
    return types.TextEdit(
        range=types.Range(start=positions.at_offset(start), end=positions.at_offset(end)),
        new_text=new_text,
    )


def _overlaps(first: types.Range, second: types.Range) -> bool:
    def key(position: types.Position) -> tuple[int, int]:
        return (position.line, position.character)

    return key(first.start) <= key(second.end) and key(second.start) <= key(first.end)


def _kind_wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Whether the client asked for code actions of `kind` (kinds are dotted hierarchies:
    asking for `source` includes `source.fixAll.optuna-lint`)."""
    kind = _plain(kind)
    return not only or any(
        kind == _plain(wanted) or kind.startswith(_plain(wanted) + ".") for wanted in only
    )


def _plain(value: object) -> str:
    """The string an LSP enumeration member stands for (`str()` of one gives its name)."""
    return str(getattr(value, "value", value))


# The server


class OptunaLintServer:
    """The language server: pygls speaks the protocol, this class answers it."""

    def __init__(self) -> None:
        self.server = LanguageServer(
            SOURCE, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full
        )
        self.shut_down = False
        # The text each document was last linted with and its findings: code actions reuse
        # them while the document has not changed since.
        self._last_lint: dict[str, tuple[str, list[Finding]]] = {}

        handlers = {
            types.TEXT_DOCUMENT_DID_OPEN: self.did_open,
            types.TEXT_DOCUMENT_DID_CHANGE: self.did_change,
            types.TEXT_DOCUMENT_DID_SAVE: self.did_save,
            types.TEXT_DOCUMENT_DID_CLOSE: self.did_close,
            types.TEXT_DOCUMENT_CODE_ACTION: self.code_action,
            types.SHUTDOWN: self.shutdown,
        }
        options = {
            types.TEXT_DOCUMENT_CODE_ACTION: types.CodeActionOptions(
                code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND]
            )
        }
        for method, handler in handlers.items():
            self.server.feature(method, options.get(method))(_as_function(handler))

    def run(self) -> int:
        """Serve over stdin and stdout until the client says `exit`; returns the exit status."""
        self.server.start_io()
        return EXIT_CLEAN if self.shut_down else EXIT_NOT_SHUT_DOWN

    # Handlers

    def did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        self.publish(params.text_document.uri)

    def did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        self.publish(params.text_document.uri)

    def did_save(self, params: types.DidSaveTextDocumentParams) -> None:
        self.publish(params.text_document.uri)

    def did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        self._last_lint.pop(uri, None)
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    def shutdown(self, params: None) -> None:
        self.shut_down = True

    def code_action(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        text = self.server.workspace.get_text_document(uri).source
        positions = self._positions(text)
        only = params.context.only
        try:
            findings = self._findings(uri, text)
        except ConfigError:
            return []

        actions = []
        if _kind_wanted(types.CodeActionKind.QuickFix, only):
            for finding in findings:
                in_range = _overlaps(
                    positions.range_of(finding.location, finding.end_location), params.range
                )
                if finding.fix is not None and in_range:
                    actions.append(quick_fix(finding, uri, positions))
        if _kind_wanted(FIX_ALL_KIND, only) and any(finding.fix for finding in findings):
            fixed = fix_document(uri, text)
            if fixed is not None:
                edit = whole_text_edit(text, fixed, positions)
                actions.append(
                    types.CodeAction(
                        title="optuna-lint: fix all auto-fixable findings",
                        kind=FIX_ALL_KIND,
                        edit=types.WorkspaceEdit(changes={uri: [edit]}),
                    )
                )
        return actions

    # Linting

    def publish(self, uri: str) -> None:
        """Lint a document's current text and publish its diagnostics. Saving lints again
        even when the text is unchanged: the other files or the configuration may have."""
        document = self.server.workspace.get_text_document(uri)
        text = document.source
        positions = self._positions(text)
        try:
            findings = lint_document(uri, text)
            diagnostics = [diagnostic(finding, positions) for finding in findings]
        except ConfigError as error:
            findings, diagnostics = [], [configuration_diagnostic(error)]
        self._last_lint[uri] = (text, findings)
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, diagnostics=diagnostics, version=document.version
            )
        )

    def _findings(self, uri: str, text: str) -> list[Finding]:
        """The findings of the text, from its last lint when it has not changed since."""
        last = self._last_lint.get(uri)
        if last is not None and last[0] == text:
            return last[1]
        return lint_document(uri, text)

    def _positions(self, text: str) -> Positions:
        return Positions(text, _plain(self.server.workspace.position_encoding or "utf-16"))


def _as_function(handler: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A plain function calling a bound method: pygls marks its handlers with attributes, which
    a bound method cannot take."""

    def handle(params: Any) -> Any:
        return handler(params)

    return handle


def main(arguments: list[str]) -> int:
    """`optuna-lint server`: serve the Language Server Protocol over stdin and stdout."""
    parser = argparse.ArgumentParser(
        prog="optuna-lint server",
        description="A Language Server Protocol server over stdio: diagnostics and fixes for "
        "editors.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log to stderr")
    options = parser.parse_args(arguments)
    # stdout carries the protocol: everything else goes to stderr, which editors log.
    logging.basicConfig(
        level=logging.DEBUG if options.verbose else logging.WARNING,
        format="optuna-lint: %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if types is None:
        print(
            "optuna-lint: error: the server needs pygls: pip install 'optuna-lint[server]'",
            file=sys.stderr,
        )
        return EXIT_ERROR
    return OptunaLintServer().run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
