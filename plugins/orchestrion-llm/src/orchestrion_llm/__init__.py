"""Orchestrion plugin ``llm``: LLM-backed agents as components.

Registers ``llm.agent`` (ask a model over any OpenAI-compatible Chat
Completions endpoint, optionally for JSON validated against a pydantic model
or a JSON Schema), one ``llm.<name>`` per agent configured in
``[llm.agents.<name>]``, ``llm.classify`` (a label from a closed set, for
routing) and the condition ``llm.label_is``. Endpoints are configured in
``[llm.endpoints.<name>]``; the ``scripted`` provider answers offline.
The testing kit is :mod:`orchestrion_llm.testing`.
"""

from __future__ import annotations

from ._agent import Agent as Agent
from ._classify import Classifier as Classifier
from ._classify import classify_then_process as classify_then_process
from ._endpoint import ChatEndpoint as ChatEndpoint
from ._endpoint import ChatReply as ChatReply
from ._endpoint import ChatRequest as ChatRequest
from ._endpoint import Usage as Usage
from ._errors import AgentOutputError as AgentOutputError
from ._errors import EndpointError as EndpointError
from ._openai import OpenAIEndpoint as OpenAIEndpoint
from ._options import AgentOptions as AgentOptions
from ._options import ClassifyOptions as ClassifyOptions
from ._options import LabelIsParams as LabelIsParams
from ._plugin import LlmPlugin as LlmPlugin
from ._scripted import ScriptedEndpoint as ScriptedEndpoint
from ._settings import AgentSettings as AgentSettings
from ._settings import LlmSettings as LlmSettings
from ._settings import OpenAIEndpointSettings as OpenAIEndpointSettings
from ._settings import ScriptedAnswer as ScriptedAnswer
from ._settings import ScriptedEndpointSettings as ScriptedEndpointSettings
from ._structured import strict_schema as strict_schema

__all__ = [
    "Agent",
    "AgentOptions",
    "AgentOutputError",
    "AgentSettings",
    "ChatEndpoint",
    "ChatReply",
    "ChatRequest",
    "Classifier",
    "ClassifyOptions",
    "EndpointError",
    "LabelIsParams",
    "LlmPlugin",
    "LlmSettings",
    "OpenAIEndpoint",
    "OpenAIEndpointSettings",
    "ScriptedAnswer",
    "ScriptedEndpoint",
    "ScriptedEndpointSettings",
    "Usage",
    "classify_then_process",
    "strict_schema",
]
