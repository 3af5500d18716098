"""ListStore on a real SQLite registry, with its plain-text mirror."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.registry import Registry
from hub.household.lists import ListError, ListStore, mirror_filename, spoken_list


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    reg = Registry.open(tmp_path / "h.db")
    yield reg
    reg.close()


@pytest.fixture
def store(registry: Registry, tmp_path: Path) -> ListStore:
    return ListStore(registry, tmp_path / "files")


def _mirror(tmp_path: Path, name: str) -> str:
    return (tmp_path / "files" / "lists" / f"{name}.txt").read_text()


def test_add_creates_the_list_and_mirrors_it(store: ListStore, tmp_path: Path) -> None:
    assert store.add("shopping list", "eggs").list_name == "Shopping List"
    store.add("My Shopping List", "milk")
    store.add(None, "  bread  ")
    assert store.names() == ["Shopping List"]
    name, items = store.items("SHOPPING")
    assert (name, [i.item for i in items]) == ("Shopping List", ["eggs", "milk", "bread"])
    assert _mirror(tmp_path, "Shopping List") == "eggs\nmilk\nbread\n"
    assert [p.name for p in (tmp_path / "files" / "lists").iterdir()] == ["Shopping List.txt"]


def test_adding_twice_does_not_duplicate(store: ListStore) -> None:
    assert store.add("groceries", "Eggs").changed
    change = store.add("Groceries", "eggs")
    assert not change.changed and change.item == "eggs"
    assert [i.item for i in store.items("groceries")[1]] == ["Eggs"]


def test_complete_remove_and_reopen(store: ListStore, registry: Registry, tmp_path: Path) -> None:
    for item in ("eggs", "milk", "bread"):
        store.add("Todo", item)
    assert store.complete("todo", "MILK").item == "milk"
    assert not store.complete("todo", "milk").changed
    assert _mirror(tmp_path, "Todo") == "eggs\n[x] milk\nbread\n"
    assert [i.item for i in store.items("todo")[1]] == ["eggs", "bread"]
    assert [i.item for i in store.items("todo", include_complete=True)[1]] == ["eggs", "milk", "bread"]
    store.remove("todo", "eggs")
    assert _mirror(tmp_path, "Todo") == "[x] milk\nbread\n"
    store.add("todo", "milk")  # a checked-off item comes back, not twice
    assert _mirror(tmp_path, "Todo") == "bread\nmilk\n"
    rows = registry.db.execute("SELECT item, complete FROM list_items ORDER BY id").fetchall()
    assert rows == [("milk", 0), ("bread", 0)]


def test_errors_name_the_list(store: ListStore) -> None:
    store.add(None, "eggs")
    with pytest.raises(ListError) as err:
        store.remove(None, "caviar")
    assert str(err.value) == "caviar is not on your shopping list"
    with pytest.raises(ListError) as err:
        store.complete("chores", "dishes")
    assert str(err.value) == "You don't have a list called chores"
    with pytest.raises(ListError) as err:
        store.items("chores")
    assert str(err.value) == "You don't have a list called chores"
    with pytest.raises(ListError) as err:
        store.add(None, "   ")
    assert str(err.value) == "Which item? Say what to put on the list"
    with pytest.raises(ListError):
        store.add(None, "x" * 201)
    with pytest.raises(ListError):
        store.add(None, "eggs\0")


def test_default_list_is_empty_before_first_use(store: ListStore, tmp_path: Path) -> None:
    assert store.items(None) == ("Shopping List", [])
    assert store.names() == []
    assert not (tmp_path / "files" / "lists").exists()


def test_a_failed_change_rolls_back_and_leaves_the_mirror(store: ListStore, registry: Registry,
                                                          tmp_path: Path) -> None:
    store.add(None, "eggs")
    registry.db.execute("CREATE TRIGGER no_more BEFORE INSERT ON list_items "
                        "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    with pytest.raises(Exception, match="disk full"):
        store.add("chores", "dishes")
    assert store.names() == ["Shopping List"]  # the new list went with the failed item
    assert _mirror(tmp_path, "Shopping List") == "eggs\n"
    assert not (tmp_path / "files" / "lists" / "chores.txt").exists()


def test_mirror_names_are_safe_and_atomic(store: ListStore, tmp_path: Path) -> None:
    store.add("../../etc/passwd", "x")
    store.add(".hidden", "y")
    folder = tmp_path / "files" / "lists"
    assert sorted(os.listdir(folder)) == ["______etc_passwd.txt", "_hidden.txt"]
    assert mirror_filename("Anna's to-do") == "Anna's to-do"
    assert not list((tmp_path).glob("**/*.tmp"))


def test_mirror_refuses_a_lists_folder_linked_outside(store: ListStore, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "lists").symlink_to(outside)
    store.add(None, "eggs")  # stored; the mirror is skipped with a warning
    assert [i.item for i in store.items(None)[1]] == ["eggs"]
    assert os.listdir(outside) == []


def test_lists_survive_a_restart(tmp_path: Path) -> None:
    first = Registry.open(tmp_path / "h.db")
    ListStore(first, None).add("Chores", "dishes")
    first.close()
    second = Registry.open(tmp_path / "h.db")
    assert ListStore(second, None).items("chores")[1][0].item == "dishes"
    second.close()


def test_spoken_list() -> None:
    assert spoken_list("Shopping List") == "your shopping list"
    assert spoken_list("Groceries") == "your groceries list"
