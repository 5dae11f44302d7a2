"""The documented shapes of the CLI's ``--json`` output (public via :mod:`orchestrion.cli`).

Every listing command prints exactly one of these models as JSON on stdout and
nothing else, so scripts can rely on ``Model.model_json_schema()``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ComponentInfo",
    "ComponentListing",
    "DoctorPluginReport",
    "DoctorReport",
    "HookInfo",
    "HookListing",
    "PluginInfo",
    "PluginListing",
]


class _Output(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PluginInfo(_Output):
    """One plugin as ``plugins list --json`` and ``plugins info --json`` print it."""

    name: str = Field(description="The plugin's name: its entry-point name, or a built-in's.")
    distribution: str | None = Field(
        description="The installed distribution that provides it (null for in-process plugins)."
    )
    version: str | None = Field(description="The distribution's version, when known.")
    status: Literal["ok", "blocked", "broken"] = Field(
        description="ok: loaded; blocked: not selected (never imported); broken: failed."
    )
    reason: str | None = Field(
        description="Why it is blocked or broken (the one-line problem); null when ok."
    )
    builtin: bool = Field(description="Whether it ships with the orchestrion core.")
    entry_point: str | None = Field(
        description="The entry point's target, 'module:attr' (the module, for built-ins)."
    )
    hooks: list[str] = Field(description="The hooks it implements, sorted (empty unless ok).")
    registers: dict[str, list[str]] = Field(
        description="What it registered, by kind (components, conditions, rules, "
        "event_handlers, executors, state_stores); kinds with nothing are left out."
    )
    commands: list[str] | None = Field(
        default=None,
        description="CLI commands it added; null when not collected (plugins list skips "
        "register_commands for speed; plugins info collects them).",
    )


class PluginListing(_Output):
    """The output of ``orchestrion plugins list --json``."""

    plugins: list[PluginInfo] = Field(description="Plugins in load order.")
    problems: list[str] = Field(
        description="One line per plugin problem met while loading (broken plugins, "
        "conflicts, unmet requirements)."
    )


class HookInfo(_Output):
    """One hook and the plugins implementing it."""

    name: str = Field(description="The hook's name, as in orchestrion.hookspecs.")
    implementations: list[str] = Field(
        description="Names of the plugins implementing it, in the order they are called."
    )


class HookListing(_Output):
    """The output of ``orchestrion plugins hooks --json``."""

    hooks: list[HookInfo] = Field(description="Every hook, sorted by name.")


class ComponentInfo(_Output):
    """One registered component type."""

    name: str = Field(description="The component type's name.")
    plugin: str = Field(description="The plugin that registered it.")
    description: str = Field(description="What it does.")
    capabilities: list[str] = Field(description="Abstract services it provides, sorted.")
    after: list[str] = Field(description="Component types it is ordered after.")
    before: list[str] = Field(description="Component types it is ordered before.")
    emits: Literal["one", "many"] = Field(description="Whether process() returns one or many.")
    options_schema: dict[str, Any] = Field(description="The JSON schema of its options model.")


class ComponentListing(_Output):
    """The output of ``orchestrion components --json``."""

    components: list[ComponentInfo] = Field(description="Component types sorted by name.")
    problems: list[str] = Field(description="One line per plugin problem met while loading.")


class DoctorPluginReport(_Output):
    """What ``plugins doctor`` found for one plugin, loaded on its own."""

    name: str = Field(description="The plugin's name.")
    distribution: str | None = Field(description="Its distribution, when installed.")
    version: str | None = Field(description="Its distribution's version, when known.")
    status: Literal["ok", "blocked", "broken"] = Field(
        description="ok: it loads on its own; blocked: not selected, so not imported; "
        "broken: it has problems."
    )
    reason: str | None = Field(description="Why it is blocked, or its first problem.")
    problems: list[str] = Field(description="Its problems, one line each.")


class DoctorReport(_Output):
    """The output of ``orchestrion plugins doctor --json``."""

    ok: bool = Field(description="True when no problem was found (exit status 0, else 3).")
    checks: list[DoctorPluginReport] = Field(
        description="Each plugin checked on its own (a fresh plugin set with only it)."
    )
    problems: list[str] = Field(
        description="Every problem: those of single plugins, then those that only appear "
        "when the selected plugins load together (name conflicts, requirements)."
    )
