"""Standard input as an input file: `assess -` and `assess /dev/stdin`.

A pipe is not a regular file, so the file loader refuses it (rightly: a FIFO in content/
would hang a build). Standard input is the one stream the user hands over on purpose.
"""

from __future__ import annotations

import os
import sys

from guidance_builder.diagnostics import ContentError, Diagnostic, Diagnostics, Location
from guidance_builder.loading.yaml_source import MAX_BYTES, decode_text

STDIN = "<stdin>"
"""How standard input is named in messages."""


def reads_stdin(given: str) -> bool:
    """`-`, or a path naming the very file this process's standard input is (as /dev/stdin does)."""
    if given == "-":
        return True
    try:
        named, ours = os.stat(given), os.fstat(sys.stdin.fileno())
    except (OSError, ValueError, AttributeError):  # no stdin, or one with no file behind it
        return False
    return (named.st_dev, named.st_ino) == (ours.st_dev, ours.st_ino)


def stdin_text(display: str = STDIN) -> str:
    """Standard input as checked UTF-8 text (the same checks as a file); ContentError if it is not."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise ContentError([Diagnostic(Location(display), "there is no standard input to read", "give a file name instead of -")])
    diagnostics = Diagnostics()
    text = decode_text(stream.read(MAX_BYTES + 1), display, diagnostics)
    if text is None:
        raise ContentError(diagnostics.sorted())
    return text
