"""Checking a plugin's hook implementations against the specs, before pluggy does.

pluggy accepts an implementation of an unknown hook silently (it could be a
spec added later) and rejects wrong arguments in a multi-line message; a
plugin author deserves one line with the fix: the closest hook name, or the
arguments the hook actually passes.
"""

from __future__ import annotations

import difflib
import inspect

import pluggy

from .. import hookspecs

__all__ = ["HOOK_NAMES", "check_hooks"]

#: Every hook a plugin can implement.
HOOK_NAMES = frozenset(hookspecs.__all__)

# The arguments each hook passes.
_SPEC_ARGS: dict[str, tuple[str, ...]] = {
    name: tuple(inspect.signature(getattr(hookspecs, name)).parameters) for name in HOOK_NAMES
}


def check_hooks(pm: pluggy.PluginManager, obj: object) -> str | None:
    """The first problem with plugin ``obj``'s hook implementations, in our words:
    an unknown hook (with the closest spec names) or an argument the spec
    does not have. pluggy would reject the latter too, in a multi-line
    message, and would accept the former silently."""
    for attr in sorted(dir(obj)):
        opts = pm.parse_hookimpl_opts(obj, attr)
        if opts is None:
            continue
        hook = opts.get("specname") or attr
        if hook not in HOOK_NAMES:
            close = difflib.get_close_matches(hook, sorted(HOOK_NAMES), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            return f"implements unknown hook {hook!r}{hint}"
        function = getattr(obj, attr)
        try:
            params = list(inspect.signature(function).parameters.items())
        except (TypeError, ValueError):  # a builtin or odd callable: let pluggy judge
            continue
        # As pluggy does: a function defined in a class takes its instance first.
        if params and params[0][0] == "self" and "." in getattr(function, "__qualname__", ""):
            params = params[1:]
        spec_args = _SPEC_ARGS[hook]
        extra = [
            n
            for n, p in params
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY, p.POSITIONAL_ONLY)
            and n not in spec_args
            and p.default is p.empty
        ]
        if extra:
            return (
                f"implements {hook}() with argument(s) {', '.join(map(repr, extra))} "
                f"the hook does not have (it passes: {', '.join(spec_args) or 'nothing'})"
            )
    return None
