"""Hand-written stubs of the native module (checked against the build by `mypy.stubtest`)."""

from collections.abc import Coroutine, Mapping
from os import PathLike
from typing import Any, Literal, final

from . import Intent
from ._base import Decision

__all__ = [
    "INTENTS",
    "Action",
    "Context",
    "Finding",
    "Guard",
    "Verdict",
    "__version__",
    "_bench_core",
    "build_info",
    "build_profile",
]

__version__: str
build_profile: Literal["debug", "release"]
build_info: str
INTENTS: tuple[str, ...]

@final
class Action:
    """An action to decide: SQL, a shell command, an HTTP request, a tool call or a file operation.

    Plain dicts in the wire format (`{"kind": "sql", "dialect": "postgres", "text": "…"}`) are
    accepted wherever an `Action` is; building one up front saves the conversion on every call.
    """

    @staticmethod
    def sql(text: str, dialect: str = "generic") -> Action:
        """SQL statements as they would be sent to a database.

        Args:
            text: One or more statements.
            dialect: `generic`, `postgres`, `mysql`, `sqlite`, `mssql`, `snowflake`, `bigquery`,
                `redshift`, `hive`, `duckdb`, `clickhouse` or `oracle`.

        Raises:
            InvalidActionError: the dialect is unknown.
        """

    @staticmethod
    def shell(command: str) -> Action:
        """A command line as a shell would receive it."""

    @staticmethod
    def http(method: str, url: str, headers: Mapping[str, str] | None = None, body: Any = None) -> Action:
        """An HTTP request.

        Args:
            method: e.g. `POST`.
            url: The absolute URL.
            headers: Request headers.
            body: A string (raw or form-encoded) or any JSON value.

        Raises:
            InvalidActionError: the body is not JSON-serialisable.
        """

    @staticmethod
    def tool_call(name: str, args: Any = None) -> Action:
        """A call an agent makes to one of its tools; `args` is any JSON value (default `{}`).

        Raises:
            InvalidActionError: the arguments are not JSON-serialisable.
        """

    @staticmethod
    def file(
        op: str,
        path: str,
        content: str | None = None,
        destination: str | None = None,
        recursive: bool = False,
    ) -> Action:
        """A file operation: `read`, `write`, `append`, `delete` or `move`."""

    @staticmethod
    def from_dict(data: _ActionLike) -> Action:
        """An action from its wire format.

        Raises:
            InvalidActionError: `data` is not a valid action.
        """

    @property
    def kind(self) -> Literal["sql", "shell", "http", "tool_call", "file"]:
        """The action's kind."""

    def to_dict(self) -> dict[str, Any]:
        """The wire format."""

    def __eq__(self, other: object, /) -> bool: ...

@final
class Context:
    """Who acts, where, and with whose approval. Every field is optional; a missing environment
    is treated by the recommended policy as production."""

    def __new__(
        cls,
        *,
        environment: str | None = None,
        actor_id: str | None = None,
        actor_kind: Literal["human", "agent", "service", "ci"] | None = None,
        approved_by: str | None = None,
        ticket: str | None = None,
        roles: list[str] | None = None,
        labels: Mapping[str, str] | None = None,
        session_id: str | None = None,
        trace_id: str | None = None,
        timestamp: str | None = None,
    ) -> Context:
        """Raises:
        InvalidContextError: `actor_kind` is not one of the four kinds.
        """

    @staticmethod
    def from_dict(data: _ContextLike) -> Context:
        """A context from its wire format (`{"environment": …, "actor": {"id", "kind"}, …}`).

        Raises:
            InvalidContextError: `data` has an unknown field or a wrong type, or is not a dict.
        """

    def with_approval(self, by: str, ticket: str | None = None) -> Context:
        """A copy that carries a human's approval (satisfies `require_approval`, never `deny`)."""

    @property
    def environment(self) -> str | None:
        """The environment, e.g. `production`."""

    def to_dict(self) -> dict[str, Any]:
        """The wire format."""

    def __eq__(self, other: object, /) -> bool: ...

_ActionLike = Action | Mapping[str, Any]
_ContextLike = Context | Mapping[str, Any] | None

@final
class Finding:
    """One rule that fired on one thing the action would do."""

    @property
    def rule(self) -> str:
        """The rule's id."""

    @property
    def intent(self) -> Intent:
        """The intent the rule matched, e.g. `schema.drop`."""

    @property
    def severity(self) -> Literal["low", "medium", "high", "critical"]:
        """How bad it is."""

    @property
    def message(self) -> str:
        """One sentence for a model or a person."""

    @property
    def span(self) -> tuple[int, int]:
        """UTF-8 byte offsets `(start, end)`, as in the wire format: into the primary text (SQL,
        command line, URL, tool name, file path), or into the field `path` names."""

    @property
    def text_span(self) -> tuple[int, int] | None:
        """`span` as `str` indices into the primary text, or `None` when the finding has a `path`."""

    @property
    def path(self) -> str | None:
        """JSON path of the field `span` points into (`$.args.query`), or `None`."""

    @property
    def evidence(self) -> str:
        """The text at `span`, shortened, secrets masked."""

    def to_dict(self) -> dict[str, Any]:
        """The wire format."""

@final
class Verdict:
    """The guard's answer for one action in one context."""

    @property
    def decision(self) -> Decision:
        """`Decision.ALLOW`, `Decision.DENY` or `Decision.REQUIRE_APPROVAL` (a `str` enum)."""

    @property
    def reason(self) -> str:
        """One sentence for a model or a person saying why."""

    @property
    def findings(self) -> list[Finding]:
        """The rules that fired, most severe first."""

    @property
    def policy(self) -> str:
        """The digest of the policy that decided (`sha256:…`)."""

    @property
    def allowed(self) -> bool:
        """The action may run."""

    @property
    def denied(self) -> bool:
        """The action must not run."""

    @property
    def needs_approval(self) -> bool:
        """The action may run once a human approves it."""

    def to_dict(self) -> dict[str, Any]:
        """The wire format (see `VerdictDict`)."""

    def to_json(self) -> str:
        """The wire format as JSON text."""

    def audit(self) -> dict[str, Any]:
        """The activity record: action (secrets redacted), context, decision, rules, policy."""

    def audit_json(self) -> str:
        """The activity record as one line of JSON."""

    def raise_for_decision(self) -> None:
        """Raises:
        GuardrailDenied: the action is denied.
        ApprovalRequired: the action needs a human's approval.
        """

@final
class Guard:
    """A compiled policy. Immutable and thread-safe: build one, share it across threads and tasks."""

    @staticmethod
    def recommended() -> Guard:
        """The built-in recommended policy (compiled once per process)."""

    @staticmethod
    def from_str(text: str, format: Literal["yaml", "yml", "json"] = "yaml") -> Guard:
        """Compiles a policy.

        Raises:
            PolicyError: the policy is invalid (with `.line`, `.column`, `.field`, `.rule`).
            PolicyError: the format is unknown (`.field` is `"format"`).
        """

    @staticmethod
    def from_file(path: str | PathLike[str]) -> Guard:
        """Reads and compiles a policy file (`.json` is JSON, anything else YAML).

        Raises:
            PolicyError: the policy is invalid.
            OSError: the file cannot be read: the subclass `open()` raises (`FileNotFoundError`, …),
                with `errno` and `filename`.
        """

    @property
    def name(self) -> str:
        """The policy's name."""

    @property
    def policy(self) -> str:
        """The policy's digest, `sha256:…`, recorded in every verdict."""

    def evaluate(self, action: _ActionLike, context: _ContextLike = None) -> Verdict:
        """Decides whether `action` may run in `context`. Releases the GIL while the engine works.

        Raises:
            InvalidActionError: `action` is not a valid action.
            InvalidContextError: `context` is not a valid context.
        """

    def aevaluate(self, action: _ActionLike, context: _ContextLike = None) -> Coroutine[Any, Any, Verdict]:
        """`await guard.aevaluate(…)`: `evaluate` for async code. It takes microseconds, so it runs
        inline, without a thread hop; errors are raised when the coroutine is awaited."""

    def evaluate_tool_call(self, name: str, args: Any = None, context: _ContextLike = None) -> Verdict:
        """`evaluate(Action.tool_call(name, args), context)`."""

    def enforce(self, action: _ActionLike, context: _ContextLike = None) -> Verdict:
        """Evaluates and returns the verdict when the action is allowed.

        Raises:
            GuardrailDenied: the action is denied (`.verdict` says why).
            ApprovalRequired: the action needs a human's approval.
        """

def _bench_core(guard: Guard, action: _ActionLike, context: _ContextLike = None, iterations: int = 100000) -> float:
    """Nanoseconds per evaluation in Rust alone; exists to measure the binding's overhead."""
