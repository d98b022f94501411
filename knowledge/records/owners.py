"""Who holds a claim in the state database, so that a claim can outlive its lease only while its holder lives.

A claim's owner is written as `machine/pid/start/nonce`: `machine` tells processes apart across computers, boots
and PID namespaces (Linux's boot id and this process's PID namespace; elsewhere the host name), `start` is the
process's start time (so a PID reused by a later process is not mistaken for the holder), and `nonce` tells
apart the claims of one process. A holder on the same machine can be checked: if its process is gone (killed
with SIGKILL, say) its claims are abandoned at once. A holder elsewhere cannot be checked, and keeps its claim
until the lease runs out.
"""

from __future__ import annotations

import os
import socket
import uuid
from functools import cache
from pathlib import Path

SEPARATOR = "/"


@cache
def machine() -> str:
    """This boot of this machine, and this PID namespace: where a PID means the same process."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        namespace = os.readlink("/proc/self/ns/pid").removeprefix("pid:").strip("[]")
        return f"{boot}:{namespace}"
    except OSError:
        return socket.gethostname().replace(SEPARATOR, "_")


def start_time(pid: int) -> str | None:
    """When a process started (clock ticks since boot, from /proc), or None if there is no such process.

    Without /proc, "" for a process that exists (its start cannot be told) and None for one that does not.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return _exists(pid)
    # The second field (the command name, in parentheses) may hold spaces: count fields after its last ")".
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else ""


def _exists(pid: int) -> str | None:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return ""
    return ""


def this_process() -> str:
    """This process as a claim owner, without the nonce."""
    pid = os.getpid()
    return SEPARATOR.join((machine(), str(pid), start_time(pid) or ""))


def new_owner() -> str:
    """A fresh owner token for one claim (or one run) of this process."""
    return this_process() + SEPARATOR + uuid.uuid4().hex


def is_gone(owner: str | None) -> bool:
    """True only when `owner` names a process on this machine that no longer runs; False when it runs, when it
    is elsewhere, or when the token is not one of ours (an older format: only its lease can end it)."""
    if not owner:
        return False
    parts = owner.split(SEPARATOR)
    if len(parts) != 4 or parts[0] != machine() or not parts[1].isdigit():
        return False
    started = start_time(int(parts[1]))
    if started is None:
        return True
    return bool(parts[2]) and bool(started) and started != parts[2]  # the PID now belongs to a later process
