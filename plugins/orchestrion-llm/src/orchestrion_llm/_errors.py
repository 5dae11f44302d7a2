"""The plugin's errors, in the core's tree so retries and breakers judge them::

    orchestrion.exceptions.PermanentError
    ├── EndpointError       the endpoint refused the request (4xx, bad setup)
    └── AgentOutputError    the answer is unusable (invalid, cut short, refused)

Transient failures (429, 5xx, connection lost, request timeout) are raised as
:class:`orchestrion.TransientError`, carrying ``retry_after`` when the server
sent ``Retry-After``. No message ever holds an API key or the data processed.
"""

from __future__ import annotations

from orchestrion.exceptions import PermanentError

__all__ = ["AgentOutputError", "EndpointError"]


class EndpointError(PermanentError):
    """Raised by an endpoint adapter when the endpoint rejects a request in a
    way retrying cannot fix (bad request, authentication, unknown model), or
    when the endpoint is misconfigured. ``endpoint`` names it; ``status`` is the
    HTTP status when there was one."""

    def __init__(
        self,
        message: str,
        *,
        endpoint: str,
        status: int | None = None,
        step: str | None = None,
        component: str | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.status = status
        super().__init__(message, step=step, component=component)


class AgentOutputError(PermanentError):
    """Raised by an agent when its answer cannot be used: it still fails
    validation after the allowed re-asks, it was cut at ``max_tokens``
    (``finish_reason == "length"``), filtered, or refused. Never retried:
    sending the same request again would give the same kind of answer.
    ``agent`` names the agent; ``errors`` holds the last validation problems
    (``"path: message"`` strings, never the offending values)."""

    def __init__(
        self,
        message: str,
        *,
        agent: str,
        errors: tuple[str, ...] = (),
        step: str | None = None,
        component: str | None = None,
    ) -> None:
        self.agent = agent
        self.errors = errors
        super().__init__(message, step=step, component=component)
