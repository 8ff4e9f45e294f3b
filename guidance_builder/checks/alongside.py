"""The consistency checks in a forked copy of this process, while this one renders the HTML.

A build with PDFs runs the checks while the PDF workers render. A preview build has no PDFs
to wait for, so the checks would run after the HTML, one core idle: here they run beside
it instead. The fork shares everything already loaded (modules, content, the rendered
guidance page), so nothing is loaded or rendered again. Where forking is unsafe (other
threads running, as under `serve`) or impossible, the checks run in this process when
their result is asked for.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
import traceback

from guidance_builder.checks import run_checks
from guidance_builder.checks.rendered import WEB_ASSETS
from guidance_builder.contract.document import contract_for
from guidance_builder.diagnostics import ContentError, Diagnostic


class ChecksAlongside:
    def __init__(self, edition, fork: bool = True):
        self.edition = edition
        self.fork = fork
        self.pid: int | None = None
        self.reader: int | None = None

    def start(self) -> ChecksAlongside:
        if not self.fork or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2 or threading.active_count() > 1:
            return self
        # Made before the fork, so both processes hold them and neither makes them twice: the
        # guidance page and the contract, which the checks and the outputs both read.
        self.edition.renderer().page(print_mode=False, asset_base=WEB_ASSETS)
        contract_for(self.edition)
        reader, writer = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no process to spare: the checks run here when asked for
            os.close(reader)
            os.close(writer)
            return self
        if pid == 0:  # the child: run the checks, send the outcome, never return into the caller
            try:
                os.close(reader)
                _run_in_child(self.edition, writer)
            finally:
                os._exit(1)
        os.close(writer)
        self.pid, self.reader = pid, reader
        return self

    def result(self) -> list[Diagnostic]:
        """Every problem the checks found; raises what the checks raised."""
        if self.pid is None:
            return run_checks(self.edition)
        with os.fdopen(self.reader, "rb") as stream:
            self.reader = None
            payload = stream.read()
        os.waitpid(self.pid, 0)
        self.pid = None
        if not payload:
            raise RuntimeError("the consistency checks stopped without a result")
        kind, value, trace = pickle.loads(payload)
        if kind == "problems":
            return value
        if kind == "content":
            raise ContentError(value)
        try:
            error = pickle.loads(value)
        except Exception:
            error = None
        if isinstance(error, Exception):
            error.add_note(f"raised in the consistency checks' process:\n{trace}")
            raise error
        raise RuntimeError(f"the consistency checks failed:\n{trace}")

    def close(self) -> None:
        if self.pid is not None:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None
        if self.reader is not None:
            os.close(self.reader)
            self.reader = None

    def __enter__(self) -> ChecksAlongside:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()


def _run_in_child(edition, writer: int) -> None:
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child at once; the parent reports it
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        outcome = ("problems", run_checks(edition), "")
    except ContentError as error:
        outcome = ("content", error.diagnostics, "")
    except KeyboardInterrupt:  # Ctrl-C arrived before the default handler was back: the parent reports it
        os._exit(130)
    except BaseException as error:  # a template error or a bug: the parent raises it as its own
        try:
            raised = pickle.dumps(error)
        except Exception:
            raised = b""
        outcome = ("exception", raised, traceback.format_exc())
        code = 1
    try:
        with os.fdopen(writer, "wb") as stream:
            stream.write(pickle.dumps(outcome))
    finally:
        os._exit(code)
