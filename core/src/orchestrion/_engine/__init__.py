"""The workflow engine: the workflow model and its loaders, validation into an
executable plan, component pools, the dependency-driven scheduler, and run
results.

Map of the package:

- ``_model``: :class:`Workflow`, :class:`Step` and the builder (public).
- ``_loader``: reading workflows from TOML and YAML files.
- ``_plan``: validation against a registry, compiled into a :class:`Plan`.
- ``_settings``: the ``[engine]`` configuration table.
- ``_pool``: component pools keyed by (type, options).
- ``_invoke``: the one seam where a step's component is called.
- ``_scheduler``: runs a plan (inline successors, worker tasks, fan-out).
- ``_results``: the public result models and the run-status rule.
- ``_finish``: builds a run's result once, at its end, from slot records.
- ``_engine``: what one orchestrator owns (pools, executors, plan cache) and
  the ``run`` entry point the :class:`~orchestrion.Orchestrator` delegates to.
"""
