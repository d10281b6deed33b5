"""Store generations: every write of the embedded store makes a new, frozen RocksDB directory.

Layout of a store directory (``Settings.store_path``)::

    GENERATION         name of the generation readers open, replaced atomically (rename)
    gen-000007/        a complete pyoxigraph store, never written again once published
    gen-000007.lease   readers hold a shared ``flock`` on it while they have it open
    tmp-<random>/      a generation being built (a bulk load, or a copy being updated)
    write.lock         one writer at a time, across processes
    changes.jsonl      the store's change log (hsvo_graph.store.changes; not in var/store,
                       whose log is var/changes.jsonl): a file, which ``collect`` never touches

Why: pyoxigraph's read-only store is undefined while another process writes the same
directory, and a store written in small transactions inside the serving process stays slow to
read. So nobody ever writes a directory that a reader may open: a write copies the current
generation (``Store.backup``: hard links, milliseconds) or bulk-loads a fresh one, changes the
copy, and only then publishes it by renaming a new ``GENERATION`` file over the old one. A failure or a SIGKILL at any moment
leaves ``GENERATION`` naming the previous, complete generation. Query worker processes open the
current generation read-only; a generation is deleted once it is not current and no process
holds its lease (the kernel drops the locks of a killed process, so nothing leaks).
"""

import fcntl
import functools
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

T = TypeVar("T")
_POINTER = "GENERATION"
_GENERATION = re.compile(r"gen-(\d{6,})")


class GenerationGone(RuntimeError):
    """The generation was deleted before it could be opened; open the current one instead."""


class Lease:
    """A shared lock on one generation: while it is held, the generation is not deleted."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._fd: int | None = os.open(_lease_file(directory), os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self._fd, fcntl.LOCK_SH)
        if not (directory / "CURRENT").exists():  # RocksDB's own file: deleted before we locked
            self.release()
            raise GenerationGone(str(directory))

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        self.release()


class ReadOnlyGeneration:
    """A published generation opened read-only, with its lease: the lease lives as long as the
    store object, so the files cannot be deleted under a reader that still uses them."""

    def __init__(self, lease: Lease) -> None:
        self.directory = lease.directory
        self.lease = lease
        self.store = ox.Store.read_only(str(lease.directory))

    @property
    def name(self) -> str:
        return self.directory.name


def _fill_new(directory: Path, fill: Callable[[ox.Store], T],
              source: ReadOnlyGeneration | None) -> T:
    """Create the store at ``directory`` (a copy of ``source``, or empty), run ``fill`` on it
    and flush it; the store is closed when this function returns, its only reference gone."""
    if source is not None:
        source.store.backup(str(directory))
    store = ox.Store(str(directory))
    result = fill(store)
    store.flush()
    return result


def _lease_file(directory: Path) -> Path:
    return directory.with_name(directory.name + ".lease")


def current_directory(root: Path) -> Path | None:
    """The generation that readers of the store at ``root`` should open now (None before the
    first write): one small file read with bare system calls, and the directory's ``Path``
    kept per name (the pool asks on every query: 3 µs, where ``Path.read_text`` and a join
    took 17)."""
    try:
        descriptor = os.open(_pointer(root), os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        name = os.read(descriptor, 256).strip()
    finally:
        os.close(descriptor)
    return _generation(root, name)


@functools.lru_cache(maxsize=64)
def _pointer(root: Path) -> str:
    return str(root / _POINTER)


@functools.lru_cache(maxsize=64)
def _generation(root: Path, name: bytes) -> Path:
    """One ``Path`` per generation name (joining paths costs more than reading the pointer)."""
    return root / name.decode("ascii")


def same_generation(one: Path | None, other: Path | None) -> bool:
    """Whether two generation directories (or two "none yet") are the same: by identity
    first, since ``current_directory`` hands out one ``Path`` per name, and pathlib's ``==``
    (about a microsecond) is asked several times on every query."""
    return one is other or one == other


def lease_current(root: Path) -> Lease | None:
    """A lease on the current generation of the store at ``root``; None for an empty store."""
    for _ in range(3):  # a writer may publish and collect between reading GENERATION and locking
        current = current_directory(root)
        if current is None:
            return None
        try:
            return Lease(current)
        except GenerationGone:
            continue
    raise GenerationGone(f"{root}: generations change faster than they can be opened")


def _generation_number(directory: Path) -> int:
    """The number in a generation's name (generations are numbered as they are written)."""
    match = _GENERATION.fullmatch(directory.name)
    return -1 if match is None else int(match.group(1))


def _alive(pid: int) -> bool:
    """Whether a process with this id exists (a reused id keeps a scratch a while longer)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def open_current(root: Path) -> ReadOnlyGeneration | None:
    """The current generation of the store at ``root``, read-only; None for an empty store."""
    lease = lease_current(root)
    return None if lease is None else ReadOnlyGeneration(lease)


class Generations:
    """The generations of one store directory (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        #: the versions (``version``) this object's last write started from and published,
        #: read under the write lock: no other process can have written in between
        self.published: tuple[str | None, str | None] | None = None
        root.mkdir(parents=True, exist_ok=True)
        if (root / "CURRENT").exists() and not (root / _POINTER).exists():
            raise OSError(f"{root} holds a store in the old single-directory layout; move it "
                          "away and run `hsvo load` to rebuild it as generations")

    def current(self) -> Path | None:
        """The directory readers should open now (None before the first write). Read from
        the pointer every time (an open and a read of 11 bytes): a reading remembered by
        the pointer's inode and time can be stale, since a freed inode is reused and two
        publications can fall in one tick of the file-system clock."""
        return current_directory(self.root)

    def version(self) -> str | None:
        """The current generation (None before the first write) as the store's resolved
        path, the generation's name and the inode and time of the ``GENERATION`` file
        naming it: every publication renames a new file over it, so a store removed and
        rebuilt at the same path, whose generation names start again, never repeats one."""
        try:
            with open(self.root / _POINTER, encoding="ascii") as pointer:  # name and stat of one file
                stat, name = os.fstat(pointer.fileno()), pointer.read().strip()
        except FileNotFoundError:
            return None
        return f"{self.root.resolve()}|{name}|{stat.st_ino}|{stat.st_mtime_ns}"

    def write(self, fill: Callable[[ox.Store], T], *, copy_current: bool) -> T:
        """Run ``fill`` on a writable store in a private directory, then publish that directory
        as the new current generation; when ``fill`` raises, delete it instead.

        ``copy_current``: start from a copy of the current generation (an update); otherwise
        from an empty store (a full rebuild). ``fill`` gets the store as an argument and must
        not keep it: the store is closed (its last reference dropped) before publication, so
        no RocksDB thread ever writes a published directory.
        """
        with self._write_lock():
            before = self.version()
            building = self.root / f"tmp-{uuid.uuid4().hex}"
            try:
                result = _fill_new(building, fill, open_current(self.root) if copy_current else None)
                self._publish(building)
            except BaseException:
                shutil.rmtree(building, ignore_errors=True)
                raise
            self.published = (before, self.version())
        self.collect()
        return result

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        fd = os.open(self.root / "write.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _publish(self, building: Path) -> None:
        """Rename the finished directory to the next generation and point GENERATION at it:
        each step is one rename, so GENERATION always names a complete generation."""
        numbers = [int(m.group(1)) for p in self.root.iterdir()
                   if (m := _GENERATION.fullmatch(p.name))]
        final = self.root / f"gen-{max(numbers, default=0) + 1:06d}"
        building.rename(final)
        pointer = self.root / f"{_POINTER}.{uuid.uuid4().hex}"
        with open(pointer, "w", encoding="ascii") as out:
            out.write(final.name + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(pointer, self.root / _POINTER)
        dir_fd = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    @contextmanager
    def scratch(self) -> Iterator[Path]:
        """A directory beside the generations for the files a write prepares (a load's
        N-Quads), removed afterwards; named after this process, so that ``collect`` removes
        it once the process is gone (a load killed with SIGKILL cannot clean up)."""
        path = self.root / f"scratch-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        path.mkdir()
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)

    def collect(self) -> list[str]:
        """Delete every generation older than the current one that no reader holds, and the
        leftovers of interrupted writes; returns the names deleted. A generation newer than
        the pointer read here is being published by another process: never touched."""
        current = self.current()
        newest = -1 if current is None else _generation_number(current)
        deleted = []
        for path in sorted(self.root.iterdir()):
            if path == current or not path.is_dir():
                continue
            if path.name.startswith("scratch-"):
                if not _alive(int(path.name.split("-")[1])):  # its writer was killed
                    shutil.rmtree(path, ignore_errors=True)
                    deleted.append(path.name)
            elif path.name.startswith("tmp-"):
                if not self._writing():
                    shutil.rmtree(path, ignore_errors=True)
                    deleted.append(path.name)
            elif (_GENERATION.fullmatch(path.name) and _generation_number(path) < newest
                  and self._remove_unused(path)):
                deleted.append(path.name)
        for orphan in self.root.glob("*.lease"):  # left by a reader that lost a race with us
            if not orphan.with_suffix("").exists():
                self._remove_unused(orphan.with_suffix(""))
        return deleted

    def _writing(self) -> bool:
        """Whether a write (in any process) is under way, so its tmp- directory is live."""
        fd = os.open(self.root / "write.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False

    @staticmethod
    def _remove_unused(directory: Path) -> bool:
        lease = _lease_file(directory)
        fd = os.open(lease, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        try:
            shutil.rmtree(directory, ignore_errors=True)
            lease.unlink(missing_ok=True)
        finally:
            os.close(fd)
        return True

    def names(self) -> list[str]:
        """The generations on disk, oldest first (for tests and monitoring)."""
        return sorted(p.name for p in self.root.iterdir() if _GENERATION.fullmatch(p.name))
