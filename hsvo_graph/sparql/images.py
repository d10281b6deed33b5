"""Image hosts: one in-memory copy of a store generation, forking query workers that share it.

An in-memory pyoxigraph store answers selective queries 3–6× faster than the read-only RocksDB
generation (benchmarks/README.md), but a private copy per worker costs ~0.5 GB and ~16 s at
1 M triples, and a worker killed at the time limit would need a new one. So one small process,
the image host (``python -m hsvo_graph.sparql.images CONTROL_FD DIRECTORY``), builds ONE copy
of a generation and then forks query workers from itself on request: the workers share the
copy's pages copy-on-write (the memory of one copy for any number of workers), and a
replacement worker is ready in milliseconds. A forked worker speaks the protocol of
``hsvo_graph.sparql.worker`` (its ``serve``, network isolation included) over two pipes that
the service created and passed to the host over a Unix socket (``SCM_RIGHTS``).

Building the copy: reading the RocksDB generation is the slow part (its terms are looked up
one by one); a dumper process forked from the host writes the generation as N-Quads into a
pipe while the host parses it into its store. The host thus never opens RocksDB (no RocksDB
threads or caches left in the process that forks, so it stays single-threaded, which
``fork`` and the workers' ``unshare`` need), and the two halves run on two cores. The service
holds the generation's lease (``ImageHost``) until it sees the host report the copy built
(``ready``, ``wait_ready``); afterwards the host needs nothing on disk.

Lifetimes: ``ImageHost.close`` stops the host, which kills and reaps its workers and dumper
first. If the host dies any other way, its children die with it (``PR_SET_PDEATHSIG``, set
from the host's only thread), and a host whose service died exits at its next read: during
the copy (it watches its parent) or when its control socket reaches end of file.
"""

import contextlib
import ctypes
import gc
import io
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pyoxigraph as ox

from hsvo_graph.sparql.direct import Pinned, Slot
from hsvo_graph.sparql.worker import module_command, reply_pipe, serve

if TYPE_CHECKING:
    from hsvo_graph.store.generations import Lease

_PR_SET_PDEATHSIG = 1
_READ_BYTES = 1 << 20  # the N-Quads pipe is read in chunks of this size
_MESSAGE_BYTES = 4096  # control messages are short: "fork", "ready", "forked:<pid>", "failed:..."
_FORK_S = 10.0  # how long the service waits for the host to fork a worker before giving up on it
_STOP_S = 2.0  # how long close() lets the host kill its children before killing it


def _readable(fd: int) -> bool:
    """Whether ``fd`` is readable now. poll, not select: select refuses a descriptor numbered
    1024 or more (ValueError), which the service reaches with that many connections open,
    and every answer that looked whether its worker had outgrown its share was then a 500."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


class ImageError(RuntimeError):
    """The image host is not ready, failed, or stopped answering."""


@dataclass
class ForkedWorker:
    """A query worker forked by an image host: the service's ends of its two pipes, and a
    pidfd, so that ``kill`` can never hit another process that reused the pid (an event loop
    may also watch the pidfd: it becomes readable when the worker exits)."""

    pid: int
    requests: Connection  # the service writes ("query", QueryRequest) here
    replies: Connection  # and reads ("ok", Encoded) / ("syntax", msg) / ("error", msg) here
    pidfd: int
    pins: socket.socket  # client connections handed to the worker (``sparql.direct``)
    slot: Slot  # the worker's state while it answers on one
    _faulted_at_last_look: int = field(default=0, repr=False)

    def outgrown(self, budget: int) -> bool:
        """Whether the worker has made more than ``budget`` bytes of its image private; the
        pool then replaces it (a fork costs milliseconds). Why: pyoxigraph writes to every
        quad a query visits, so one scan of the whole store copies most of the image into the
        worker that ran it (~300 MiB at 1 M triples; a selective query: a few MiB).

        Cheap enough to ask after every query: the worker's page faults (one /proc read,
        microseconds) bound what it has written, and only when they have grown by ``budget``
        since the last exact look is the exact figure read (smaps_rollup, ~10 ms at 1 M).
        ProcessLookupError when the worker has exited."""
        faulted = int(self._proc("stat").rsplit(")", 1)[1].split()[7]) * os.sysconf("SC_PAGE_SIZE")
        if faulted - self._faulted_at_last_look < budget:
            return False
        self._faulted_at_last_look = faulted
        private_kib = next(int(line.split()[1]) for line in self._proc("smaps_rollup").splitlines()
                           if line.startswith("Private_Dirty:"))
        return private_kib * 1024 > budget

    def _proc(self, name: str) -> str:
        """/proc/PID/``name`` of this worker, and not of a process that reused its pid."""
        try:
            text = Path(f"/proc/{self.pid}/{name}").read_text()
        except FileNotFoundError as exc:
            raise ProcessLookupError(self.pid) from exc
        if self.pidfd < 0 or _readable(self.pidfd):  # it has exited
            raise ProcessLookupError(self.pid)
        return text

    def stop(self) -> None:
        """SIGKILL the worker, keeping the service's ends open (a loop may be reading them:
        it sees the worker end)."""
        if self.pidfd >= 0:
            try:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            except ProcessLookupError:  # it had exited already
                pass

    def kill(self) -> None:
        """SIGKILL the worker and close the service's ends; the host reaps it (or init, if
        the host is gone). Idempotent."""
        if self.pidfd >= 0:
            self.stop()
            os.close(self.pidfd)
            self.pidfd = -1
        self.requests.close()
        self.replies.close()
        self.pins.close()
        self.slot.close()


class ImageHost:
    """One in-memory copy of a generation, in its own process, forking query workers.

    Thread-safe and synchronous: every method may be called from any thread (one at a time
    gets in); only ``fork_worker`` waits for the host (milliseconds), ``close`` for it to stop
    (up to ``_STOP_S``), and ``wait_ready`` as long as asked.
    """

    def __init__(self, directory: Path) -> None:
        """Start the host process on the generation at ``directory`` and return at once; the
        copy is built in the background. GenerationGone when the generation was deleted."""
        # imported here, not at the top: the host process imports this module and needs only
        # pyoxigraph and the worker; the store package would add rdflib, httpx... to the memory
        # that the host and every worker map
        from hsvo_graph.store.generations import Lease

        self._directory = directory
        self._lease: Lease | None = Lease(directory)  # released once the copy is built
        self._control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            with theirs:
                self._process = subprocess.Popen(
                    module_command("hsvo_graph.sparql.images", str(theirs.fileno()), str(directory)),
                    pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                )
        except BaseException:
            self._control.close()
            self._release_lease()
            raise
        self._lock = threading.Lock()
        self._built = False
        self._failure: str | None = None

    @property
    def directory(self) -> Path:
        return self._directory

    @property
    def pid(self) -> int:
        """The host process (for tests and monitoring)."""
        return self._process.pid

    def exited(self) -> bool:
        """Whether the host process has ended (without waiting, and without the lock, which
        ``fork_worker`` may hold for seconds)."""
        return self._process.poll() is not None

    def failure(self) -> str | None:
        """Why the host stopped (it will never be ready), or None while it is building or
        ready: the caller then drops it and starts a new one if it still wants an image."""
        with self._lock:
            self._check()
            return self._failure

    def ready(self) -> bool:
        """Whether the copy is built and the host alive (does not wait for the host)."""
        with self._lock:
            self._check()
            return self._built and self._failure is None

    def wait_ready(self, timeout: float) -> bool:
        """Wait until the copy is built, at most ``timeout`` seconds; False when it is not
        (still building, or failed: see ``failure``)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                self._check(min(0.1, max(0.0, deadline - time.monotonic())))
                if self._built or self._failure is not None:
                    return self._built and self._failure is None
            if time.monotonic() >= deadline:
                return False

    def fork_worker(self) -> ForkedWorker:
        """A new query worker over the copy; ImageError when the host is not ready, or when it
        failed to fork one (a host that stops answering is stopped)."""
        with self._lock:
            self._check()
            if not self._built or self._failure is not None:
                raise ImageError(self._failure or "the in-memory copy is still being built")
            child_requests, requests = os.pipe()
            replies, child_replies = reply_pipe()
            pins, child_pins = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            slot, child_slot = Slot.created()
            try:
                socket.send_fds(self._control, [b"fork"],
                                [child_requests, child_replies, child_pins.fileno(), child_slot])
                news = self._receive(_FORK_S)
            except OSError as exc:
                news, error = None, f"the image host's socket failed: {exc}"
            else:
                error = f"the image host did not answer within {_FORK_S:g} s"
            finally:  # in flight, the fds are the host's own copies
                os.close(child_requests)
                os.close(child_replies)
                child_pins.close()
                os.close(child_slot)
            message, fds = news or (b"", [])
            if message.startswith(b"forked:") and len(fds) == 1:
                return ForkedWorker(int(message.removeprefix(b"forked:")),
                                    Connection(requests, readable=False),
                                    Connection(replies, writable=False), fds[0], pins, slot)
            for fd in (requests, replies, *fds):
                os.close(fd)
            pins.close()
            slot.close()
            if message.startswith(b"failed:"):  # the host lives on (fork refused, say)
                raise ImageError(f"the image host could not fork a worker: "
                                 f"{message.decode(errors='replace')}")
            self._fail(error if news is None else self._exit_reason())
            raise ImageError(self._failure)

    def close(self) -> None:
        """Stop the host; it kills and reaps its workers first (SIGKILL after a grace of
        ``_STOP_S``, when its children still die by their PR_SET_PDEATHSIG). Idempotent."""
        with self._lock:
            if self._failure is None:
                self._failure = "the image host was closed"
            self._stop()

    def _check(self, timeout: float = 0.0) -> None:
        """Take in the host's news (the copy built or failed; the host exited), waiting up to
        ``timeout`` seconds for it. Called with the lock held."""
        if self._failure is not None:
            return
        if not self._built:
            try:
                news = self._receive(timeout)
            except OSError as exc:
                self._fail(f"the image host's socket failed: {exc}")
                return
            if news is not None:
                message = news[0]
                if message == b"ready":
                    self._built = True
                    self._release_lease()
                else:
                    self._fail(message.decode(errors="replace").removeprefix("failed:")
                               if message else self._exit_reason())
        if self._failure is None and self._process.poll() is not None:
            self._fail(self._exit_reason())

    def _receive(self, timeout: float) -> tuple[bytes, list[int]] | None:
        """The host's next message (b"" once it has exited) and the fds it carries; None when
        none comes within ``timeout`` (0: only what is there already)."""
        self._control.settimeout(timeout)
        try:
            message, fds, _, _ = socket.recv_fds(self._control, _MESSAGE_BYTES, 1)
        except (BlockingIOError, TimeoutError):
            return None
        return message, fds

    def _exit_reason(self) -> str:
        try:
            status = self._process.wait(_STOP_S)
        except subprocess.TimeoutExpired:
            return "the image host closed its socket"
        return f"the image host exited with status {status}"

    def _fail(self, reason: str) -> None:
        self._failure = reason
        self._stop()

    def _stop(self) -> None:
        """Stop the host process (gracefully, then by force), close the socket, drop the lease."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(_STOP_S)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._control.close()
        self._release_lease()

    def _release_lease(self) -> None:
        if self._lease is not None:
            self._lease.release()
            self._lease = None


# --- the host process ---------------------------------------------------------------------


def _die_with(parent: int) -> None:
    """Have the kernel SIGKILL this (just forked) process when ``parent``'s thread that forked
    it ends; exit at once if ``parent`` is already gone."""
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


class _WhileParentLives(io.FileIO):
    """The read end of the dump pipe, which raises when the service that started the host is
    gone: the copy would serve nobody, and the host exits instead of finishing it."""

    def __init__(self, fd: int, parent: int) -> None:
        super().__init__(fd, "rb")
        self._parent = parent

    def readinto(self, buffer: bytearray | memoryview) -> int | None:  # type: ignore[override]
        if os.getppid() != self._parent:
            raise ImageError("the service that started this image host is gone")
        return super().readinto(buffer)


class _Host:
    """The host process's state: the copy, its control socket, and its children (the dumper,
    then the forked workers), which it kills and reaps on SIGTERM and reaps on SIGCHLD."""

    def __init__(self, control: socket.socket) -> None:
        self.control = control
        self.pid, self.parent = os.getpid(), os.getppid()
        self.children: set[int] = set()
        self.store = ox.Store()
        signal.signal(signal.SIGTERM, self._stop)

    @contextlib.contextmanager
    def _forking(self) -> Iterator[None]:
        """No SIGCHLD or SIGTERM handler runs inside: between ``fork`` and recording the child
        (and opening its pidfd), the child must not be reaped or forgotten."""
        blocked = {signal.SIGCHLD, signal.SIGTERM}
        signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, blocked)

    def _in_child(self) -> None:
        """First steps of a forked child: default signal handling, dead with the host, no
        control socket."""
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD, signal.SIGTERM})
        _die_with(self.pid)
        self.control.close()

    def copy(self, directory: str) -> None:
        """Fill the store from the generation at ``directory``: a forked dumper writes it as
        N-Quads into a pipe, parsed here as it comes (lenient: the store checked it once)."""
        readable, writable = os.pipe()
        with self._forking():
            dumper = os.fork()
            if dumper == 0:
                _exit_after(self._dump, readable, writable, directory)
            self.children.add(dumper)
        os.close(writable)
        try:
            with io.BufferedReader(_WhileParentLives(readable, self.parent), _READ_BYTES) as source:
                self.store.load(source, format=ox.RdfFormat.N_QUADS, lenient=True)
        except BaseException:
            os.kill(dumper, signal.SIGKILL)
            raise
        finally:
            with self._forking():
                _, status = os.waitpid(dumper, 0)
                self.children.discard(dumper)
        if os.waitstatus_to_exitcode(status) != 0:  # the N-Quads may have been cut short
            raise ImageError(f"the dump of {directory} failed "
                             f"(exit status {os.waitstatus_to_exitcode(status)})")

    def _dump(self, readable: int, writable: int, directory: str) -> None:
        self._in_child()
        os.close(readable)
        with open(writable, "wb", buffering=_READ_BYTES) as out:
            ox.Store.read_only(directory).dump(out, format=ox.RdfFormat.N_QUADS)

    def serve(self) -> None:
        """Fork a worker for every ``fork`` message (two pipes, a pin socket and a slot's
        memory attached: ``sparql.direct``) and answer with its pid and a pidfd; return when
        the service closes the socket."""
        gc.freeze()  # the collector would otherwise write to every object's page in each worker
        signal.signal(signal.SIGCHLD, self._reap)
        self.control.send(b"ready")
        while True:
            message, fds, _, _ = socket.recv_fds(self.control, _MESSAGE_BYTES, 4)
            if not message:
                return
            try:
                if message != b"fork" or len(fds) != 4:
                    raise ImageError(f"unexpected message {message[:40]!r} with {len(fds)} fds")
                pid, pidfd = self._fork(*fds)
            except Exception as exc:
                self.control.send(f"failed:{type(exc).__name__}: {exc}".encode())
            else:
                socket.send_fds(self.control, [f"forked:{pid}".encode()], [pidfd])
                os.close(pidfd)
            finally:
                for fd in fds:
                    os.close(fd)

    def _fork(self, requests: int, replies: int, pins: int, slot: int) -> tuple[int, int]:
        with self._forking():
            pid = os.fork()
            if pid == 0:
                _exit_after(self._work, requests, replies, pins, slot)
            self.children.add(pid)
            return pid, os.pidfd_open(pid)

    def _work(self, requests: int, replies: int, pins: int, slot: int) -> None:
        self._in_child()
        cell = Slot(slot)
        os.close(slot)  # the mapping stays
        serve(Connection(requests, writable=False), Connection(replies, readable=False),
              self.store, Pinned(socket.socket(fileno=pins), cell, self.store))

    def _reap(self, signum: int, frame: object) -> None:
        """SIGCHLD: reap every child that has exited, so that none stays a zombie."""
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.children.discard(pid)

    def _stop(self, signum: int, frame: object) -> NoReturn:
        """SIGTERM (``ImageHost.close``): end."""
        self.end()

    def end(self) -> NoReturn:
        """Kill and reap every child, then exit."""
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for pid in self.children:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        os._exit(0)


def _exit_after(run: Callable[..., None], *args: object) -> NoReturn:
    """Run a forked child's work and end the child, never returning into the host's code
    (nor running its exit handlers)."""
    try:
        run(*args)
    except BaseException:
        traceback.print_exc()
        os._exit(1)
    os._exit(0)


def main(control_fd: int, directory: str) -> None:
    """The host process: build the copy, report it, fork workers until the service goes."""
    sys.stdout = sys.stderr  # the socket carries the protocol; stray output goes to the log
    host = _Host(socket.socket(fileno=control_fd))
    try:
        host.copy(directory)
    except Exception as exc:
        traceback.print_exc()
        with contextlib.suppress(OSError):  # the service may be gone
            host.control.send(f"failed:could not copy {directory}: {type(exc).__name__}: "
                              f"{exc}".encode())
        host.end()
    host.serve()
    host.end()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
