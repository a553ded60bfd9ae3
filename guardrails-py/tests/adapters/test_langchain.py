"""LangChain >= 1.0: a real `create_agent`, driven offline by a scripted chat model.

The model asks for a safe query and a `DROP TABLE`; the safe tool runs, the dangerous one does not,
and the model's next turn sees why. The approval path interrupts and resumes both ways.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest

pytest.importorskip("langchain")

from langchain.agents import create_agent
from langchain.tools import ToolRuntime
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command
from pydantic import BaseModel, Field

from access_guardrails import Guard, ToolCallAudit
from access_guardrails.adapters.langchain import GuardrailsMiddleware, guard_tool

from ..conftest import APPROVAL_SQL, DROP_SQL, SAFE_SQL


class ScriptedChatModel(FakeMessagesListChatModel):
    """Replies with its scripted messages in turn and records what it was shown."""

    seen: list[list[BaseMessage]] = Field(default_factory=list)

    def bind_tools(self, tools: Any, **kwargs: Any) -> ScriptedChatModel:
        return self

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> Any:
        self.seen.append(list(messages))
        return super()._generate(messages, *args, **kwargs)


def calls(*queries: str) -> AIMessage:
    return AIMessage(
        content="",
        tool_calls=[
            {"name": "run_sql", "args": {"query": q}, "id": f"call_{i}", "type": "tool_call"}
            for i, q in enumerate(queries)
        ],
    )


@dataclass
class AgentContext:
    """The agent's own run context; the guard reads the fields it knows."""

    environment: str
    user_id: str = "u-1"


def make_agent(guard: Guard, *queries: str, **options: Any) -> tuple[Any, ScriptedChatModel, list[str]]:
    ran: list[str] = []

    @tool
    def run_sql(query: str) -> str:
        """Runs a SQL query against the production database."""
        ran.append(query)
        return "ok"

    model = ScriptedChatModel(responses=[calls(*queries), AIMessage(content="done")])
    agent = create_agent(
        model,
        tools=[run_sql],
        middleware=[GuardrailsMiddleware(guard, **options)],
        context_schema=AgentContext,
        checkpointer=InMemorySaver(),
    )
    return agent, model, ran


def config(thread: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": thread}}


def tool_messages(result: dict[str, Any]) -> dict[str, ToolMessage]:
    return {m.tool_call_id: m for m in result["messages"] if isinstance(m, ToolMessage)}


PROD = AgentContext(environment="production")


def test_safe_call_runs_and_drop_is_refused(guard: Guard) -> None:
    agent, model, ran = make_agent(guard, SAFE_SQL, DROP_SQL)
    result = agent.invoke({"messages": [HumanMessage("clean up")]}, config("deny"), context=PROD)
    assert ran == [SAFE_SQL]
    messages = tool_messages(result)
    assert messages["call_0"].status == "success"
    refused = messages["call_1"]
    assert refused.status == "error"
    assert "no-drop-table" in refused.content and "Agents never drop tables" in refused.content
    # The model's next turn was shown the refusal.
    assert any(isinstance(m, ToolMessage) and m.tool_call_id == "call_1" for m in model.seen[-1])
    assert result["messages"][-1].content == "done"


def test_async_agent_refuses_too(guard: Guard) -> None:
    agent, _, ran = make_agent(guard, SAFE_SQL, DROP_SQL)
    result = asyncio.run(agent.ainvoke({"messages": [HumanMessage("clean up")]}, config("async"), context=PROD))
    assert ran == [SAFE_SQL]
    assert tool_messages(result)["call_1"].status == "error"


def test_development_context_allows(guard: Guard) -> None:
    agent, _, ran = make_agent(guard, DROP_SQL)
    agent.invoke({"messages": [HumanMessage("x")]}, config("dev"), context=AgentContext(environment="development"))
    # schema.drop of a table is still denied by the test policy's rule, whatever the environment.
    assert ran == []
    agent, _, ran = make_agent(guard, APPROVAL_SQL)
    agent.invoke({"messages": [HumanMessage("x")]}, config("dev2"), context=AgentContext(environment="development"))
    assert ran == [APPROVAL_SQL]


@pytest.mark.parametrize("invoke", ["sync", "async"])
def test_approval_interrupts_then_runs_when_approved(guard: Guard, invoke: str) -> None:
    agent, _, ran = make_agent(guard, APPROVAL_SQL)
    cfg = config(f"approve-{invoke}")

    def run(value: Any) -> dict[str, Any]:
        if invoke == "sync":
            return agent.invoke(value, cfg, context=PROD)
        return asyncio.run(agent.ainvoke(value, cfg, context=PROD))

    first = run({"messages": [HumanMessage("drop the note column")]})
    assert ran == []
    (pending,) = first["__interrupt__"]
    request = pending.value
    assert request["tool_call_id"] == "call_0"
    assert request["name"] == "run_sql"
    assert request["args"] == {"query": APPROVAL_SQL}
    assert request["findings"][0]["intent"] == "schema.alter_destructive"
    assert "approval" in request["reason"].lower()

    done = run(Command(resume={"type": "approve"}))
    assert ran == [APPROVAL_SQL]
    assert tool_messages(done)["call_0"].status == "success"


def test_approval_rejected_does_not_run(guard: Guard) -> None:
    agent, model, ran = make_agent(guard, APPROVAL_SQL)
    cfg = config("reject")
    agent.invoke({"messages": [HumanMessage("drop the note column")]}, cfg, context=PROD)
    done = agent.invoke(Command(resume={"type": "reject", "message": "not during business hours"}), cfg, context=PROD)
    assert ran == []
    refused = tool_messages(done)["call_0"]
    assert refused.status == "error"
    assert "not during business hours" in refused.content
    assert any(isinstance(m, ToolMessage) for m in model.seen[-1])


def test_on_approval_deny_refuses_without_interrupt(guard: Guard) -> None:
    agent, _, ran = make_agent(guard, APPROVAL_SQL, on_approval="deny")
    result = agent.invoke({"messages": [HumanMessage("x")]}, config("no-channel"), context=PROD)
    assert "__interrupt__" not in result
    assert ran == []
    assert tool_messages(result)["call_0"].status == "error"


def test_guard_failure_fails_closed(guard: Guard) -> None:
    def broken(runtime_context: Any) -> Any:
        raise RuntimeError("context service down")

    agent, _, ran = make_agent(guard, SAFE_SQL, context=broken)
    result = agent.invoke({"messages": [HumanMessage("x")]}, config("broken"), context=PROD)
    assert ran == []
    refused = tool_messages(result)["call_0"]
    assert refused.status == "error" and "context service down" in refused.content

    agent, _, ran = make_agent(guard, SAFE_SQL, context=broken, on_error="allow")
    agent.invoke({"messages": [HumanMessage("x")]}, config("broken-open"), context=PROD)
    assert ran == [SAFE_SQL]


def test_bad_options_are_rejected() -> None:
    with pytest.raises(ValueError, match="on_error"):
        GuardrailsMiddleware(on_error="maybe")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="on_approval"):
        GuardrailsMiddleware(on_approval="later")  # type: ignore[arg-type]


def test_guard_tool_wraps_a_single_tool(guard: Guard) -> None:
    ran: list[str] = []

    @tool
    def run_sql(query: str) -> str:
        """Runs a SQL query."""
        ran.append(query)
        return "ok"

    guarded = guard_tool(run_sql, guard, context={"environment": "production"})
    assert guarded.name == "run_sql" and guarded.args == run_sql.args

    def call(query: str, call_id: str) -> ToolMessage:
        return guarded.invoke({"name": "run_sql", "args": {"query": query}, "id": call_id, "type": "tool_call"})

    assert call(SAFE_SQL, "a").content == "ok"
    refused = call(DROP_SQL, "b")
    assert refused.status == "error" and "no-drop-table" in refused.content
    needs = call(APPROVAL_SQL, "c")
    assert needs.status == "error" and "approval" in needs.content.lower()
    assert asyncio.run(guarded.ainvoke({"query": SAFE_SQL})) == "ok"
    assert ran == [SAFE_SQL, SAFE_SQL]


def test_two_pending_approvals_resume_by_interrupt_id(guard: Guard) -> None:
    second = APPROVAL_SQL.replace("note", "memo")
    records: list[ToolCallAudit] = []
    agent, _, ran = make_agent(guard, APPROVAL_SQL, second, audit=records.append)
    cfg = config("two-approvals")
    first = agent.invoke({"messages": [HumanMessage("drop two columns")]}, cfg, context=PROD)
    pending = first["__interrupt__"]
    assert sorted(i.value["tool_call_id"] for i in pending) == ["call_0", "call_1"]
    assert ran == [] and records == []
    answers = {
        i.id: {"type": "approve", "by": "alice"}
        if i.value["tool_call_id"] == "call_0"
        else {"type": "reject", "message": "not that one", "by": "bob"}
        for i in pending
    }
    done = agent.invoke(Command(resume=answers), cfg, context=PROD)
    assert "__interrupt__" not in done
    assert ran == [APPROVAL_SQL]
    messages = tool_messages(done)
    assert messages["call_0"].status == "success"
    assert messages["call_1"].status == "error" and "not that one" in messages["call_1"].content
    fates = sorted((r.tool_call_id, r.result, r.approved_by, r.reviewer_message) for r in records)
    assert fates == [("call_0", "approved", "alice", None), ("call_1", "rejected", "bob", "not that one")]


@pytest.mark.parametrize("answer", ["approve", "reject"])
def test_one_audit_record_per_approval(guard: Guard, answer: str) -> None:
    records: list[ToolCallAudit] = []
    agent, _, _ = make_agent(guard, SAFE_SQL, APPROVAL_SQL, DROP_SQL, audit=records.append)
    cfg = config(f"audit-{answer}")
    agent.invoke({"messages": [HumanMessage("x")]}, cfg, context=PROD)
    agent.invoke(Command(resume={"type": answer}), cfg, context=PROD)
    fates = sorted((r.tool_call_id, r.decision, r.result) for r in records)
    assert fates == [
        ("call_0", "allow", "ran"),
        ("call_1", "require_approval", "approved" if answer == "approve" else "rejected"),
        ("call_2", "deny", "refused"),
    ]


def test_failures_are_audited(guard: Guard) -> None:
    def broken(runtime_context: Any) -> Any:
        raise RuntimeError("context service down")

    records: list[ToolCallAudit] = []
    agent, _, _ = make_agent(guard, SAFE_SQL, context=broken, audit=records.append)
    agent.invoke({"messages": [HumanMessage("x")]}, config("audit-broken"), context=PROD)
    (record,) = records
    assert record.result == "refused" and record.verdict is None and "context service down" in (record.error or "")


class Filter(BaseModel):
    table: str
    limit: int = 10


def test_guard_tool_judges_the_models_json_and_keeps_model_arguments(guard: Guard) -> None:
    ran: list[Filter] = []

    @tool
    def query_table(filter: Filter) -> str:
        """Queries a table."""
        ran.append(filter)
        return f"rows of {filter.table}"

    guarded = guard_tool(query_table, guard, context={"environment": "production"})
    out = guarded.invoke(
        {"name": "query_table", "args": {"filter": {"table": "invoices"}}, "id": "q1", "type": "tool_call"}
    )
    assert isinstance(out, ToolMessage) and out.status == "success" and out.content == "rows of invoices"
    assert ran == [Filter(table="invoices")]
    assert asyncio.run(guarded.ainvoke({"filter": {"table": "orders"}})) == "rows of orders"


def test_guard_tool_keeps_injected_runtime(guard: Guard) -> None:
    ran: list[tuple[str, str]] = []

    @tool
    def run_sql(query: str, runtime: ToolRuntime) -> str:
        """Runs SQL with the runtime."""
        ran.append((query, runtime.tool_call_id))
        return "ok"

    guarded = guard_tool(run_sql, guard, context={"environment": "production"})
    model = ScriptedChatModel(responses=[calls(SAFE_SQL, DROP_SQL), AIMessage(content="done")])
    agent = create_agent(model, tools=[guarded], checkpointer=InMemorySaver())
    result = agent.invoke({"messages": [HumanMessage("x")]}, config("runtime"))
    messages = tool_messages(result)
    assert messages["call_0"].status == "success" and messages["call_0"].content == "ok"
    assert messages["call_1"].status == "error" and "no-drop-table" in messages["call_1"].content
    assert ran == [(SAFE_SQL, "call_0")]
