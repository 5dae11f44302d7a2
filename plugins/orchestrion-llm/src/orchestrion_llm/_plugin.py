"""The ``llm`` plugin: registrations, and the per-orchestrator state they share."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, cast

from pydantic import Field, ValidationError, create_model

from orchestrion import (
    CircuitBreaker,
    ComponentType,
    Condition,
    Config,
    ConfigError,
    hookimpl,
)

from ._agent import Agent
from ._classify import Classifier, label_is
from ._endpoint import ChatEndpoint
from ._options import AgentOptions, ClassifyOptions, LabelIsParams
from ._scripted import ScriptedEndpoint
from ._settings import AgentSettings, LlmSettings, ScriptedEndpointSettings

__all__ = ["LlmPlugin", "plugin"]

_RESERVED = frozenset({"agent", "classify"})


def _agent_options_model(name: str, agent: AgentSettings) -> type[AgentOptions]:
    """``AgentOptions`` with the named agent's configured values as defaults, so
    a step can still override any of them and listings show the real defaults."""
    values = agent.model_dump(include=set(AgentOptions.model_fields), exclude_unset=True)
    values.setdefault("agent_name", name)
    fields: dict[str, Any] = {}
    for key, value in values.items():
        info = AgentOptions.model_fields[key]
        fields[key] = (info.annotation, Field(default=value, description=info.description))
    model = create_model(f"AgentOptions_{name}", __base__=AgentOptions, **fields)
    return cast("type[AgentOptions]", model)


def _invalid(error: ValidationError, source: str | None) -> ConfigError:
    """A :class:`ConfigError` keyed by the first bad key, naming the others inline
    (never their values: a misplaced key must not be echoed)."""
    errors = error.errors(include_input=False, include_url=False)
    keys = [".".join(["llm", *map(str, e["loc"])]) for e in errors]
    rest = zip(keys[1:], errors[1:], strict=True)
    problems = [errors[0]["msg"], *(f"{key}: {e['msg']}" for key, e in rest)]
    msg = f"{'; '.join(problems)}; fix the [llm] table"
    return ConfigError(msg, source=source, key=keys[0])


class _Shared:
    """What the components of one orchestrator share: one endpoint adapter per
    endpoint name (and so one connection pool), one classifier breaker per agent.
    Built afresh in every ``register_components`` call, so two orchestrators
    share nothing."""

    def __init__(self, settings: LlmSettings, env: Mapping[str, str] | None) -> None:
        self.settings = settings
        self.env = env
        self.endpoints: dict[str, ChatEndpoint] = {}
        self.breakers: dict[tuple[str, str], CircuitBreaker] = {}

    def endpoint(self, name: str) -> tuple[ChatEndpoint, str]:
        """The adapter for endpoint ``name`` and its structured mode."""
        try:
            settings = self.settings.endpoint(name)
        except KeyError as exc:
            raise ConfigError(str(exc.args[0]), key="endpoint") from None
        found = self.endpoints.get(name)
        if found is None:
            if isinstance(settings, ScriptedEndpointSettings):
                found = ScriptedEndpoint(name, settings)
            else:
                from ._openai import OpenAIEndpoint

                found = OpenAIEndpoint(name, settings, env=self.env)
            self.endpoints[name] = found
        mode = (
            "json_schema"
            if isinstance(settings, ScriptedEndpointSettings)
            else (settings.structured_mode)
        )
        return found, mode

    def agent(self, options: AgentOptions) -> Agent:
        """Build an agent component."""
        endpoint, mode = self.endpoint(options.endpoint)
        return Agent(options, endpoint, mode)

    def classifier(self, options: ClassifyOptions) -> Classifier:
        """Build a classifier component."""
        configured = self.settings.agents.get(options.agent)
        agent = (
            AgentOptions.model_validate(
                configured.model_dump(include=set(AgentOptions.model_fields), exclude_unset=True)
            )
            if configured is not None
            else AgentOptions(agent_name=options.agent)
        )
        endpoint, mode = self.endpoint(agent.endpoint)
        key = (options.agent, options.breaker.model_dump_json())
        breaker = self.breakers.get(key)
        if breaker is None:
            breaker = CircuitBreaker(f"llm.classify:{options.agent}", options.breaker)
            self.breakers[key] = breaker
        return Classifier(options, agent, endpoint, mode, breaker)


class LlmPlugin:
    """The plugin object.

    Its settings are the ``[llm]`` table of the orchestrator's configuration
    (``orchestrion.toml``, or ``config={"llm": {...}}`` given to the
    :class:`orchestrion.Orchestrator`), read when the plugin registers. The
    installed entry point is an instance without settings, so the
    configuration applies.

    ``settings`` (an :class:`LlmSettings` or a mapping as read from TOML), when
    given, is used instead of the table, for an instance passed to an
    orchestrator in Python. ``env`` is where API-key variables are looked up
    (default: ``os.environ``).
    """

    orchestrion_plugin_name = "llm"

    def __init__(
        self,
        settings: LlmSettings | Mapping[str, Any] | None = None,
        *,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self._given = settings
        self.env = env

    def __repr__(self) -> str:
        return "LlmPlugin()"

    def settings(self, config: Config | None = None) -> LlmSettings:
        """The validated settings: those given to the constructor, else the
        ``[llm]`` table of ``config`` (no config: the defaults).

        :raises ConfigError: naming the file and the key that does not validate.
        """
        given = self._given
        source = None
        if given is None:
            config = Config() if config is None else config
            source = config.source
            given = config.section("llm")
        if isinstance(given, LlmSettings):
            return given
        try:
            return LlmSettings.model_validate(dict(given))
        except ValidationError as exc:
            raise _invalid(exc, source) from None

    @hookimpl
    def register_components(
        self, register: Callable[[ComponentType[Any]], None], config: Config
    ) -> None:
        """Register ``llm.agent``, ``llm.classify`` and one ``llm.<name>`` per
        configured agent."""
        settings = self.settings(config)
        source = config.source if self._given is None else None
        shared = _Shared(settings, os.environ if self.env is None else self.env)
        register(
            ComponentType(
                name="llm.agent",
                factory=shared.agent,
                options=AgentOptions,
                description="Ask an LLM over an OpenAI-compatible endpoint; the answer is "
                "text or JSON validated against output_model / output_schema.",
                capabilities=frozenset({"llm.chat"}),
            )
        )
        register(
            ComponentType(
                name="llm.classify",
                factory=shared.classifier,
                options=ClassifyOptions,
                description="Label the input with one of a closed set of labels (fallback "
                "label when the answer is invalid or the endpoint's breaker is open).",
                capabilities=frozenset({"llm.classification"}),
            )
        )
        for name, agent in sorted(settings.agents.items()):
            if name in _RESERVED:
                msg = f"agent name {name!r} is reserved (llm.{name} is built in); rename it"
                raise ConfigError(msg, source=source, key=f"llm.agents.{name}")
            register(
                ComponentType(
                    name=f"llm.{name}",
                    factory=shared.agent,
                    options=_agent_options_model(name, agent),
                    description=agent.description or f"The configured agent {name!r}.",
                    capabilities=frozenset(agent.capabilities),
                )
            )

    @hookimpl
    def register_conditions(self, register: Callable[[Condition[Any]], None]) -> None:
        """Register ``llm.label_is``."""
        register(
            Condition(
                name="llm.label_is",
                check=label_is,
                params=LabelIsParams,
                description="The data is an llm.classify output carrying this label.",
            )
        )


#: The instance the ``orchestrion`` entry point names.
plugin = LlmPlugin()
