"""End to end against the fake server: a long document is chunked, each chunk is
summarised concurrently, a final agent combines the summaries; and the same
document routed by a rule, with the route explained."""

from __future__ import annotations

import itertools
import json
import re
import threading
from typing import Any

import pytest

from orchestrion.testing import make_orchestrator
from orchestrion_llm import LlmPlugin
from orchestrion_llm.testing import FakeChatServer, FakeReply, FakeRequest

# orchestrion-chunking is a test extra: the plugin alone (tox plugin-llm) skips this.
ChunkingPlugin = pytest.importorskip("orchestrion_chunking").ChunkingPlugin

DOCUMENT = "\n\n".join(
    f"Paragraph {i} reports on topic {i}. It has details that matter to it alone."
    for i in range(60)
)
PEAK_WANTED = 3


class Model:
    """The fake model: summarises a chunk as the numbers of its paragraphs, combines
    a list of summaries by joining them; proves summaries run concurrently by
    holding each until PEAK_WANTED are in flight at once (bounded wait)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0
        self.reached = threading.Event()

    def __call__(self, request: FakeRequest) -> FakeReply:
        """Answer one request."""
        system = request.messages[0]["content"]
        if system.startswith("Combine"):
            parts = json.loads(request.user_message.removeprefix("Summaries: "))
            return FakeReply.text(" | ".join(parts))
        with self.lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            if self.in_flight >= PEAK_WANTED:
                self.reached.set()
        self.reached.wait(timeout=5)
        with self.lock:
            self.in_flight -= 1
        numbers = re.findall(r"Paragraph (\d+)", request.user_message)
        return FakeReply.text(f"{numbers[0]}-{numbers[-1]}")


def settings(server: FakeChatServer) -> dict[str, Any]:
    """Two agents on the fake server: a summariser and a combiner."""
    return {
        "endpoints": {"default": server.endpoint_settings()},
        "agents": {
            "summarise": {
                "system_prompt": "Summarise the text in one line.",
                "prompt": "Text: {input}",
                "input_field": "text",
                "capabilities": ["text.summary"],
            },
            "combine": {
                "system_prompt": "Combine the summaries into one.",
                "prompt": "Summaries: {input}",
                "capabilities": ["text.synthesis"],
            },
        },
    }


WORKFLOW = {
    "name": "summarise-document",
    "steps": {
        "split": {"component": "chunking.split", "options": {"max_size": 400}},
        "summarise": {"component": "llm.summarise", "for_each": "split"},
        "combine": {"component": "llm.combine", "depends_on": ["summarise"], "gather": True},
    },
}


@pytest.mark.anyio
async def test_long_document_is_chunked_summarised_concurrently_and_combined() -> None:
    """Every chunk is summarised (several at once), in order, and the combiner
    receives the summaries in chunk order."""
    model = Model()
    with FakeChatServer(handler=model) as server:
        plugins = (LlmPlugin(settings(server)), ChunkingPlugin())
        async with make_orchestrator(*plugins) as orch:
            result = await orch.run(WORKFLOW, DOCUMENT, concurrency=8)
        requests = len(server.requests)
    assert result.status == "succeeded"
    chunks = result.steps["split"].output
    summaries = result.steps["summarise"].output
    assert len(chunks) > PEAK_WANTED
    assert requests == len(chunks) + 1
    expected = [
        "{}-{}".format(*[re.findall(r"Paragraph (\d+)", c["text"])[i] for i in (0, -1)])
        for c in chunks
    ]
    assert summaries == expected
    assert result.output == " | ".join(expected)
    assert model.peak >= PEAK_WANTED
    # The chunks cover the paragraphs 0..59 in order, each exactly once.
    spans = [tuple(map(int, s.split("-"))) for s in summaries]
    assert spans[0][0] == 0
    assert spans[-1][1] == 59
    assert all(b[0] == a[1] + 1 for a, b in itertools.pairwise(spans))


@pytest.mark.anyio
async def test_a_rule_routes_long_documents_to_chunking_and_summaries() -> None:
    """A rule on chunking.too_long routes the document to chunking.split then the
    capability text.summary (llm.summarise), and the explanation says why."""
    config = {
        "routing": {
            "rules": [
                {
                    "name": "long_documents",
                    "when": {"condition": "chunking.too_long", "chars": 2000},
                    "route": ["chunking.split", "text.summary"],
                    "description": "Long documents are summarised chunk by chunk.",
                }
            ]
        },
        "components": {"chunking.split": {"max_size": 400}},
    }
    model = Model()
    with FakeChatServer(handler=model) as server:
        plugins = (LlmPlugin(settings(server)), ChunkingPlugin())
        async with make_orchestrator(*plugins, config=config) as orch:
            route = orch.plan(DOCUMENT)
            result = await orch.process(DOCUMENT, route=route)
    assert [s.component for s in route.steps] == ["chunking.split", "llm.summarise"]
    explained = route.explanation.render()
    assert "long_documents" in explained
    assert "chunking.too_long" in explained
    assert result.status == "succeeded"
    (_, summarise) = result.steps.values()
    assert len(summarise.output) == len(next(iter(result.steps.values())).output)
    assert model.peak >= PEAK_WANTED
