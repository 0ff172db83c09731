"""Parse a file in a child process, so that no file can take the caller down.

The guards (``imports.guards``) refuse every hostile file known; this is the second wall,
for the next reader bug nobody knows yet. ``parse_isolated`` runs ``parse_file`` in a
child process with a memory limit (``resource.RLIMIT_AS``) and a time limit
(``tracker.config.ParseLimits``: TRACKER_PARSE_MEMORY_MB, TRACKER_PARSE_SECONDS). A child
that runs out of memory, dies by a signal (calamine aborts on a failed allocation) or
overruns its time becomes a ``FileRefused`` saying so; the caller (the Streamlit server,
the CLI) lives on. A ``FileRefused`` raised in the child comes back as it was, so does
the ``ParsedFile`` (pickled: a 1M-row export costs about a second more).

Children are forked from a server process that has the importers loaded already
(multiprocessing's "forkserver"): each parse starts in milliseconds, not seconds, and
never inherits the caller's threads, locks or open database connections.

A child never runs the caller's main script again: multiprocessing would, to rebuild
``__main__`` in the child, and under Streamlit ``__main__`` is the page script (it would
run a page in the child). ``_no_main_for`` takes that step out for this module's
children only.

The child tells the caller's ``progress`` each stage of the parse over the same pipe
(a few small messages per file, none per row).

Both faces call this; tests call ``parse_file`` directly, and this module's own tests
pass a stand-in ``reader`` (a module-level function) to make the child misbehave.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.spawn
import os
import resource
import signal
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from imports.errors import FileRefused
from tracker.config import ParseLimits, load_settings
from tracker.ingest.records import ParsedFile
from tracker.messages.problems import Code
from tracker.messages.progress import Progress, Stage, no_progress

Reader = Callable[..., ParsedFile]
Outcome = tuple[Any, ...]  # ("ok", ParsedFile) | ("refused", FileRefused) | ("memory",) | ...
TOLD = "progress"  # a message before the outcome: (TOLD, stage's name, done, total)
AGAIN = "Check the file (is it the export the source system wrote?); export it again"
CHILD = "tracker-parse"  # the name of the child processes


def _no_main_for(original: Callable[[str], dict[str, Any]]) -> Callable[[str], dict[str, Any]]:
    """multiprocessing's preparation data, without the main module for our children."""
    if getattr(original, "tracker_wrapped", False):
        return original

    def preparation_data(name: str) -> dict[str, Any]:
        data = original(name)
        if name == CHILD:
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    preparation_data.tracker_wrapped = True  # type: ignore[attr-defined]
    return preparation_data


multiprocessing.spawn.get_preparation_data = _no_main_for(  # type: ignore[assignment]
    multiprocessing.spawn.get_preparation_data)


def parse_isolated(path: Path, *, limits: ParseLimits | None = None,
                   reader: Reader | None = None, progress: Progress = no_progress,
                   **options: Any) -> ParsedFile:
    """``imports.parse_file(path, **options)`` in a child process within ``limits``
    (default: the settings'), telling ``progress`` its stages. ``reader`` stands in for
    ``parse_file`` (tests)."""
    from imports import parse_file

    limits = limits or load_settings().limits
    path = Path(path)
    name = str(options.get("file_name") or path.name)
    path = path.resolve()  # the fork server's working folder is where it started
    memory = limits.memory_bytes(path.stat().st_size)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["imports", "imports.isolated", "imports.warm"])
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, daemon=True, name=CHILD,
                            args=(send, reader or parse_file, path, memory, _env(), options))
    child.start()
    send.close()
    try:
        outcome = _wait(receive, limits.seconds, progress)
    finally:  # also on Ctrl-C in the caller: the child goes too
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    return _result(outcome, child.exitcode, name, memory, limits.seconds)


def _env() -> dict[str, str]:
    """The caller's TRACKER_* settings and working folder (the fork server's are as they
    were when it started)."""
    env = {key: value for key, value in os.environ.items() if key.startswith("TRACKER_")}
    return {**env, CWD: os.getcwd()}


CWD = "\x00cwd"  # the key of the working folder in _env (no variable has this name)


def _wait(receive: Connection, seconds: int, progress: Progress) -> Outcome:
    """The child's outcome, passing on what it tells of its progress on the way."""
    deadline = time.monotonic() + seconds
    while True:
        if not receive.poll(max(0.0, deadline - time.monotonic())):
            return ("timeout",)
        try:
            outcome: Outcome = receive.recv()
        except EOFError:  # the child died before it could answer
            return ("died",)
        if outcome[0] != TOLD:
            return outcome
        progress(Stage[outcome[1]], outcome[2], outcome[3])


def _child(send: Connection, reader: Reader, path: Path, memory: int, env: dict[str, str],
           options: dict[str, Any]) -> None:
    """In the child: limit memory, parse, send back the outcome (Ctrl-C is the caller's)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.chdir(env.pop(CWD))
    for key in [k for k in os.environ if k.startswith("TRACKER_")]:
        del os.environ[key]
    os.environ.update(env)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        outcome: Outcome = ("ok", reader(path, progress=_teller(send), **options))
    except MemoryError:
        outcome = ("memory",)
    except FileRefused as exc:
        outcome = ("refused", exc)
    except Exception as exc:  # a bug: raised again in the caller, with this traceback
        outcome = ("error", exc, traceback.format_exc())
    _send(send, outcome)


def _teller(send: Connection) -> Progress:
    """In the child: a ``Progress`` that sends each call to the caller."""
    def tell(stage: Stage, done: int | None = None, total: int | None = None) -> None:
        send.send((TOLD, stage.name, done, total))
    return tell


def _send(send: Connection, outcome: Outcome) -> None:
    try:
        send.send(outcome)
    except MemoryError:
        send.send(("memory",))
    except Exception as exc:  # an exception that cannot be pickled
        send.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}"),
                   traceback.format_exc()))
    finally:
        send.close()


def _result(outcome: Outcome, exitcode: int | None, name: str, memory: int,
            seconds: int) -> ParsedFile:
    status = outcome[0]
    if status == "ok":
        parsed: ParsedFile = outcome[1]
        return parsed
    if status == "refused":
        raise outcome[1]
    if status == "error":
        exc: BaseException = outcome[1]
        exc.add_note(f"In the child process that parsed {name}:\n{outcome[2]}")
        raise exc
    raise _refusal(status, exitcode, name, memory, seconds)


def _refusal(status: str, exitcode: int | None, name: str, memory: int,
             seconds: int) -> FileRefused:
    megabytes = f"{memory / 1024**2:,.0f} MB"
    if status == "memory":
        return FileRefused(
            f"{name}: this file could not be read safely: the reader ran out of memory (it "
            f"may use {megabytes}; TRACKER_PARSE_MEMORY_MB sets that). {AGAIN}, or split it.",
            Code.UNSAFE_FILE, name)
    if status == "timeout":
        return FileRefused(
            f"{name}: this file could not be read safely: the reader took more than "
            f"{seconds:,} seconds and was stopped (TRACKER_PARSE_SECONDS sets that). "
            f"{AGAIN}, or split it.", Code.UNSAFE_FILE, name)
    return FileRefused(
        f"{name}: this file could not be read safely: the reader stopped "
        f"({_how(exitcode)}; with {megabytes} of memory at most, running out of it ends a "
        f"reader this way too). {AGAIN}, or save it as .csv and import that.",
        Code.UNREADABLE_FILE, name)


def _how(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"signal {-exitcode}, {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit code {exitcode}"
