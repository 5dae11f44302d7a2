"""The ``validator-required`` plugin: validation is always part of a route, last.

It is a plugin of its own (a second entry point of this distribution) so that
configuration can switch the requirement off while keeping the components::

    [plugins]
    disable = ["validator-required"]

(or ``-p no:validator-required``, or ``ORCHESTRION_DISABLE_PLUGINS``). Hooks
receive no configuration, and plugin selection is the configuration every
layer (file, environment, CLI) already has.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from orchestrion import DataProfile, hookimpl

#: The answer: with default options ``validator.schema`` checks that the final
#: output is a JSON value (no NaN, no non-JSON types); its ``after`` hints put
#: it after every producer.
REQUIREMENT = ("validator.schema",)


@hookimpl
def analyze_requirements(data: Any, profile: DataProfile) -> Sequence[str] | None:
    """Every piece of data needs ``validator.schema``, ordered last by its hints."""
    return REQUIREMENT
