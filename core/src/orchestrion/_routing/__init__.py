"""Routing (DESIGN §8): from a piece of data to a route of component types,
explained, cached, and assembled into a workflow.

Map of the package:

- ``_conditions``: condition references compiled (and validated) into
  predicates at load time; ``Nested`` for combinator parameters; traces.
- ``_rules``: the ``[routing]`` config section and loading rules from config
  and plugins, each checked against the registry.
- ``_requirements``: asking every plugin's ``analyze_requirements``, isolated.
- ``_ordering``: ordering by ``after``/``before`` hints into a DAG.
- ``_health``: the per-orchestrator health book and the choice among providers
  of a capability.
- ``_cache``: the route cache keyed by data profile.
- ``_route``: the ``Route`` and its ``Explanation``.
- ``_router``: the ``Router`` tying it together (``Orchestrator.routing``).
- ``_assemble``: a route into a ``Workflow`` with per-type options.
"""
