"""Built-in behaviour, implemented as plugins on the public hooks.

Each module here is one plugin, listed in ``BUILTIN_PLUGINS`` and blockable by
its short name like any installed plugin.
"""
