"""The ``scripted`` provider: answers from a mapping or a JSON Lines script,
offline, for demos and for testing agent workflows without a model.

A request is answered by the first ``match`` answer whose text occurs in the
last user message; otherwise by the next unmatched answer, in script order
(each used once); otherwise by ``default``; otherwise it fails with an
:class:`~orchestrion_llm.EndpointError` saying which message had no answer.
Usage counts words, not tokens: it is an approximation for demos.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from pathlib import Path

from pydantic import ValidationError

from ._endpoint import ChatReply, ChatRequest, Usage
from ._errors import EndpointError
from ._settings import ScriptedAnswer, ScriptedEndpointSettings

__all__ = ["ScriptedEndpoint", "load_script"]


def load_script(path: str | Path) -> list[ScriptedAnswer]:
    """Read a JSON Lines script: one :class:`ScriptedAnswer` object per line
    (blank lines and lines starting with ``#`` are skipped).

    :raises ConfigError: naming the file and line of the first bad line.
    """
    from orchestrion.exceptions import ConfigError

    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        msg = f"cannot read the script: {exc.strerror or exc}"
        raise ConfigError(msg, source=str(path)) from None
    answers = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            answers.append(ScriptedAnswer.model_validate(json.loads(line)))
        except (ValueError, ValidationError) as exc:
            problem = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            msg = f"line {number}: not a scripted answer ({problem})"
            raise ConfigError(msg, source=str(path)) from None
    return answers


def _words(text: str) -> int:
    return len(text.split())


class ScriptedEndpoint:
    """An endpoint that answers from its settings, without any network."""

    def __init__(self, name: str, settings: ScriptedEndpointSettings) -> None:
        self.name = name
        self.settings = settings
        answers = list(settings.answers)
        if settings.script is not None:
            answers.extend(load_script(settings.script))
        answers.extend(ScriptedAnswer(match=k, content=v) for k, v in settings.responses.items())
        self._matching = [a for a in answers if a.match is not None]
        self._queue = deque(a for a in answers if a.match is None)
        self._lock = threading.Lock()  # components may run in worker threads
        self.calls = 0

    def __repr__(self) -> str:
        return f"ScriptedEndpoint({self.name!r})"

    def _answer_for(self, message: str) -> ScriptedAnswer:
        for answer in self._matching:
            if answer.match is not None and answer.match in message:
                return answer
        with self._lock:
            if self._queue:
                return self._queue.popleft()
        if self.settings.default is not None:
            return ScriptedAnswer(content=self.settings.default)
        msg = (
            f"scripted endpoint {self.name!r} has no answer for a user message of "
            f"{len(message)} characters: add a matching answer or a default"
        )
        raise EndpointError(msg, endpoint=self.name)

    async def complete(self, request: ChatRequest) -> ChatReply:
        """Answer ``request`` from the script."""
        started = time.monotonic()
        message = ""
        for item in reversed(request.messages):
            if item.get("role") == "user":
                message = str(item.get("content") or "")
                break
        answer = self._answer_for(message)
        with self._lock:
            self.calls += 1
        text = answer.content
        if answer.json_ is not None:
            text = json.dumps(answer.json_)
        arguments = None
        if request.tool_choice is not None and text is not None:
            arguments, text = text, None
        prompt = sum(_words(str(m.get("content") or "")) for m in request.messages)
        completion = _words(text or arguments or answer.refusal or "")
        return ChatReply(
            content=text,
            finish_reason=answer.finish_reason,
            model=request.model or self.settings.model,
            usage=Usage(prompt, completion, prompt + completion),
            latency=time.monotonic() - started,
            tool_arguments=arguments,
            refusal=answer.refusal,
        )

    async def aclose(self) -> None:
        """Nothing to release."""
