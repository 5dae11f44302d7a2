"""Run ownership: who may write a run, and whether that owner is still alive.

An owner is ``pid@host#token``: the token tells two orchestrators of one
process apart. A lease is held until it expires (the owner renews it with a
heartbeat) or its owner is known dead: same host and no such process, which
is how a resume right after ``kill -9`` takes over at once instead of waiting
for the expiry.
"""

from __future__ import annotations

import os
import socket
import uuid

__all__ = ["Owner", "owner_alive", "owner_label"]


class Owner:
    """This process's identity for one orchestrator."""

    __slots__ = ("id", "token")

    def __init__(self) -> None:
        self.token = uuid.uuid4().hex[:12]
        self.id = f"{os.getpid()}@{socket.gethostname()}#{self.token}"


def owner_label(owner: str) -> str:
    """``pid@host`` of an owner id, for messages."""
    return owner.split("#", 1)[0]


def owner_alive(owner: str) -> bool:
    """Whether the process of ``owner`` may still be running: ``False`` only
    when it is on this host and no process has its pid."""
    label = owner_label(owner)
    pid_text, _, host = label.partition("@")
    if host != socket.gethostname() or not pid_text.isdigit():
        return True  # another host: trust the expiry
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True
