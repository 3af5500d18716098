"""Intents for the local machine: files and processes.

Slots follow ARCHITECTURE.md: HearthFileRead/Delete `file`; HearthFileAppend `file`, `text`;
HearthFileList optional `folder`; HearthProcessStart/Stop/List `process` (optional for List).
"Is the music player running?" is HearthProcessList {process: "music player"} and is answered yes or no;
without `process` it says what is running.
Deleting a file and stopping a process ask first ("Delete notes.txt? Say yes or no.").
File work runs in worker threads.
"""

from __future__ import annotations

import asyncio
from typing import Any

from hub.core.errors import ExecutionError
from hub.core.events import Outcome, ToolCall
from hub.core.intents import IntentHost, IntentSpec, Risk
from hub.core.responses import capitalized, join_some
from hub.machine.files import FileRoots
from hub.machine.processes import ProcessRunner, ProcessStatus


def register_machine_intents(executor: IntentHost, files: FileRoots, processes: ProcessRunner) -> None:
    """Install the file and process intents on the executor."""
    executor.install(FILE_INTENTS, FileIntents(files))
    executor.install(PROCESS_INTENTS, ProcessIntents(processes))


class FileIntents:
    def __init__(self, files: FileRoots) -> None:
        self.files = files

    async def read(self, call: ToolCall, confirmed: bool) -> Outcome:
        found = await asyncio.to_thread(self.files.read, call.required_text("file", "Which file? Say its name"))
        if not found.summary:
            return Outcome(call.intent, True, f"{found.name} is empty", targets=(found.name,))
        return Outcome(call.intent, True, f"{found.name} says: {found.summary}", targets=(found.name,))

    async def append(self, call: ToolCall, confirmed: bool) -> Outcome:
        name = call.required_text("file", "Which file? Say its name")
        text = call.required_text("text", "What should I add? Say the text")
        found = await asyncio.to_thread(self.files.append, name, text)
        return Outcome(call.intent, True, f"Added {' '.join(text.split())} to {found.display}",
                       targets=(found.display,))

    async def list(self, call: ToolCall, confirmed: bool) -> Outcome:
        folder = call.text("folder")
        listing = await asyncio.to_thread(self.files.list, folder)
        where = "Your files" if listing.folder is None else f"The {listing.folder} folder"
        if not listing.total:
            empty = "You have no files yet" if listing.folder is None else f"{where} is empty"
            return Outcome(call.intent, True, empty)
        names = [f"the {n[:-1]} folder" if n.endswith("/") else n for n in listing.names]
        verb = "are" if listing.folder is None else "has"
        return Outcome(call.intent, True, f"{where} {verb} {join_some(names, listing.total)}",
                       targets=tuple(listing.names))

    async def delete(self, call: ToolCall, confirmed: bool) -> Outcome:
        name = call.required_text("file", "Which file? Say its name")
        if not confirmed:
            found = await asyncio.to_thread(self.files.find, name)
            return Outcome(call.intent, False, f"Delete {found.display}? Say yes or no.",
                           targets=(found.display,), needs_confirmation=True)
        deleted = await asyncio.to_thread(self.files.delete, name)
        return Outcome(call.intent, True, f"Deleted {deleted.display}", targets=(deleted.display,))


FILE_INTENTS: tuple[IntentSpec[FileIntents], ...] = (
    IntentSpec("HearthFileRead", lambda f, _: f.read, ("file",)),
    IntentSpec("HearthFileAppend", lambda f, _: f.append, ("file", "text")),
    IntentSpec("HearthFileList", lambda f, _: f.list, ("folder",)),
    IntentSpec("HearthFileDelete", lambda f, _: f.delete, ("file",), risk=Risk.ALWAYS),
)


class ProcessIntents:
    def __init__(self, processes: ProcessRunner) -> None:
        self.processes = processes

    async def start(self, call: ToolCall, confirmed: bool) -> Outcome:
        status = await self.processes.start(call.required_text("process", "Which program? Say its name"))
        return Outcome(call.intent, True, f"Started {status.spoken_name}", targets=(status.name,),
                       states=_process_state(status))

    async def stop(self, call: ToolCall, confirmed: bool) -> Outcome:
        name = call.required_text("process", "Which program? Say its name")
        if not confirmed:
            status = self.processes.status(name)
            if not status.running:
                raise ExecutionError(f"{status.spoken_name} is not running")
            return Outcome(call.intent, False, f"Stop {status.spoken_name}? Say yes or no.",
                           targets=(status.name,), needs_confirmation=True)
        status = await self.processes.stop(name)
        return Outcome(call.intent, True, f"Stopped {status.spoken_name}", targets=(status.name,),
                       states=_process_state(status))

    async def list(self, call: ToolCall, confirmed: bool) -> Outcome:
        name = call.text("process")
        if name is not None:
            status = self.processes.status(name)
            return Outcome(call.intent, True, _running_answer(status), targets=(status.name,),
                           states=_process_state(status))
        statuses = self.processes.list()
        running = [s.spoken_name for s in statuses if s.running]
        if not statuses:
            response = "No programs are set up for me to run"
        elif not running:
            response = "Nothing is running"
        else:
            verb = "is" if len(running) == 1 else "are"
            response = capitalized(f"{join_some(running, len(running))} {verb} running")
        states = {k: v for s in statuses for k, v in _process_state(s).items()}
        return Outcome(call.intent, True, response, targets=tuple(s.name for s in statuses), states=states)


PROCESS_INTENTS: tuple[IntentSpec[ProcessIntents], ...] = (
    IntentSpec("HearthProcessStart", lambda p, _: p.start, ("process",)),
    IntentSpec("HearthProcessStop", lambda p, _: p.stop, ("process",), risk=Risk.ALWAYS),
    IntentSpec("HearthProcessList", lambda p, _: p.list, ("process",)),
)


def _running_answer(status: ProcessStatus) -> str:
    """'Yes, backup is running' / 'No, backup is not running; it failed with exit code 2'."""
    name = status.spoken_name
    if status.running:
        return f"Yes, {name} is running"
    if status.ended is None or status.stopped:
        how = ""
    elif status.timed_out:
        how = "; it was stopped when it ran past its time limit"
    elif status.returncode == 0:
        how = "; it finished successfully"
    else:
        how = f"; it failed with exit code {status.returncode}"
    return f"No, {name} is not running{how}"


def _process_state(status: ProcessStatus) -> dict[str, dict[str, Any]]:
    attributes = {"pid": status.pid, "returncode": status.returncode, "started": status.started,
                  "ended": status.ended, "timed_out": status.timed_out, "stopped": status.stopped}
    return {f"process.{status.name}": {"state": "running" if status.running else "stopped",
                                       "attributes": attributes}}
