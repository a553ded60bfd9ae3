"""An OpenAI Agents SDK agent whose tool calls go through Access Guardrails. Runs offline.

A scripted model stands in for the LLM: it asks the `run_sql` tool for a harmless query and for a
bulk delete. The guard lets the first run and refuses the second (the model reads why); a column
drop needs a human's approval, which this example gives.

    pip install access-guardrails[openai-agents]
    python examples/python/openai_agents_agent.py
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from agents import Agent, Runner, function_tool, set_tracing_disabled
from agents.items import ModelResponse
from agents.models.interface import Model
from agents.usage import Usage
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage, ResponseOutputText

from access_guardrails import Guard
from access_guardrails.adapters.openai_agents import guard_tool

set_tracing_disabled(True)

QUERIES = ["SELECT count(*) FROM users", "DELETE FROM users", "ALTER TABLE users DROP COLUMN nickname"]


class ScriptedModel(Model):
    """Asks for three queries, then says it is done; stands in for a real model."""

    def __init__(self) -> None:
        self.turns = 0

    async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
        self.turns += 1
        if self.turns == 1:
            output: list[Any] = [
                ResponseFunctionToolCall(
                    type="function_call",
                    id=f"fc{i}",
                    call_id=f"c{i}",
                    name="run_sql",
                    arguments=json.dumps({"query": q}),
                )
                for i, q in enumerate(QUERIES)
            ]
        else:
            text = ResponseOutputText(type="output_text", text="Done.", annotations=[])
            output = [
                ResponseOutputMessage(id="m", type="message", role="assistant", status="completed", content=[text])
            ]
        return ModelResponse(output=output, usage=Usage(), response_id=None)

    def stream_response(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError


@function_tool
def run_sql(query: str) -> str:
    """Runs a SQL query against the production database."""
    print(f"  [tool] running: {query}")
    return "ok"


async def main() -> None:
    guard = Guard.recommended()
    agent = Agent(name="ops", model=ScriptedModel(), tools=[guard_tool(run_sql, guard)])  # the one line
    context = {"environment": "production"}
    result = await Runner.run(agent, "Tidy up the users table.", context=context)
    if result.interruptions:  # calls that need a human's approval; a real host would ask one
        state = result.to_state()
        for item in result.interruptions:
            print(f"approval needed for {item.name} {item.arguments}: approving")
            state.approve(item)
        result = await Runner.run(agent, state)
    for item in result.new_items:
        if item.type == "tool_call_output_item":
            print(f"tool result {item.raw_item['call_id']}: {item.output}")
    print(f"model: {result.final_output}")


if __name__ == "__main__":
    asyncio.run(main())
