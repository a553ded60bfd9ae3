"""`AuditLog`: one JSON line per evaluation, to a file or to a `logging` logger."""

from __future__ import annotations

import logging
import os
import threading
from datetime import datetime, timezone
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from types import TracebackType

    from ._native import Verdict


class AuditLog:
    """Writes `verdict.audit()` as one JSON line per evaluation (JSON Lines).

    The target is a path (opened for appending), an open text stream, or a `logging.Logger`
    (each record is logged at `level`; the logger's handlers add the time). Lines written to a
    file or stream start with a `time` field (UTC, ISO 8601): the engine reads no clock, the sink
    does. Thread-safe. Pass it as `audit=` to the adapters, or call it with a verdict.

    ```python
    audit = AuditLog("guardrails-audit.jsonl")
    audit(guard.evaluate(action, context))
    ```
    """

    def __init__(self, target: str | os.PathLike[str] | TextIO | logging.Logger, *, level: int = logging.INFO):
        self._lock = threading.Lock()
        self._logger: logging.Logger | None = None
        self._stream: TextIO | None = None
        self._owned = False
        self._level = level
        if isinstance(target, logging.Logger):
            self._logger = target
        elif isinstance(target, (str, os.PathLike)):
            self._stream = open(target, "a", encoding="utf-8")
            self._owned = True
        else:
            self._stream = target

    def record(self, verdict: Verdict) -> None:
        """Writes the audit record of one evaluation."""
        line = verdict.audit_json()
        if self._logger is not None:
            self._logger.log(self._level, "%s", line)
            return
        now = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        stamped = '{"time":"' + now + '",' + line[1:] + "\n"
        with self._lock:
            if self._stream is not None:
                self._stream.write(stamped)
                self._stream.flush()

    __call__ = record

    def close(self) -> None:
        """Closes the file this log opened (a stream or logger passed in stays open)."""
        with self._lock:
            if self._owned and self._stream is not None:
                self._stream.close()
            self._stream = None

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
