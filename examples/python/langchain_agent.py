"""A LangChain agent whose tool calls go through Access Guardrails. Runs offline.

A scripted chat model stands in for the LLM: it asks the `run_sql` tool for a harmless query and
for a destructive one. The guard lets the first run and refuses the second; the tool never sees
it, and the model reads why.

    pip install access-guardrails[langchain]
    python examples/python/langchain_agent.py
"""

from __future__ import annotations

from typing import Any

from langchain.agents import create_agent
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langgraph.checkpoint.memory import InMemorySaver

from access_guardrails import Guard
from access_guardrails.adapters.langchain import GuardrailsMiddleware


class ScriptedModel(FakeMessagesListChatModel):
    """Replays its scripted replies; stands in for a real chat model."""

    def bind_tools(self, tools: Any, **kwargs: Any) -> ScriptedModel:
        return self


@tool
def run_sql(query: str) -> str:
    """Runs a SQL query against the production database."""
    print(f"  [tool] running: {query}")
    return "3 rows"


def main() -> None:
    model = ScriptedModel(
        responses=[
            AIMessage(
                content="",
                tool_calls=[
                    {
                        "name": "run_sql",
                        "args": {"query": "SELECT count(*) FROM users"},
                        "id": "c1",
                    },
                    {
                        "name": "run_sql",
                        "args": {"query": "DROP TABLE users"},
                        "id": "c2",
                    },
                ],
            ),
            AIMessage(content="I counted the users; I was not allowed to drop the table."),
        ]
    )
    agent = create_agent(
        model,
        tools=[run_sql],
        middleware=[GuardrailsMiddleware(Guard.recommended(), on_approval="deny")],  # the one line
        checkpointer=InMemorySaver(),
    )
    result = agent.invoke(
        {"messages": [HumanMessage("Count the users, then drop the users table.")]},
        {"configurable": {"thread_id": "demo"}},
    )
    for message in result["messages"]:
        if isinstance(message, ToolMessage):
            print(f"tool result {message.tool_call_id} ({message.status}): {message.content}")
    print(f"model: {result['messages'][-1].content}")


if __name__ == "__main__":
    main()
