"""Files, processes and lists end to end through a real Executor, confirmations included."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from hub.machine.files import FileRoots
from hub.machine.processes import ProcessRunner
from hub.core.home import Entity, Home
from devices.registry import Registry
from hub.core.config import ExecutorConfig, FilesConfig, ProcessConfig
from hub.core.events import ToolCall
from hub.executor import Executor
from hub.household.intents import register_list_intents
from hub.household.lists import ListStore
from hub.machine.intents import register_machine_intents

PY = sys.executable


@dataclass
class NoDevices:
    """The executor's device side, unused by these intents."""

    home: Home = field(default_factory=Home)

    def entity(self, entity_id: str) -> Entity | None:
        return None

    async def send(self, command: Any, timeout: float) -> Any:
        raise AssertionError("no device commands expected")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Local:
    executor: Executor
    clock: Clock
    root: Path
    outside: Path
    processes: ProcessRunner

    async def say(self, intent: str, session: str = "default", **slots: Any) -> tuple[bool, str]:
        outcome = await self.executor.execute(ToolCall(intent, slots), session=session)
        return outcome.ok, outcome.response


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    reg = Registry.open(tmp_path / "h.db")
    yield reg
    reg.close()


@pytest.fixture
async def local(tmp_path: Path, registry: Registry) -> Any:
    root, outside = tmp_path / "files", tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("top secret\n")
    files = FileRoots(FilesConfig(roots={"files": root}, max_file_bytes=4096, summary_chars=80))
    processes = ProcessRunner({
        "backup": ProcessConfig(argv=[PY, "-c", "print('backed up')"]),
        "music_player": ProcessConfig(argv=[PY, "-c", "import time; time.sleep(60)"], aliases=["tunes"]),
    }, grace=2.0)
    clock = Clock()
    executor = Executor(NoDevices(), ExecutorConfig(confirmation_window=30), clock=clock)
    register_machine_intents(executor, files, processes)
    register_list_intents(executor, ListStore(registry, root), lambda: executor.backend.home)
    yield Local(executor, clock, root, outside, processes)
    await processes.aclose()


async def test_read_append_list(local: Local) -> None:
    assert await local.say("HearthFileList") == (True, "You have no files yet")
    assert await local.say("HearthFileAppend", file="todo", text="call mum") == (
        True, "Added call mum to todo.txt")
    assert await local.say("HearthFileAppend", file="my todo file", text="x") == (True, "Added x to todo.txt")
    assert await local.say("HearthFileAppend", file="Todo", text="buy eggs") == (
        True, "Added buy eggs to todo.txt")
    assert await local.say("HearthFileRead", file="todo") == (True, "todo.txt says: call mum. x. buy eggs.")
    (local.root / "work").mkdir()
    (local.root / "work" / "plan.md").write_text("")
    assert await local.say("HearthFileRead", file="work/plan") == (True, "work/plan.md is empty")
    assert await local.say("HearthFileList") == (
        True, "Your files are todo.txt and the work folder")
    assert await local.say("HearthFileList", folder="work") == (True, "The work folder has plan.md")
    assert await local.say("HearthFileRead") == (False, "Which file? Say its name")
    assert await local.say("HearthFileAppend", file="todo") == (False, "What should I add? Say the text")


async def test_file_security_through_the_executor(local: Local) -> None:
    local.root.mkdir()
    (local.root / "link.txt").symlink_to(local.outside / "secret.txt")
    (local.root / "big.txt").write_text("z" * 5000)
    (local.root / "blob.bin").write_bytes(b"\x00\x01\x02")
    cases = [
        ("HearthFileRead", {"file": "../outside/secret.txt"}, "I can't go outside your files folder"),
        ("HearthFileRead", {"file": str(local.outside / "secret.txt")},
         "Say a file name inside your files folder, not a full path"),
        ("HearthFileRead", {"file": "~root/secret"},
         "I can only use files inside your files folder, not home folders"),
        ("HearthFileRead", {"file": "link"}, "I couldn't find a file called link"),
        ("HearthFileAppend", {"file": "notes; rm -rf ~", "text": "x"}, "File names can't contain ; ~"),
        ("HearthFileDelete", {"file": "$(reboot)"}, "File names can't contain $ ( )"),
        ("HearthFileRead", {"file": "big"}, "Big.txt is too big to read (5 KB; the limit is 4 KB)"),
        ("HearthFileRead", {"file": "blob"}, "Blob.bin is not a text file, so I won't read it out"),
        ("HearthFileList", {"folder": "../outside"}, "I can't go outside your files folder"),
    ]
    for intent, slots, response in cases:
        assert await local.say(intent, **slots) == (False, response), slots
    assert (local.outside / "secret.txt").read_text() == "top secret\n"


async def test_delete_asks_then_deletes_on_yes(local: Local) -> None:
    await local.say("HearthFileAppend", file="notes", text="hello")
    outcome = await local.executor.execute(ToolCall("HearthFileDelete", {"file": "notes"}))
    assert (outcome.ok, outcome.response, outcome.needs_confirmation) == (
        False, "Delete notes.txt? Say yes or no.", True)
    assert (local.root / "notes.txt").exists()
    assert await local.say("HearthConfirm") == (True, "Deleted notes.txt")
    assert not (local.root / "notes.txt").exists()
    assert await local.say("HearthConfirm") == (False, "There is nothing to confirm")


async def test_delete_no_other_utterance_late_or_other_session_keeps_the_file(local: Local) -> None:
    await local.say("HearthFileAppend", file="notes", text="hello")
    notes = local.root / "notes.txt"

    await local.say("HearthFileDelete", file="notes")
    assert await local.say("HearthDeny") == (True, "OK, I won't")
    assert notes.exists()

    await local.say("HearthFileDelete", file="notes")
    assert await local.say("HearthConfirm", session="kitchen") == (False, "There is nothing to confirm")
    assert notes.exists()

    local.clock.now += 31  # past the 30 s window
    assert await local.say("HearthConfirm") == (False, "That question has expired")
    assert notes.exists()

    await local.say("HearthFileDelete", file="notes")
    await local.say("HearthListQuery")  # anything else cancels the question
    assert await local.say("HearthConfirm") == (False, "There is nothing to confirm")
    assert notes.exists()

    await local.say("HearthFileDelete", file="notes")
    local.clock.now += 29  # still inside the window
    assert await local.say("HearthConfirm") == (True, "Deleted notes.txt")


async def test_delete_of_a_missing_or_escaping_file_asks_nothing(local: Local) -> None:
    local.root.mkdir()
    (local.root / "link.txt").symlink_to(local.outside / "secret.txt")
    assert await local.say("HearthFileDelete", file="diary") == (False, "I couldn't find a file called diary")
    assert await local.say("HearthFileDelete", file="link") == (False, "I couldn't find a file called link")
    assert await local.say("HearthConfirm") == (False, "There is nothing to confirm")
    assert (local.outside / "secret.txt").exists()
    assert (local.root / "link.txt").is_symlink()


async def test_processes_start_query_and_confirmed_stop(local: Local) -> None:
    assert await local.say("HearthProcessList") == (True, "Nothing is running")
    assert await local.say("HearthProcessStart", process="the music player") == (True, "Started music player")
    assert await local.say("HearthProcessStart", process="tunes") == (
        False, "Music player is already running")
    assert await local.say("HearthProcessList", process="music player") == (
        True, "Yes, music player is running")
    assert await local.say("HearthProcessList", process="backup") == (True, "No, backup is not running")
    assert await local.say("HearthProcessList") == (True, "Music player is running")

    assert await local.say("HearthProcessStop", process="music player") == (
        False, "Stop music player? Say yes or no.")
    assert await local.say("HearthDeny") == (True, "OK, I won't")
    assert local.processes.status("music player").running

    await local.say("HearthProcessStop", process="music player")
    assert await local.say("HearthConfirm", session="bedroom") == (False, "There is nothing to confirm")
    local.clock.now += 60
    assert await local.say("HearthConfirm") == (False, "That question has expired")
    assert local.processes.status("music player").running

    await local.say("HearthProcessStop", process="music player")
    assert await local.say("HearthConfirm") == (True, "Stopped music player")
    assert not local.processes.status("music player").running
    assert await local.say("HearthProcessStop", process="music player") == (
        False, "Music player is not running")


async def test_process_not_in_the_allowlist(local: Local) -> None:
    for name in ("rm -rf /", "bash -c 'reboot'", "backup && reboot"):
        assert await local.say("HearthProcessStart", process=name) == (
            False, (f"{name[:1].upper()}{name[1:]} is not a program I'm allowed to run; "
                    "I can run backup or music player"))
    assert await local.say("HearthProcessStop", process="sshd") == (
        False, "Sshd is not a program I'm allowed to run; I can run backup or music player")
    assert await local.say("HearthProcessStart") == (False, "Which program? Say its name")
    assert all(s.pid is None for s in local.processes.list())


async def test_lists(local: Local) -> None:
    assert await local.say("HearthListQuery", name="shopping list") == (True, "Your shopping list is empty")
    assert await local.say("HassShoppingListAddItem", item="eggs") == (
        True, "Added eggs to your shopping list")
    assert await local.say("HassListAddItem", item="milk", name="Shopping List") == (
        True, "Added milk to your shopping list")
    assert await local.say("HassListAddItem", item="Eggs", name="shopping") == (
        True, "Eggs is already on your shopping list")
    assert await local.say("HearthListQuery", name="shopping list") == (
        True, "Your shopping list has eggs and milk")
    assert await local.say("HassListCompleteItem", item="eggs", name="shopping list") == (
        True, "Checked off eggs on your shopping list")
    assert await local.say("HassListCompleteItem", item="eggs", name="shopping list") == (
        True, "Eggs is already checked off on your shopping list")
    assert await local.say("HearthListQuery") == (True, "Your shopping list has milk")
    assert await local.say("HassListRemoveItem", item="milk", name="shopping list") == (
        True, "Removed milk from your shopping list")
    assert await local.say("HassListRemoveItem", item="caviar", name="shopping list") == (
        False, "Caviar is not on your shopping list")
    assert await local.say("HearthListQuery", name="chores") == (False, "You don't have a list called chores")
    assert await local.say("HassListAddItem", name="shopping list") == (
        False, "Which item? Say what to put on the list")
    assert (local.root / "lists" / "Shopping List.txt").read_text() == "[x] eggs\n"
    # the mirror is an ordinary file in the files root, so it can be read back by voice
    assert await local.say("HearthFileRead", file="lists/shopping list") == (
        True, "lists/Shopping List.txt says: [x] eggs.")


async def test_long_lists_are_spoken_in_part(local: Local) -> None:
    for i in range(12):
        await local.say("HassListAddItem", item=f"item {i}", name="Chores")
    ok, response = await local.say("HearthListQuery", name="my chores")
    assert ok
    assert response == ("Your chores list has 12 items: item 0, item 1, item 2, item 3, item 4, item 5, "
                        "item 6, item 7, item 8, item 9 and 2 more")


async def test_is_it_running_says_how_the_last_run_ended(tmp_path: Path) -> None:
    processes = ProcessRunner({
        "backup": ProcessConfig(argv=[PY, "-c", "print('ok')"]),
        "sync": ProcessConfig(argv=[PY, "-c", "import sys; sys.exit(2)"]),
        "slow": ProcessConfig(argv=[PY, "-c", "import time; time.sleep(60)"], timeout=0.2),
    }, grace=2.0)
    executor = Executor(NoDevices())
    register_machine_intents(executor, FileRoots(FilesConfig(roots={"files": tmp_path / "f"})), processes)
    for name in ("backup", "sync", "slow"):
        assert (await executor.execute(ToolCall("HearthProcessStart", {"process": name}))).ok
        await processes.wait(name)
    answers = [(await executor.execute(ToolCall("HearthProcessList", {"process": n}))).response
               for n in ("backup", "sync", "slow")]
    assert answers == ["No, backup is not running; it finished successfully",
                       "No, sync is not running; it failed with exit code 2",
                       "No, slow is not running; it was stopped when it ran past its time limit"]
    await processes.aclose()
