"""Assess a whole register file: stream it, write one result row per contract, and split a
large one in two so that two cores share the work (the output is what one pass would give)."""

from __future__ import annotations

import csv
import errno
import io
import multiprocessing
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TextIO

from guidance_builder.diagnostics import Diagnostic, Location
from guidance_builder.engine.register import Boundary, RegisterError, Summary, read_header, read_rows
from guidance_builder.engine.register_fast import FastRows
from guidance_builder.engine.register_rows import RESULT_COLUMNS, Encoded, ResultWriter, error_row
from guidance_builder.engine.rules import Engine

PARALLEL_MIN_BYTES = 4_000_000
"""A register at least this large is split in two and assessed on two cores."""
FIRST_SHARE = 0.5
"""The share of the file this process assesses; the worker starts at a line end just after it."""
TALLY_LIMIT = 20_000
"""Encodings whose rows are counted one by one before the counts go into the summary."""
WRITE_EVERY = 2048
"""Pieces of output (a result line is two: its row number, then the rest) held before they are
written together: about a megabyte, so few calls and little memory."""
SPLIT_LOOKAHEAD = 1 << 20
"""Bytes read past the middle to find a line end; a register with no record end there is not split."""
_LINE_END = re.compile(rb"\r\n|\r|\n")
_LONE_CR = re.compile(rb"\r(?!\n)")


def assess_register(
    engine: Engine,
    path: Path,
    display: str,
    out: BinaryIO | TextIO | None = None,
    on_error: Callable[[Diagnostic], None] | None = None,
    parallel: bool | None = None,
) -> Summary:
    """Assess every row of the register at `path`, writing one result row per contract to `out`
    (UTF-8 to a binary stream; a text stream takes text, in its own encoding).

    A large register is split at a line end just after its middle (`split_point`): a forked
    process assesses what follows while this one reads from the start. If a record ends
    there, this process stops there and the worker's results follow its own; if not (the
    line end was inside a quoted cell), this process reads on to the end and the worker's
    results are dropped. Either way the output is what one pass gives.
    """
    try:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "it is a folder, not a file")
        size = path.stat().st_size
    except OSError as error:
        raise RegisterError([Diagnostic(Location(display), f"cannot read the register: {error.strerror}")]) from None
    split = parallel or (parallel is None and size >= PARALLEL_MIN_BYTES and (os.cpu_count() or 1) >= 2)
    found = split_point(path, size, FIRST_SHARE) if split and "fork" in multiprocessing.get_all_start_methods() else None
    if found is not None:
        with open_part(path, 0, found[0]) as stream:
            try:
                header = read_header(csv.reader(stream, strict=True), engine, display)
            except RegisterError:
                found = None  # the full pass reports it
    if found is None:
        with open_part(path, 0, None) as stream:
            return _assess_stream(engine, stream, display, out, on_error)
    offset, lines_before = found
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    part, worker = None, None
    boundary = Boundary(lines_before)
    try:
        if out is not None:
            handle, part = tempfile.mkstemp(prefix="assess-part-", suffix=".csv")
            os.close(handle)
        worker = context.Process(target=_assess_second_part, args=(send, engine, path, display, found, header, part), daemon=True)
        worker.start()
        send.close()
        with open_part(path, 0, None) as stream:
            summary = _assess_stream(engine, stream, display, out, on_error, boundary=boundary)
        if not boundary.met:  # read to the end here: the worker's part is not needed
            return summary
        try:
            second = receive.recv()
        except EOFError:
            second = None
        worker.join()  # it ends once it has sent its summary
        if not isinstance(second, Summary):  # the worker failed: do its part here
            with open_part(path, offset, None) as stream:
                second = _assess_stream(engine, stream, display, out, on_error, header, lines_before, write_header=False)
        else:
            if out is not None:
                _append_file(out, part)
            if on_error is not None:
                for diagnostic in second.errors:
                    on_error(diagnostic)
    finally:
        # The worker goes first (killed if it is still at work, then reaped), so that it is
        # never left writing to a pipe or a file that is gone.
        if worker is not None and worker.pid is not None:
            if worker.is_alive():
                worker.kill()
            worker.join()
        receive.close()
        send.close()
        if part is not None:
            Path(part).unlink(missing_ok=True)
    return summary.merge(second)


def _append_file(out: BinaryIO | TextIO, part: str) -> None:
    """Append a UTF-8 file to `out`."""
    write = _utf8_writer(out)
    with open(part, "rb") as stream:
        while data := stream.read(1 << 20):
            write(data)


def _utf8_writer(out: BinaryIO | TextIO) -> Callable[[bytes], object]:
    """How to write the results' UTF-8 bytes to `out`: as they are to a binary stream (the
    command's own output), decoded to a text stream (a StringIO, say), whose own encoding
    and line ends then apply."""
    if isinstance(out, io.RawIOBase | io.BufferedIOBase) or "b" in getattr(out, "mode", ""):
        return out.write
    return lambda data: out.write(data.decode("utf-8", "surrogateescape"))


def _assess_second_part(
    send, engine: Engine, path: Path, display: str, found: tuple[int, int], header: list[str], part: str | None
) -> None:
    """In the worker: assess what follows the split point, and send the summary (None if it failed)."""
    try:
        offset, lines_before = found
        with open_part(path, offset, None) as stream:
            if part is None:
                summary = _assess_stream(engine, stream, display, None, None, header, lines_before, write_header=False)
            else:
                with open(part, "wb") as out:
                    summary = _assess_stream(engine, stream, display, out, None, header, lines_before, write_header=False)
        send.send(summary)
    except BaseException:  # the parent redoes this part, and reports any error itself
        send.send(None)
    finally:
        send.close()


def _assess_stream(
    engine: Engine,
    stream: TextIO,
    display: str,
    out: BinaryIO | TextIO | None,
    on_error: Callable[[Diagnostic], None] | None,
    header: list[str] | None = None,
    lines_before: int = 0,
    write_header: bool = True,
    boundary: Boundary | None = None,
) -> Summary:
    summary = Summary(display, engine.version)
    outcomes = summary.outcomes
    for outcome in engine.outcome_names:
        outcomes[outcome] = 0
    exempt_by = summary.exempt_by
    for exemption in engine.exemption_ids:
        exempt_by[exemption] = 0
    write = _utf8_writer(out) if out is not None else None
    lines: list[bytes] = []
    """What waits to be written, as UTF-8: the header, each result's row number and line, error rows."""

    def write_lines() -> None:
        write(b"".join(lines))
        lines.clear()

    if write is not None and write_header:
        lines.append(_csv_line(RESULT_COLUMNS))
    results = ResultWriter(engine)
    version = engine.version
    tally: dict[Encoded, int] = {}
    """How many rows each encoding was written for; added to the summary's counts at the end
    (and whenever it holds many, so that its size stays bounded)."""
    by_outcome = summary.by_outcome

    def count() -> None:
        for found, rows in tally.items():
            outcomes[found.outcome] += rows
            if found.decided_by is not None:
                exempt_by[found.decided_by] += rows
                counts = by_outcome.setdefault(found.outcome, {})
                counts[found.decided_by] = counts.get(found.decided_by, 0) + rows
        summary.rows += sum(tally.values())
        tally.clear()

    def record(row: int, text: bytes, found: Encoded) -> None:
        rows = tally.get(found)
        if rows is None:
            if len(tally) >= TALLY_LIMIT:
                count()
            tally[found] = 1
        else:
            tally[found] = rows + 1
        if write is not None:
            lines.append(b"%d," % row)
            lines.append(text)
            if len(lines) >= WRITE_EVERY:
                write_lines()

    def make_fast(reader):
        line = FastRows(engine, reader.read, reader.columns, reader.width, results).line

        def take(cells: list[str], row: int) -> bool:
            done = line(cells)
            if done is None:
                return False
            record(row, done[0], done[1])
            return True

        return take

    invalid = 0
    for row, answers, errors, reference in read_rows(engine, stream, display, header, lines_before, make_fast, boundary):
        if answers is None:
            invalid += 1
            for diagnostic in errors:
                summary.add_error(diagnostic)
                if on_error is not None:
                    on_error(diagnostic)
            if write is not None:
                lines.append(_csv_line(error_row(row, reference, errors, version)))
                if len(lines) >= WRITE_EVERY:
                    write_lines()
            continue
        record(row, *results.encode(answers))
    if write is not None:
        write_lines()
    count()
    summary.rows += invalid
    summary.invalid = invalid
    return summary


def _csv_line(values) -> bytes:
    """One row as csv.writer writes it, as UTF-8."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerow(values)
    return text.getvalue().encode("utf-8", "surrogateescape")


class _Window(io.RawIOBase):
    """Bytes [start, end) of a file (to its end if `end` is None), as a stream."""

    def __init__(self, path: Path, start: int, end: int | None):
        self._file = open(path, "rb")  # closed by close()
        if start:  # a pipe (--register /dev/stdin) cannot seek, and is only ever read from its start
            self._file.seek(start)
        self._position = start
        self._end = end

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        size = len(buffer)
        if self._end is not None:
            size = min(size, self._end - self._position)
        if size <= 0:
            return 0
        data = self._file.read(size)
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)

    def close(self) -> None:
        self._file.close()
        super().close()


def open_part(path: Path, start: int, end: int | None) -> TextIO:
    encoding = "utf-8-sig" if start == 0 else "utf-8"
    raw = _Window(path, start, end)
    return io.TextIOWrapper(io.BufferedReader(raw, 1 << 16), encoding=encoding, errors="surrogateescape", newline="")


def split_point(path: Path, size: int, share: float = 0.5) -> tuple[int, int] | None:
    """Where a worker may start: the first line end after `share` of the file with an even
    number of quotes before it, and the lines before it as the register's reader counts them
    (it reads the text with `newline=""`, so a line ends at \\n, \\r\\n or a lone \\r).

    It is a guess, right whenever every quote in the file stands for a quoted cell; a stray
    one (`12" water main`) can put it inside a quoted cell. The process that reads from the
    start finds out which it was (`read_rows`' boundary), so a wrong guess costs time, never a result.
    """
    if size < 2:
        return None
    target = int(size * share)
    with open(path, "rb") as stream:
        data = stream.read(target + SPLIT_LOOKAHEAD)
    quotes, position = data.count(b'"', 0, target), target
    for line_end in _LINE_END.finditer(data, target):
        quotes += data.count(b'"', position, line_end.end())
        position = line_end.end()
        if quotes % 2 == 0:
            break
    else:
        return None
    if position >= len(data) or position >= size:  # the file ends there, or a \r\n may be cut in two
        return None
    lines = data.count(b"\n", 0, position)
    if _LONE_CR.search(data, 0, position):  # rare (old Mac files): two more passes over the half
        lines += data.count(b"\r", 0, position) - data.count(b"\r\n", 0, position)
    if lines < 2:
        return None
    return position, lines
