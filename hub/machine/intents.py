"""Intents for the local machine and lists: files, processes, HA list intents.

Slots follow ARCHITECTURE.md: HearthFileRead/Delete `file`; HearthFileAppend `file`, `text`;
HearthFileList optional `folder`; HearthProcessStart/Stop/List `process` (optional for List);
HassListAddItem/RemoveItem/CompleteItem `item`, `name`; HassShoppingListAddItem `item`;
HearthListQuery `name`. "Is the music player running?" is HearthProcessList {process: "music player"}
and is answered yes or no; without `process` it says what is running.
Deleting a file and stopping a process ask first ("Delete notes.txt? Say yes or no.").
File and SQLite work runs in worker threads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Protocol

from hub.machine.files import FileRoots, ProcessRunner, ProcessStatus
from hub.core.errors import ExecutionError
from hub.core.events import Outcome, ToolCall
from hub.executor import Handler
from hub.household.lists import DEFAULT_LIST, ListStore, spoken_list

SPOKEN_NAMES = 10
"""Listings and list queries read out at most this many names, then 'and N more'."""


class IntentRegistry(Protocol):
    def register(self, intent: str, handler: Handler) -> None: ...


def register_local_intents(executor: IntentRegistry, files: FileRoots, processes: ProcessRunner,
                           lists: ListStore) -> None:
    """Register the file, process and list intents on the executor."""
    handlers: dict[str, Handler] = {
        **FileIntents(files).handlers(),
        **ProcessIntents(processes).handlers(),
        **ListIntents(lists).handlers(),
    }
    for intent, handler in handlers.items():
        executor.register(intent, handler)


class FileIntents:
    def __init__(self, files: FileRoots) -> None:
        self.files = files

    def handlers(self) -> dict[str, Handler]:
        return {"HearthFileRead": self.read, "HearthFileAppend": self.append,
                "HearthFileList": self.list, "HearthFileDelete": self.delete}

    async def read(self, call: ToolCall, confirmed: bool) -> Outcome:
        found = await asyncio.to_thread(self.files.read, _slot(call, "file", "Which file? Say its name"))
        if not found.summary:
            return Outcome(call.intent, True, f"{found.name} is empty", targets=(found.name,))
        return Outcome(call.intent, True, f"{found.name} says: {found.summary}", targets=(found.name,))

    async def append(self, call: ToolCall, confirmed: bool) -> Outcome:
        name = _slot(call, "file", "Which file? Say its name")
        text = _slot(call, "text", "What should I add? Say the text")
        found = await asyncio.to_thread(self.files.append, name, text)
        return Outcome(call.intent, True, f"Added {' '.join(text.split())} to {found.display}",
                       targets=(found.display,))

    async def list(self, call: ToolCall, confirmed: bool) -> Outcome:
        folder = _optional(call, "folder")
        listing = await asyncio.to_thread(self.files.list, folder)
        where = "Your files" if listing.folder is None else f"The {listing.folder} folder"
        if not listing.total:
            empty = "You have no files yet" if listing.folder is None else f"{where} is empty"
            return Outcome(call.intent, True, empty)
        names = [f"the {n[:-1]} folder" if n.endswith("/") else n for n in listing.names]
        verb = "are" if listing.folder is None else "has"
        return Outcome(call.intent, True, f"{where} {verb} {_spoken_names(names, listing.total)}",
                       targets=tuple(listing.names))

    async def delete(self, call: ToolCall, confirmed: bool) -> Outcome:
        name = _slot(call, "file", "Which file? Say its name")
        if not confirmed:
            found = await asyncio.to_thread(self.files.find, name)
            return Outcome(call.intent, False, f"Delete {found.display}? Say yes or no.",
                           targets=(found.display,), needs_confirmation=True)
        deleted = await asyncio.to_thread(self.files.delete, name)
        return Outcome(call.intent, True, f"Deleted {deleted.display}", targets=(deleted.display,))


class ProcessIntents:
    def __init__(self, processes: ProcessRunner) -> None:
        self.processes = processes

    def handlers(self) -> dict[str, Handler]:
        return {"HearthProcessStart": self.start, "HearthProcessStop": self.stop,
                "HearthProcessList": self.list}

    async def start(self, call: ToolCall, confirmed: bool) -> Outcome:
        status = await self.processes.start(_slot(call, "process", "Which program? Say its name"))
        return Outcome(call.intent, True, f"Started {status.spoken_name}", targets=(status.name,),
                       states=_process_state(status))

    async def stop(self, call: ToolCall, confirmed: bool) -> Outcome:
        name = _slot(call, "process", "Which program? Say its name")
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
        name = _optional(call, "process")
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
            response = _capital(f"{_spoken_names(running, len(running))} {verb} running")
        states = {k: v for s in statuses for k, v in _process_state(s).items()}
        return Outcome(call.intent, True, response, targets=tuple(s.name for s in statuses), states=states)


class ListIntents:
    def __init__(self, lists: ListStore) -> None:
        self.lists = lists

    def handlers(self) -> dict[str, Handler]:
        return {"HassListAddItem": self.add, "HassShoppingListAddItem": self.add_shopping,
                "HassListRemoveItem": self.remove, "HassListCompleteItem": self.complete,
                "HearthListQuery": self.query}

    async def add(self, call: ToolCall, confirmed: bool) -> Outcome:
        return await self._add(call, _optional(call, "name"))

    async def add_shopping(self, call: ToolCall, confirmed: bool) -> Outcome:
        return await self._add(call, DEFAULT_LIST)

    async def _add(self, call: ToolCall, name: str | None) -> Outcome:
        item = _slot(call, "item", "Which item? Say what to put on the list")
        change = await asyncio.to_thread(self.lists.add, name, item)
        where = spoken_list(change.list_name)
        response = f"Added {change.item} to {where}" if change.changed else \
            f"{change.item} is already on {where}"
        return Outcome(call.intent, True, _capital(response), targets=(change.list_name,))

    async def remove(self, call: ToolCall, confirmed: bool) -> Outcome:
        return await self._change(call, self.lists.remove, "Removed {item} from {where}", "")

    async def complete(self, call: ToolCall, confirmed: bool) -> Outcome:
        return await self._change(call, self.lists.complete, "Checked off {item} on {where}",
                                  "{item} is already checked off on {where}")

    async def _change(self, call: ToolCall, action: Callable[[str | None, str], Any], done: str,
                      unchanged: str) -> Outcome:
        item = _slot(call, "item", "Which item? Say what to take off the list")
        change = await asyncio.to_thread(action, _optional(call, "name"), item)
        template = done if change.changed else unchanged
        response = template.format(item=change.item, where=spoken_list(change.list_name))
        return Outcome(call.intent, True, _capital(response), targets=(change.list_name,))

    async def query(self, call: ToolCall, confirmed: bool) -> Outcome:
        list_name, items = await asyncio.to_thread(self.lists.items, _optional(call, "name"))
        where = _capital(spoken_list(list_name))
        if not items:
            return Outcome(call.intent, True, f"{where} is empty", targets=(list_name,))
        names = [i.item for i in items]
        return Outcome(call.intent, True, f"{where} has {_spoken_names(names, len(names))}",
                       targets=(list_name,))


def _slot(call: ToolCall, key: str, question: str) -> str:
    value = _optional(call, key)
    if value is None:
        raise ExecutionError(question)
    return value


def _optional(call: ToolCall, key: str) -> str | None:
    value = call.slots.get(key)
    if value is None or isinstance(value, (dict, list, tuple)):
        return None
    text = " ".join(str(value).split())
    return text or None


def _spoken_names(names: list[str], total: int) -> str:
    """'a, b and c'; beyond SPOKEN_NAMES: '14 items: a, b, … and 4 more'."""
    if total <= SPOKEN_NAMES and len(names) == total:
        return names[0] if total == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    shown = names[:SPOKEN_NAMES]
    return f"{total} items: {', '.join(shown)} and {total - len(shown)} more"


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


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]

