"""Reading source files exactly as they are, and writing them back without losing anything.

A file is kept as text together with what is needed to write it back byte for byte: its
encoding, whether it began with a byte-order mark, and its permissions. Newlines are never
translated, so offsets into the text are offsets into the file.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
import tempfile
import tokenize
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

_NEWLINE = re.compile(r"\r\n|\r|\n")


class SourceError(Exception):
    """The file cannot be turned into text; the message says why."""


@dataclass(frozen=True)
class SourceText:
    """A decoded source file and how to encode it again."""

    text: str
    encoding: str
    has_bom: bool

    @property
    def newline(self) -> str:
        """The file's newline style, taken from its first line ending."""
        match = _NEWLINE.search(self.text)
        return match.group() if match else "\n"

    def encode(self, text: str) -> bytes:
        data = text.encode(self.encoding)
        return (b"\xef\xbb\xbf" + data) if self.has_bom else data


def decode_source(data: bytes) -> SourceText:
    """Decode source bytes the way Python does: BOM, then coding declaration, then UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        # Raised for bytes that are not UTF-8 when no declaration names another encoding; the
        # decoder says where, which helps more than "invalid or missing encoding declaration".
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as decode_error:
            raise SourceError(f"cannot decode as utf-8: {decode_error}") from None
        raise SourceError(str(error)) from None

    has_bom = encoding == "utf-8-sig"
    if has_bom:
        data = data[3:]
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise SourceError(f"cannot decode as {encoding}: {error}") from None
    return SourceText(text=text, encoding=encoding, has_bom=has_bom)


def read_source(path: Path) -> SourceText:
    """Read and decode a file; `OSError` is left to the caller, which reports it."""
    return decode_source(path.read_bytes())


class LineIndex:
    """Turns character offsets into 1-based rows and columns, splitting lines as Python does."""

    def __init__(self, text: str) -> None:
        self._line_starts = [0] + [match.end() for match in _NEWLINE.finditer(text)]

    def location(self, offset: int) -> tuple[int, int]:
        row = bisect_right(self._line_starts, offset)
        return row, offset - self._line_starts[row - 1] + 1

    def line_start(self, row: int) -> int:
        return self._line_starts[row - 1]


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` by `data` so that a reader sees the old file or the new one, never a mix.

    A symbolic link is written through, as editors and ruff do: its target gets the new text and
    the link stays a link. The permissions of the old file are kept; the temporary file lives in
    the target's directory so that the final rename stays on one file system.
    """
    target = Path(os.path.realpath(path))
    mode = stat.S_IMODE(target.stat().st_mode)
    descriptor, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
