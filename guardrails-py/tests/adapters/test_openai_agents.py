"""OpenAI Agents SDK: a real `Runner`, driven offline by a scripted `Model`.

The model asks for a safe query and a `DROP TABLE`; the safe tool runs, the dangerous one does not,
and the model's next turn sees why. The approval path interrupts and resumes both ways.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import pytest

pytest.importorskip("agents")

from agents import Agent, RunConfig, Runner, function_tool, set_tracing_disabled
from agents.items import ModelResponse
from agents.models.interface import Model
from agents.run_config import ToolExecutionConfig
from agents.usage import Usage
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage, ResponseOutputText

from access_guardrails import Guard, ToolCallAudit
from access_guardrails.adapters.openai_agents import guard_tool, reject, tool_guardrail

from ..conftest import APPROVAL_SQL, DROP_SQL, SAFE_SQL

set_tracing_disabled(True)


class ScriptedModel(Model):
    """Answers the first turn with tool calls, every later turn with "done"; records its inputs."""

    def __init__(self, *queries: str) -> None:
        self.queries = queries
        self.seen: list[Any] = []

    async def get_response(self, system_instructions: Any, input: Any, *args: Any, **kwargs: Any) -> ModelResponse:
        self.seen.append(input)
        if len(self.seen) == 1:
            output: list[Any] = [
                ResponseFunctionToolCall(
                    type="function_call",
                    id=f"fc_{i}",
                    call_id=f"call_{i}",
                    name="run_sql",
                    arguments=json.dumps({"query": q}),
                )
                for i, q in enumerate(self.queries)
            ]
        else:
            output = [
                ResponseOutputMessage(
                    id="msg_done",
                    type="message",
                    role="assistant",
                    status="completed",
                    content=[ResponseOutputText(type="output_text", text="done", annotations=[])],
                )
            ]
        return ModelResponse(output=output, usage=Usage(), response_id=None)

    def stream_response(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError


@dataclass
class AppContext:
    environment: str


PROD = AppContext(environment="production")


def make_agent(guard: Guard, *queries: str, **options: Any) -> tuple[Agent[Any], ScriptedModel, list[str]]:
    ran: list[str] = []

    @function_tool
    def run_sql(query: str) -> str:
        """Runs a SQL query against the production database."""
        ran.append(query)
        return "ok"

    model = ScriptedModel(*queries)
    agent = Agent(name="ops", model=model, tools=[guard_tool(run_sql, guard, **options)])
    return agent, model, ran


def outputs(result: Any) -> dict[str, str]:
    return {
        item.raw_item["call_id"]: str(item.output) for item in result.new_items if item.type == "tool_call_output_item"
    }


def model_saw(model: ScriptedModel, call_id: str) -> str:
    last = model.seen[-1]
    return next(str(i["output"]) for i in last if isinstance(i, dict) and i.get("call_id") == call_id and "output" in i)


def test_safe_call_runs_and_drop_is_refused(guard: Guard) -> None:
    agent, model, ran = make_agent(guard, SAFE_SQL, DROP_SQL)
    result = asyncio.run(Runner.run(agent, "clean up", context=PROD))
    assert ran == [SAFE_SQL]
    out = outputs(result)
    assert out["call_0"] == "ok"
    assert "no-drop-table" in out["call_1"]
    assert "no-drop-table" in model_saw(model, "call_1")
    assert result.final_output == "done"
    verdicts = [o.output.output_info for _, o in _guardrail_results(result)]
    assert {v["decision"] for v in verdicts} == {"allow", "deny"}


def _guardrail_results(result: Any) -> list[tuple[Any, Any]]:
    return [(r.guardrail, r) for r in result.tool_input_guardrail_results]


def test_approval_approved_runs(guard: Guard) -> None:
    agent, _, ran = make_agent(guard, APPROVAL_SQL)

    async def main() -> Any:
        first = await Runner.run(agent, "drop the note column", context=PROD)
        assert ran == []
        (item,) = first.interruptions
        assert item.name == "run_sql"
        state = first.to_state()
        state.approve(item)
        return await Runner.run(agent, state)

    result = asyncio.run(main())
    assert ran == [APPROVAL_SQL]
    assert outputs(result)["call_0"] == "ok"


def test_approval_rejected_does_not_run(guard: Guard) -> None:
    agent, model, ran = make_agent(guard, APPROVAL_SQL)

    async def main() -> Any:
        first = await Runner.run(agent, "drop the note column", context=PROD)
        (item,) = first.interruptions
        state = first.to_state()
        state.reject(item, rejection_message="not during business hours")
        return await Runner.run(agent, state)

    result = asyncio.run(main())
    assert ran == []
    assert "not during business hours" in outputs(result)["call_0"]
    assert "not during business hours" in model_saw(model, "call_0")


def test_on_approval_deny_refuses_without_interrupt(guard: Guard) -> None:
    agent, _, ran = make_agent(guard, APPROVAL_SQL, on_approval="deny")
    result = asyncio.run(Runner.run(agent, "x", context=PROD))
    assert not result.interruptions
    assert ran == []
    assert "approval" in outputs(result)["call_0"].lower()


def test_guardrail_alone_refuses_unapproved_calls(guard: Guard) -> None:
    ran: list[str] = []

    @function_tool(tool_input_guardrails=[tool_guardrail(guard)])
    def run_sql(query: str) -> str:
        """Runs a SQL query."""
        ran.append(query)
        return "ok"

    agent = Agent(name="ops", model=ScriptedModel(SAFE_SQL, APPROVAL_SQL), tools=[run_sql])
    result = asyncio.run(Runner.run(agent, "x", context=PROD))
    assert ran == [SAFE_SQL]
    assert "needs a human's approval" in outputs(result)["call_1"]


def test_guard_failure_fails_closed(guard: Guard) -> None:
    def broken(run_context: Any) -> Any:
        raise RuntimeError("context service down")

    agent, _, ran = make_agent(guard, SAFE_SQL, context=broken)
    result = asyncio.run(Runner.run(agent, "x", context=PROD))
    assert ran == []
    assert "context service down" in outputs(result)["call_0"]


def test_safe_call_with_a_defaulted_parameter_runs_without_approval(guard: Guard) -> None:
    ran: list[tuple[str, int]] = []

    @function_tool
    def run_sql(query: str, limit: int = 10) -> str:
        """Runs a SQL query."""
        ran.append((query, limit))
        return "ok"

    agent = Agent(name="ops", model=ScriptedModel(SAFE_SQL, DROP_SQL), tools=[guard_tool(run_sql, guard)])
    result = asyncio.run(Runner.run(agent, "x", context=PROD))
    assert not result.interruptions
    assert ran == [(SAFE_SQL, 10)]
    out = outputs(result)
    assert out["call_0"] == "ok" and "no-drop-table" in out["call_1"]

    # A call that needs approval still asks, and runs with the default once approved.
    agent = Agent(name="ops", model=ScriptedModel(APPROVAL_SQL), tools=[guard_tool(run_sql, guard)])

    async def main() -> Any:
        first = await Runner.run(agent, "x", context=PROD)
        (item,) = first.interruptions
        state = first.to_state()
        state.approve(item)
        return await Runner.run(agent, state)

    asyncio.run(main())
    assert ran[-1] == (APPROVAL_SQL, 10)


PRE_APPROVAL = RunConfig(tool_execution=ToolExecutionConfig(pre_approval_tool_input_guardrails=True))


@pytest.mark.parametrize("answer", ["approve", "reject"])
def test_pre_approval_guardrails_let_the_approval_be_asked(guard: Guard, answer: str) -> None:
    agent, _, ran = make_agent(guard, SAFE_SQL, APPROVAL_SQL, DROP_SQL)

    async def main() -> Any:
        first = await Runner.run(agent, "x", context=PROD, run_config=PRE_APPROVAL)
        (item,) = first.interruptions
        assert ran == [SAFE_SQL]
        state = first.to_state()
        if answer == "approve":
            state.approve(item)
        else:
            state.reject(item, rejection_message="no")
        return await Runner.run(agent, state, run_config=PRE_APPROVAL)

    result = asyncio.run(main())
    out = outputs(result)
    assert "no-drop-table" in out["call_2"]
    if answer == "approve":
        assert ran == [SAFE_SQL, APPROVAL_SQL] and out["call_1"] == "ok"
    else:
        assert ran == [SAFE_SQL] and "no" in out["call_1"]


@pytest.mark.parametrize("answer", ["approve", "reject"])
def test_one_audit_record_per_call(guard: Guard, answer: str) -> None:
    records: list[ToolCallAudit] = []
    ran: list[str] = []

    @function_tool
    def run_sql(query: str) -> str:
        """Runs a SQL query."""
        ran.append(query)
        return "ok"

    guarded = guard_tool(run_sql, guard, audit=records.append)
    agent = Agent(name="ops", model=ScriptedModel(SAFE_SQL, APPROVAL_SQL, DROP_SQL), tools=[guarded])

    async def main() -> Any:
        first = await Runner.run(agent, "x", context=PROD)
        (item,) = first.interruptions
        state = first.to_state()
        if answer == "approve":
            state.approve(item)
        else:
            reject(state, item, guarded, rejection_message="not now", by="bob")
        return await Runner.run(agent, state)

    asyncio.run(main())
    fates = sorted((r.tool_call_id, r.decision, r.result) for r in records)
    assert fates == [
        ("call_0", "allow", "ran"),
        ("call_1", "require_approval", "approved" if answer == "approve" else "rejected"),
        ("call_2", "deny", "refused"),
    ]
    if answer == "reject":
        (rejected,) = [r for r in records if r.result == "rejected"]
        assert rejected.approved_by == "bob" and rejected.reviewer_message == "not now"
        assert ran == [SAFE_SQL]


def test_failures_are_audited(guard: Guard) -> None:
    def broken(run_context: Any) -> Any:
        raise RuntimeError("context service down")

    records: list[ToolCallAudit] = []
    agent, _, ran = make_agent(guard, SAFE_SQL, context=broken, audit=records.append)
    asyncio.run(Runner.run(agent, "x", context=PROD))
    (record,) = records
    assert ran == [] and record.result == "refused" and "context service down" in (record.error or "")
