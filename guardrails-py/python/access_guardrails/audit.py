"""`AuditLog`: one JSON line per evaluation, to a file or to a `logging` logger; `ToolCallAudit`:
what the framework adapters record for each tool call."""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal, Protocol, TextIO

if TYPE_CHECKING:
    from types import TracebackType

    from ._base import Decision
    from ._native import Verdict

__all__ = ["AuditLog", "Auditable", "ToolCallAudit", "ToolCallResult"]

ToolCallResult = Literal["ran", "refused", "approved", "rejected"]
"""What became of a tool call: it ran (allowed, or the guard failed with `on_error="allow"`); it
was refused (denied, needed an approval there was no way to ask for, or could not be checked); a
human approved it (it ran) or rejected it (it did not run)."""


class Auditable(Protocol):
    """What `AuditLog` writes: a `Verdict` or a `ToolCallAudit`."""

    def audit_json(self) -> str: ...


@dataclass(frozen=True)
class ToolCallAudit:
    """The one audit record an adapter writes per tool call, once its fate is final.

    A call that needs approval is recorded once, with the human's answer, not when it is asked
    for. `audit()` is `verdict.audit()` plus the fields below; when evaluation failed, there is
    no verdict and `decision` is `None`.
    """

    tool: str
    """The tool's name."""
    tool_call_id: str | None
    """The framework's id of the call, to correlate with its run (`None` when it has none)."""
    result: ToolCallResult
    """What became of the call."""
    verdict: Verdict | None
    """The guard's verdict, or `None` when the call could not be evaluated."""
    approved_by: str | None = None
    """Who approved or rejected it, when the answer said so."""
    reviewer_message: str | None = None
    """The reviewer's message, when they gave one."""
    error: str | None = None
    """Why evaluation failed (`verdict` is `None`)."""

    @property
    def decision(self) -> Decision | None:
        """The guard's decision, or `None` when evaluation failed."""
        return self.verdict.decision if self.verdict is not None else None

    def audit(self) -> dict[str, Any]:
        """The record as a dict: the verdict's audit record (secrets redacted) and the call's fate."""
        if self.verdict is not None:
            record: dict[str, Any] = dict(self.verdict.audit())
        else:
            record = {
                "decision": None,
                "reason": self.error or "the call could not be evaluated",
                "rules": [],
                "intents": [],
                "policy": None,
                "approved_by": None,
                "action": {"kind": "tool_call", "name": self.tool},
                "context": None,
            }
        record["tool_call_id"] = self.tool_call_id
        record["result"] = self.result
        if self.approved_by is not None:
            record["approved_by"] = self.approved_by
        record["reviewer_message"] = self.reviewer_message
        record["error"] = self.error
        return record

    def audit_json(self) -> str:
        """`audit()` as one line of JSON."""
        return json.dumps(self.audit(), ensure_ascii=False, separators=(",", ":"), default=str)


class AuditLog:
    """Writes `verdict.audit()` as one JSON line per evaluation (JSON Lines); given a
    `ToolCallAudit` (what the adapters pass), writes its record, which adds the call's fate.

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

    def record(self, verdict: Verdict | Auditable) -> None:
        """Writes the audit record of one evaluation (a `Verdict`) or one tool call (a `ToolCallAudit`)."""
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
