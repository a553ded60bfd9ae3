"""Access Guardrails: decide, before it runs, whether an agent's action may run.

```python
from access_guardrails import Action, Guard

guard = Guard.recommended()
verdict = guard.evaluate(Action.sql("DELETE FROM invoices", dialect="postgres"),
                         {"environment": "production", "actor": {"kind": "agent"}})
verdict.decision   # Decision.DENY
verdict.reason     # "Denied by rule 'bulk-data-loss': DELETE without a WHERE clause deletes every row …"
```

The engine is `guardrails-core` (Rust), reached through the private module `access_guardrails._native`;
this module re-exports it, with the exception classes, the audit sink and typed dicts for the JSON
forms. Framework adapters live in `access_guardrails.adapters.langchain` and
`access_guardrails.adapters.openai_agents` and are imported only when asked for.
"""

from __future__ import annotations

from typing import Literal, TypedDict

from ._base import (
    ApprovalRequired,
    Decision,
    GuardrailDenied,
    GuardrailsError,
    InvalidActionError,
    InvalidContextError,
    PolicyError,
)
from ._native import Action, Context, Finding, Guard, Verdict, __version__, build_info, build_profile
from .audit import AuditLog, ToolCallAudit, ToolCallResult

__all__ = [
    "Action",
    "ApprovalRequired",
    "AuditLog",
    "AuditRecordDict",
    "Context",
    "Decision",
    "Finding",
    "FindingDict",
    "Guard",
    "GuardrailDenied",
    "GuardrailsError",
    "Intent",
    "InvalidActionError",
    "InvalidContextError",
    "PolicyError",
    "ToolCallAudit",
    "ToolCallResult",
    "Verdict",
    "VerdictDict",
    "__version__",
    "build_info",
    "build_profile",
]

Intent = Literal[
    "schema.drop",
    "schema.truncate",
    "schema.alter_destructive",
    "data.bulk_delete",
    "data.bulk_update",
    "data.overwrite",
    "data.export",
    "data.sensitive_read",
    "privilege.grant",
    "privilege.escalate",
    "credential.read",
    "exec.remote_code",
    "exec.dynamic",
    "fs.delete_recursive",
    "fs.device_write",
    "fs.permissions",
    "vcs.history_rewrite",
    "vcs.discard_changes",
    "infra.destroy",
    "system.disrupt",
    "persistence",
    "egress.secret",
    "egress.pii",
    "egress.file_upload",
    "egress.untrusted_host",
    "tool.call",
    "unanalyzable",
]
"""The stable intent ids policies name (the core's `Intent::ALL`; a test keeps them equal)."""


class _FindingRequired(TypedDict):
    rule: str
    """The id of the rule that fired."""
    intent: Intent
    """What the action would do, e.g. `schema.drop`."""
    severity: Literal["low", "medium", "high", "critical"]
    """How bad it is."""
    message: str
    """One sentence for a model or a person."""
    span: list[int]
    """`[start, end]` UTF-8 byte offsets into the primary text (SQL, command line, URL, tool name,
    file path) or into the field `path` names. `Finding.text_span` gives `str` indices."""
    evidence: str
    """The text at `span`, shortened, secrets masked."""


class FindingDict(_FindingRequired, total=False):
    """`Finding.to_dict()`: one rule that fired on one thing the action would do."""

    path: str
    """JSON path of the field the span points into (`$.args.query`); absent for the primary text."""


class VerdictDict(TypedDict):
    """`Verdict.to_dict()`: the guard's answer, in the wire format."""

    decision: Literal["allow", "deny", "require_approval"]
    """What was decided."""
    reason: str
    """One sentence for a model or a person saying why."""
    findings: list[FindingDict]
    """The rules that fired, most severe first."""
    policy: str
    """The digest of the policy that decided (`sha256:…`)."""


class AuditRecordDict(TypedDict):
    """`Verdict.audit()`: the activity record of one decision, secrets redacted."""

    decision: Literal["allow", "deny", "require_approval"]
    """What was decided."""
    reason: str
    """Why, in one sentence."""
    rules: list[str]
    """The ids of the rules that fired."""
    intents: list[Intent]
    """The intents they matched."""
    policy: str
    """The digest of the policy that decided."""
    approved_by: str | None
    """Who approved, when the context carried an approval."""
    action: dict[str, object] | None
    """The action, secrets redacted."""
    context: dict[str, object] | None
    """The context as given."""
