"""Assess a whole register file: stream it, write one result row per contract, and split a
large one at a record boundary so that two cores share the work (the output is what one
pass would give)."""

from __future__ import annotations

import codecs
import csv
import errno
import io
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from guidance_builder.diagnostics import Diagnostic, Location
from guidance_builder.engine.register import RegisterError, Summary, read_header, read_rows
from guidance_builder.engine.register_fast import FastRows
from guidance_builder.engine.register_rows import RESULT_COLUMNS, Encoded, ResultWriter, error_row
from guidance_builder.engine.rules import Engine

PARALLEL_MIN_BYTES = 4_000_000
"""A register at least this large is split in two and assessed on two cores."""
FIRST_SHARE = 0.53
"""The share of the file this process assesses: a little over half, because the worker reads
this part first (to find where its own begins), which takes about a tenth of assessing it."""
SPLIT_LOOKAHEAD = 1 << 20
"""Bytes read past the middle to find where a record ends; a record longer than this is not split."""


def assess_register(
    engine: Engine,
    path: Path,
    display: str,
    out: TextIO | None = None,
    on_error: Callable[[Diagnostic], None] | None = None,
    parallel: bool | None = None,
) -> Summary:
    """Assess every row of the register at `path`, writing one result row per contract to `out`.

    A large register is split at a record boundary near its middle; a forked process
    assesses the second part while this one does the first, and the results are
    joined in order, so the output is the same as one pass would give.
    """
    try:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "it is a folder, not a file")
        size = path.stat().st_size
    except OSError as error:
        raise RegisterError([Diagnostic(Location(display), f"cannot read the register: {error.strerror}")]) from None
    split = parallel or (parallel is None and size >= PARALLEL_MIN_BYTES and (os.cpu_count() or 1) >= 2)
    if not split or size < 2 or "fork" not in multiprocessing.get_all_start_methods():
        with open_part(path, 0, None) as stream:
            return _assess_stream(engine, stream, display, out, on_error)
    # The worker finds the split point (reading the first half) while this process starts on
    # the first rows; this process needs the point only when it is a quarter of the way in.
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    part = None
    if out is not None:
        handle, part = tempfile.mkstemp(prefix="assess-part-", suffix=".csv")
        os.close(handle)
    worker = context.Process(target=_assess_second_part, args=(send, engine, path, display, size, part), daemon=True)
    worker.start()
    send.close()
    split_at: list = []

    def end_of_first_part() -> int | None:
        try:
            split_at.append(receive.recv())
        except EOFError:
            split_at.append(None)
        return split_at[0][0] if split_at[0] else None

    try:
        with open_part(path, 0, None, end_of_first_part, size // 4) as stream:
            summary = _assess_stream(engine, stream, display, out, on_error)
        if not split_at:  # the register ended before a quarter of its size: a very long last row
            end_of_first_part()
        if split_at[0] is None:  # no split point (or the worker failed before it found one): all done here
            return summary
        offset, lines_before, header = split_at[0]
        try:
            second = receive.recv()
        except EOFError:
            second = None
        worker.join()
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
        receive.close()
        if worker.is_alive():
            worker.kill()
        if part is not None:
            Path(part).unlink(missing_ok=True)
    return summary.merge(second)


def _append_file(out: TextIO, part: str) -> None:
    """Append a UTF-8 file to `out`, as bytes when `out` is a file (no decoding and encoding again)."""
    binary = getattr(out, "buffer", None)
    if binary is not None:
        out.flush()
        with open(part, "rb") as stream:
            shutil.copyfileobj(stream, binary, 1 << 20)
    else:
        with open(part, encoding="utf-8", newline="") as stream:
            shutil.copyfileobj(stream, out, 1 << 20)


def _assess_second_part(send, engine: Engine, path: Path, display: str, size: int, part: str | None) -> None:
    """In the worker: find the split point, tell the parent, and assess what follows it."""
    try:
        split = split_point(path, size, FIRST_SHARE)
        if split is None:
            send.send(None)
            return
        offset, lines_before = split
        with open_part(path, 0, offset) as stream:
            header = read_header(csv.reader(stream, strict=True), engine, display)
        send.send((offset, lines_before, header))
        with open_part(path, offset, None) as stream:
            if part is None:
                summary = _assess_stream(engine, stream, display, None, None, header, lines_before, write_header=False)
            else:
                with open(part, "w", encoding="utf-8", newline="") as out:
                    summary = _assess_stream(engine, stream, display, out, None, header, lines_before, write_header=False)
        send.send(summary)
    except BaseException:  # the parent reads on, or redoes this part, and reports any error itself
        send.send(None)
    finally:
        send.close()


def _assess_stream(
    engine: Engine,
    stream: TextIO,
    display: str,
    out: TextIO | None,
    on_error: Callable[[Diagnostic], None] | None,
    header: list[str] | None = None,
    lines_before: int = 0,
    write_header: bool = True,
) -> Summary:
    summary = Summary(display, engine.version)
    outcomes = summary.outcomes
    for outcome in engine.outcome_names:
        outcomes[outcome] = 0
    exempt_by = summary.exempt_by
    for exemption in engine.exemption_ids:
        exempt_by[exemption] = 0
    writer = csv.writer(out, lineterminator="\n") if out is not None else None
    if writer is not None and write_header:
        writer.writerow(RESULT_COLUMNS)
    results = ResultWriter(engine)
    version = engine.version
    lines: list[str] = []
    tally: dict[Encoded, int] = {}
    """How many rows each encoding was written for: the summary's counts come from these at the end."""

    def make_fast(reader):
        line = FastRows(engine, reader.read, reader.columns, reader.width, results).line

        def take(cells: list[str], row: int) -> bool:
            done = line(cells)
            if done is None:
                return False
            text, found = done
            tally[found] = tally.get(found, 0) + 1
            if writer is not None:
                lines.append(f"{row},{text}")
                if len(lines) >= 4096:
                    out.writelines(lines)
                    lines.clear()
            return True

        return take

    invalid = 0
    for row, answers, errors, reference in read_rows(engine, stream, display, header, lines_before, make_fast):
        if answers is None:
            invalid += 1
            for diagnostic in errors:
                summary.add_error(diagnostic)
                if on_error is not None:
                    on_error(diagnostic)
            if writer is not None:
                out.writelines(lines)
                lines.clear()
                writer.writerow(error_row(row, reference, errors, version))
            continue
        text, found = results.encode(answers)
        tally[found] = tally.get(found, 0) + 1
        if writer is not None:
            lines.append(f"{row},{text}")
            if len(lines) >= 4096:
                out.writelines(lines)
                lines.clear()
    if writer is not None:
        out.writelines(lines)
    by_outcome = summary.by_outcome
    for found, count in tally.items():
        outcomes[found.outcome] += count
        if found.decided_by is not None:
            exempt_by[found.decided_by] += count
            counts = by_outcome.setdefault(found.outcome, {})
            counts[found.decided_by] = counts.get(found.decided_by, 0) + count
    summary.rows, summary.invalid = sum(tally.values()) + invalid, invalid
    return summary


class _Window(io.RawIOBase):
    """Bytes [start, end) of a file, as a stream. The end may be given late: `end_from()` is
    asked for it when reading first goes past `ask_at` (None from it means the file's end)."""

    def __init__(self, path: Path, start: int, end: int | None, end_from: Callable[[], int | None] | None = None, ask_at: int = 0):
        self._file = open(path, "rb")  # closed by close()
        if start:  # a pipe (--register /dev/stdin) cannot seek, and is only ever read from its start
            self._file.seek(start)
        self._position = start
        self._end = end
        self._end_from, self._ask_at = end_from, ask_at

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        size = len(buffer)
        if self._end_from is not None and self._position + size > self._ask_at:
            self._end, self._end_from = self._end_from(), None
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


def open_part(path: Path, start: int, end: int | None, end_from: Callable[[], int | None] | None = None, ask_at: int = 0) -> TextIO:
    encoding = "utf-8-sig" if start == 0 else "utf-8"
    raw = _Window(path, start, end, end_from, ask_at)
    return io.TextIOWrapper(io.BufferedReader(raw, 1 << 16), encoding=encoding, errors="surrogateescape", newline="")


def split_point(path: Path, size: int, share: float = 0.5) -> tuple[int, int] | None:
    """The end of the first record that ends at or after `share` of the file, and the lines before it.

    The CSV reader itself reads up to there, so a quote inside an unquoted cell (`12" water
    main`) or a line break inside a quoted one can never move the boundary. It reads the text
    as the register's own reader will (`newline=""`: a line ends at \\n, \\r\\n or a lone \\r),
    so the lines before the boundary are counted as that reader numbers its rows.
    """
    if size < 2:
        return None
    target = int(size * share)
    with open(path, "rb") as stream:
        data = stream.read(target + SPLIT_LOOKAHEAD)
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    text = data[bom:].decode("utf-8", "surrogateescape")
    source = io.StringIO(text, newline="")
    reader = csv.reader(source, strict=True)
    position = 0
    try:
        for _ in reader:
            position = source.tell()
            if bom + position >= target:  # characters, not bytes: past the target either way
                break
        else:
            return None
    except csv.Error:
        return None
    if position >= len(text):  # the record may go on beyond what was read (or a \r\n be cut in two)
        return None
    offset = bom + len(text[:position].encode("utf-8", "surrogateescape"))
    lines = reader.line_num
    if offset >= size or lines < 2:
        return None
    return offset, lines
