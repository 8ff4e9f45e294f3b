"""Writing a file the user named (`assess --out`, `contract fill --out`, ...), safely.

The rules, the same for every command:

- A path that exists must be a regular file. A device, a FIFO, a socket or a folder is
  refused: replacing `/dev/null` with a results file would break the machine.
  The one exception is this process's own standard output (`--out /dev/stdout`, or
  `/proc/self/fd/1`): whatever it is (a terminal, a pipe, a redirected file), the bytes
  are written straight to it, since that is what the user asked for.
- The path must not be one of the command's own inputs (the answers file, the register).
- A link is followed: the file it points at is replaced, and the link stays.
- The file is written beside its target under a temporary name and moved into place in
  one step (os.replace), so a failed or interrupted command leaves the previous file whole.
- An existing file keeps its permission bits (and, when root writes it, its owner); a new one
  gets the usual 0666 less the umask.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from guidance_builder.diagnostics import ContentError, Diagnostic, Location

_KINDS = {
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


@dataclass(frozen=True)
class OutputFile:
    """Where a command's output goes, checked before any work is done."""

    given: str
    """The path as the user typed it, for messages."""
    path: Path | None
    """The regular file to replace or create; None when the output is standard output."""

    @property
    def is_stdout(self) -> bool:
        return self.path is None


def _refuse(given: str, message: str, hint: str) -> ContentError:
    return ContentError([Diagnostic(Location(given), message, hint)])


def is_stdout(path: str | Path) -> bool:
    """Whether `path` names the very file this process's standard output is (as /dev/stdout does)."""
    try:
        named, ours = os.stat(path), os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no stdout, or one with no file behind it (io.UnsupportedOperation)
        return False
    return (named.st_dev, named.st_ino) == (ours.st_dev, ours.st_ino)


def output_file(given: str, option: str = "--out", inputs: tuple[str | Path, ...] = ()) -> OutputFile:
    """Check that `given` may be written: raise ContentError (a `path: message` line) if not."""
    if not given:
        raise _refuse(option, f"{option} is empty", "give a file name, such as results.csv")
    if is_stdout(given):
        return OutputFile(given, None)
    path = Path(os.path.realpath(given))
    try:
        found = os.stat(path)
    except FileNotFoundError:
        found = None
    except OSError as error:
        raise _refuse(given, f"cannot use this path for {option}: {error.strerror}", "choose another path") from None
    if found is not None and not stat.S_ISREG(found.st_mode):
        kind = _KINDS.get(stat.S_IFMT(found.st_mode), "not a regular file")
        hint = "give a file name inside it, such as results.csv" if stat.S_ISDIR(found.st_mode) else "give the name of a regular file"
        raise _refuse(given, f"{option} names {kind}, not a file; nothing was written to it", hint)
    for source in inputs:
        if found is not None and _same_file(path, source):
            raise _refuse(given, f"{option} is the input file {source} itself", "write the output to another file, or it would be lost")
    if not path.parent.is_dir():
        raise _refuse(given, f"the folder for {option} does not exist", "create it or choose another path")
    return OutputFile(given, path)


def _same_file(path: Path, source: str | Path) -> bool:
    try:
        return os.path.samefile(path, source)
    except (OSError, ValueError):
        return False


@contextlib.contextmanager
def replacing(output: OutputFile, text: bool = False) -> Iterator[IO]:
    """A stream for the output. For a file, the bytes go to a temporary file beside it that
    replaces it only when the `with` block ends without an error."""
    if output.path is None:
        stream = sys.stdout if text else sys.stdout.buffer
        yield stream
        stream.flush()
        return
    target = output.path
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise _refuse(output.given, f"cannot write here: {error.strerror}", "choose a folder you can write to") from None
    try:
        _keep_owner_and_mode(handle, target)
        with os.fdopen(handle, "w", newline="", encoding="utf-8") if text else os.fdopen(handle, "wb") as stream:
            yield stream
        try:
            os.replace(temporary, target)
        except OSError as error:
            raise _refuse(output.given, f"cannot write the file: {error.strerror}", "choose another path") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_output(output: OutputFile, data: bytes) -> None:
    with replacing(output) as stream:
        stream.write(data)


def _keep_owner_and_mode(handle: int, target: Path) -> None:
    """Give the temporary file the target's permission bits (and, for root, its owner), or
    for a new file the usual 0666 less the umask: mkstemp makes it 0600, private to us."""
    try:
        found = os.stat(target)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(handle, 0o666 & ~mask)
        return
    if os.geteuid() == 0 and (found.st_uid, found.st_gid) != (0, 0):
        with contextlib.suppress(OSError):
            os.fchown(handle, found.st_uid, found.st_gid)
    os.fchmod(handle, stat.S_IMODE(found.st_mode))
