"""FileRoots on real files in a temp root: resolution, summaries, limits and every escape attempt."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hub.machine.errors import LocalError
from hub.machine.files import FileRoots, summarize
from hub.machine.sandbox import check_name
from hub.core.config import FilesConfig


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "files"


@pytest.fixture
def files(root: Path) -> FileRoots:
    return FileRoots(FilesConfig(roots={"files": root}, max_file_bytes=2048, summary_chars=60))


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwords.txt").write_text("hunter2\n")
    return secret


def test_root_is_created_private_on_first_use(files: FileRoots, root: Path) -> None:
    assert not root.exists()
    assert files.list().names == ()
    assert root.is_dir()
    assert root.stat().st_mode & 0o777 == 0o700


def test_bare_name_matches_stem_case_insensitively(files: FileRoots, root: Path) -> None:
    root.mkdir()
    (root / "Notes.txt").write_text("buy milk\ncall mum\n")
    (root / "work").mkdir()
    (root / "work" / "plan.md").write_text("# Plan\nship it\n")
    assert files.read("notes").summary == "buy milk. call mum."
    assert files.read("NOTES.TXT").name == "Notes.txt"
    assert files.read("work/plan").name == "work/plan.md"
    assert files.read("Work/Plan.md").summary == "# Plan. ship it."


def test_ambiguous_name_is_refused_with_choices(files: FileRoots, root: Path) -> None:
    root.mkdir()
    (root / "notes.txt").write_text("a\n")
    (root / "notes.md").write_text("b\n")
    with pytest.raises(LocalError) as err:
        files.read("notes")
    assert str(err.value) == "notes could mean notes.md or notes.txt; say which one"
    assert files.read("notes.md").summary == "b."


def test_missing_file(files: FileRoots) -> None:
    with pytest.raises(LocalError) as err:
        files.read("diary")
    assert str(err.value) == "I couldn't find a file called diary"


def test_summary_is_bounded_with_remaining_lines(files: FileRoots, root: Path) -> None:
    root.mkdir()
    lines = ["first   line", "", "second\tline", "third line is here", "fourth line", "fifth line",
             "sixth line"]
    (root / "long.txt").write_text("\n".join(lines) + "\n")
    summary = files.read("long")
    assert summary.summary == "first line. second line. third line is here. fourth line. …and 2 more lines"
    assert summary.lines == 6


def test_summary_cuts_a_long_first_line_at_a_word() -> None:
    text, lines = summarize("word " * 40, 22)
    assert text == "word word word word…"
    assert lines == 1
    assert summarize("", 40) == ("", 0)
    assert summarize("one\ntwo\n", 5) == ("one. …and 1 more line", 2)


def test_binary_and_undecodable_files_are_refused(files: FileRoots, root: Path) -> None:
    root.mkdir()
    (root / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    (root / "latin.txt").write_bytes(b"caf\xe9\n")
    for name, shown in (("photo", "photo.jpg"), ("latin", "latin.txt")):
        with pytest.raises(LocalError) as err:
            files.read(name)
        assert str(err.value) == f"{shown} is not a text file, so I won't read it out"
    with pytest.raises(LocalError):
        files.append("photo.jpg", "more")
    assert (root / "photo.jpg").read_bytes() == b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"


def test_oversized_file_is_refused(files: FileRoots, root: Path) -> None:
    root.mkdir()
    (root / "big.txt").write_text("x" * 4096)
    with pytest.raises(LocalError) as err:
        files.read("big")
    assert str(err.value) == "big.txt is too big to read (4 KB; the limit is 2 KB)"


def test_append_creates_txt_and_adds_lines(files: FileRoots, root: Path) -> None:
    assert files.append("todo", "call   mum").display == "todo.txt"
    files.append("TODO", "buy eggs")
    assert (root / "todo.txt").read_text() == "call mum\nbuy eggs\n"
    assert (root / "todo.txt").stat().st_mode & 0o777 == 0o600
    (root / "raw.txt").write_text("no newline")
    files.append("raw", "next")
    assert (root / "raw.txt").read_text() == "no newline\nnext\n"


def test_append_refuses_to_grow_past_the_limit(files: FileRoots, root: Path) -> None:
    root.mkdir()
    (root / "full.txt").write_text("y" * 2040 + "\n")
    with pytest.raises(LocalError) as err:
        files.append("full", "one more line")
    assert str(err.value) == "full.txt would grow past the 2 KB limit, so I didn't add to it"
    assert (root / "full.txt").stat().st_size == 2041


def test_append_into_missing_folder_is_refused(files: FileRoots, root: Path) -> None:
    with pytest.raises(LocalError) as err:
        files.append("nowhere/todo", "x")
    assert str(err.value) == "There is no folder called nowhere"
    assert not (root / "nowhere").exists()


def test_list_hides_hidden_files_and_escaping_links(files: FileRoots, root: Path, outside: Path) -> None:
    root.mkdir()
    (root / "b.txt").write_text("b")
    (root / "A.txt").write_text("a")
    (root / ".hidden").write_text("h")
    (root / "work").mkdir()
    (root / "work" / "plan.md").write_text("p")
    (root / "escape").symlink_to(outside)
    (root / "pw.txt").symlink_to(outside / "passwords.txt")
    (root / "inside.txt").symlink_to(root / "b.txt")
    assert files.list().names == ("A.txt", "b.txt", "inside.txt", "work/")
    assert files.list("work").names == ("plan.md",)
    assert files.list("work").folder == "work"
    assert files.list("Files").names == files.list().names  # the root by its own name
    with pytest.raises(LocalError) as err:
        files.list("escape")
    assert str(err.value) == "I couldn't find a folder called escape"


def test_list_is_bounded(files: FileRoots, root: Path) -> None:
    root.mkdir()
    for i in range(130):
        (root / f"f{i:03}.txt").write_text("x")
    listing = files.list()
    assert len(listing.names) == 100
    assert listing.total == 130


def test_delete_removes_only_that_file(files: FileRoots, root: Path) -> None:
    root.mkdir()
    (root / "notes.txt").write_text("x")
    (root / "keep.txt").write_text("y")
    assert files.delete("notes").display == "notes.txt"
    assert sorted(os.listdir(root)) == ["keep.txt"]


@pytest.mark.parametrize(("name", "message"), [
    ("../secret/passwords.txt", "I can't go outside your files folder"),
    ("work/../../secret/passwords", "I can't go outside your files folder"),
    ("..", "I can't go outside your files folder"),
    ("/etc/passwd", "Say a file name inside your files folder, not a full path"),
    ("\\etc\\passwd", "File names can't contain \\"),
    ("~root/.bashrc", "I can only use files inside your files folder, not home folders"),
    ("~/notes", "I can only use files inside your files folder, not home folders"),
    ("notes; rm -rf /", "File names can't contain ;"),
    ("notes | cat", "File names can't contain |"),
    ("notes && ls", "File names can't contain &"),
    ("$(whoami)", "File names can't contain $ ( )"),
    ("`id`", "File names can't contain `"),
    ("notes > /tmp/x", "File names can't contain >"),
    ("notes < x", "File names can't contain <"),
    ("*.txt", "File names can't contain *"),
    ("note?.txt", "File names can't contain ?"),
    ("notes\0.txt", "That file name has control characters in it"),
    ("notes\n.txt", "That file name has control characters in it"),
    (".bashrc", "Hidden files are off limits"),
    ("", "Which file? Say its name"),
])
def test_unsafe_names_are_refused(name: str, message: str) -> None:
    with pytest.raises(LocalError) as err:
        check_name(name)
    assert str(err.value) == message


@pytest.mark.parametrize("op", ["read", "append", "delete"])
def test_unsafe_names_never_touch_the_disk(files: FileRoots, root: Path, outside: Path, op: str) -> None:
    root.mkdir()
    for name in ("../secret/passwords.txt", str(outside / "passwords.txt"), "x; rm -rf ~", "~root"):
        with pytest.raises(LocalError):
            getattr(files, op)(*((name, "pwned") if op == "append" else (name,)))
    assert (outside / "passwords.txt").read_text() == "hunter2\n"
    assert os.listdir(root) == []


def test_symlinks_escaping_the_root_are_refused(files: FileRoots, root: Path, outside: Path) -> None:
    root.mkdir()
    (root / "pw.txt").symlink_to(outside / "passwords.txt")
    (root / "escape").symlink_to(outside)
    for name in ("pw", "pw.txt", "escape/passwords", "escape/passwords.txt"):
        with pytest.raises(LocalError) as err:
            files.read(name)
        assert str(err.value) == f"I couldn't find a file called {name}"
    with pytest.raises(LocalError):
        files.append("pw.txt", "pwned")
    with pytest.raises(LocalError):
        files.append("escape/new", "pwned")
    with pytest.raises(LocalError):
        files.delete("pw.txt")
    assert (outside / "passwords.txt").read_text() == "hunter2\n"
    assert os.listdir(outside) == ["passwords.txt"]


def test_a_root_that_is_itself_a_symlink_still_works(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "notes.txt").write_text("hello\n")
    (tmp_path / "link").symlink_to(real)
    files = FileRoots(FilesConfig(roots={"files": tmp_path / "link"}))
    assert files.read("notes").summary == "hello."


def test_several_roots_by_prefix_and_ambiguity(tmp_path: Path) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    files = FileRoots(FilesConfig(roots={"home": home, "work": work}))
    files.append("notes", "home note")
    work.mkdir(exist_ok=True)
    (work / "notes.txt").write_text("work note\n")
    with pytest.raises(LocalError) as err:
        files.read("notes")
    assert str(err.value) == "notes could mean home/notes.txt or work/notes.txt; say which one"
    assert files.read("work/notes").summary == "work note."
    assert files.read("home/notes").summary == "home note."
    assert files.list().names == ("home/", "work/")
    assert files.list("work").names == ("notes.txt",)
