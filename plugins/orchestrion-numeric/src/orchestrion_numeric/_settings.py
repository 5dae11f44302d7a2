"""The ``[numeric]`` configuration table, validated once per :class:`orchestrion.Config`
(see :meth:`orchestrion.Config.plugin_settings`).

::

    [numeric]
    min_count = 10      # analyze_requirements asks for numeric.extract and
    min_ratio = 0.1     # numeric.stats only for data this rich in numbers
"""

from __future__ import annotations

from ._options import HasNumbersParams

__all__ = ["SECTION", "NumericSettings"]

#: The plugin's top-level table in ``orchestrion.toml``.
SECTION = "numeric"


class NumericSettings(HasNumbersParams):
    """The ``[numeric]`` table: the ``numeric.has_numbers`` parameters with which
    the plugin's requirement analysis decides that data is numeric (and so asks
    for ``numeric.extract`` then ``numeric.stats``)."""
