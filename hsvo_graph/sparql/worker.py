"""One query worker process: answers queries from a frozen store generation, opened read-only.

pyoxigraph cannot interrupt a running query, so queries on the embedded store run here,
in a process the service can kill when the time limit passes (``hsvo_graph.sparql.executor``).
Started as ``python -m hsvo_graph.sparql.worker IN_FD OUT_FD``: a plain new interpreter that
imports only pyoxigraph (never the service's main module), talking over two pipes. The
parent sends ``("open", directory)`` to switch to a generation (``hsvo_graph.store.generations``:
nobody writes it any more, which pyoxigraph's read-only mode needs; the parent holds its lease)
and ``("query", request)`` to run one; every message gets exactly one reply (an answer
with the seconds of CPU its query took, which ``sparql.inline`` goes by). Opening takes
milliseconds, and the data stays in the OS page cache that all workers share, instead of a
private copy per worker.

An image worker (``hsvo_graph.sparql.images``) speaks the same protocol from a process forked
off an in-memory copy of one generation: ``serve`` gets that copy, and the worker refuses to
open another generation.

A worker only runs queries (``Store.query``: no update, no LOAD), and before it answers
any it cuts itself off the network (``isolate_network``), so that a SERVICE the guard
missed could reach no host.
"""

import ctypes
import ctypes.util
import fcntl
import os
import re
import socket
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from hsvo_graph.sparql.analysis import AnalysisError, tokenize
from hsvo_graph.sparql.results import AnswerTooLarge, Encoded, encode

if TYPE_CHECKING:
    from hsvo_graph.sparql.direct import Pinned


def module_command(module: str, *arguments: str) -> list[str]:
    """The command that runs ``module`` of this package in a new interpreter (a query worker,
    an image host). ``-P``: the directory the service was started from is not put on the
    module path, so the process imports this installation's ``hsvo_graph``, never a package
    of that name that happens to lie in that directory."""
    return [sys.executable, "-P", "-m", module, *arguments]


_REPLY_PIPE_BYTES = 1 << 20  # Linux's default pipe-max-size: what an unprivileged process may ask


def reply_pipe() -> tuple[int, int]:
    """A pipe (read end, write end) for a worker's replies, holding up to 1 MiB instead of
    Linux's 64 KiB. Why: a reply bigger than the pipe is written in turns, each waking the
    worker and the service's event loop once more (a 780 KB answer: a dozen of each); the
    pages are taken only while a reply is in the pipe. Where the system refuses the size
    (a lower pipe-max-size, or the user's pipe quota spent), the pipe keeps its default."""
    read_end, write_end = os.pipe()
    try:
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, _REPLY_PIPE_BYTES)
    except OSError:
        pass
    return read_end, write_end


@dataclass(frozen=True)
class QueryRequest:
    """A query, the dataset to run it on, and how to write its answer.

    ``union_default``: the default graph is the union of all graphs (the service's
    default), unless the query has its own FROM or the protocol names graphs; otherwise
    ``default_graphs``/``named_graphs`` as the SPARQL Protocol's ``default-graph-uri`` and
    ``named-graph-uri`` give them (None: the query's own dataset clause decides).
    """

    query: str
    solutions_type: str
    graph_type: str
    max_rows: int | None
    union_default: bool = True
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    prefixes: dict[str, str] = field(default_factory=dict)
    # the query text itself stops after max_rows + 1 solutions (analysis.with_row_limit),
    # so pyoxigraph's serialiser may write the answer
    row_limited: bool = False
    # what relative IRIs resolve against (pyoxigraph's base_iri, not text put in front)
    base_iri: str | None = None
    # the text as the client sent it, when ``query`` adds a row limit to it: a syntax error
    # is reported from this one, in the client's lines and columns
    original: str | None = None


def dataset_options(request: QueryRequest) -> dict[str, Any]:
    """pyoxigraph ``Store.query`` options for the request's dataset."""
    options: dict[str, Any] = {}
    if request.union_default:
        options["use_default_graph_as_union"] = True
    if request.default_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
    if request.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    return options


def execute(store: ox.Store, request: QueryRequest) -> Encoded:
    """Run one request; SyntaxError carries the parser's message (``concise``), placed in
    the text the client sent, or the engine's refusal of a query it parsed but cannot run
    (``refused_without_data``). An answer over ``results.MAX_VALUE_BYTES`` comes cut."""
    try:
        result = store.query(request.query, base_iri=request.base_iri,
                             **dataset_options(request))
    except SyntaxError as exc:
        text = request.original or request.query
        raise SyntaxError(concise(_client_error(request, str(exc)), text)) from None
    except (RuntimeError, ValueError) as exc:
        if refused_without_data(request):
            raise SyntaxError(str(exc)) from None
        raise
    try:
        return encode(result, request.solutions_type, request.graph_type, request.max_rows,
                      request.prefixes, request.row_limited)
    except AnswerTooLarge:
        # pyoxigraph's serialiser passed the size cap: the query once more, its rows taken
        # one by one up to the cap (rare, and slower only for such an answer)
        again = store.query(request.query, base_iri=request.base_iri, **dataset_options(request))
        return encode(again, request.solutions_type, request.graph_type, request.max_rows,
                      request.prefixes)


def refused_without_data(request: QueryRequest) -> bool:
    """Whether the engine refuses the query on an empty store too. pyoxigraph raises one
    RuntimeError for a query it cannot run (a function it does not have: SPARQL 1.1 §17.6
    says such a query is not evaluated and an error is returned) and for a store it cannot
    read; refused without any data, the fault is the query's: the client is told so (400,
    as a remote store answers it), not that the store failed (502). Tried only after a
    failure; the plan is built before anything is read, so the empty store costs nothing."""
    try:
        ox.Store().query(request.query, base_iri=request.base_iri, **dataset_options(request))
    except (RuntimeError, ValueError, SyntaxError):
        return True
    except OSError:  # what the engine could not reach, not what the query asks
        return False
    return False


def _client_error(request: QueryRequest, message: str) -> str:
    """The parser's message for the client's own text, when the row limit changed it: a
    LIMIT added at the end moves an error there (pyoxigraph reports the furthest point it
    read), and onto a line the client never wrote. Parsed on an empty store, so that a text
    that does parse (which no added LIMIT should make of a broken one) costs nothing."""
    if request.original is not None:
        try:
            ox.Store().query(request.original, base_iri=request.base_iri)
        except SyntaxError as exc:
            return str(exc)
    return message


_ENGINE_POSITION = re.compile(r"^error at (\d+):(\d+): ")
# a character class in pyoxigraph's list of what it expected: ['A' ..= 'Z' | …], often
# 500 bytes of code point ranges that say less than "a name"
_CHARACTER_CLASS = re.compile(r"\[(?:'(?:[^'\\]|\\.)*'|[^\]'])*\],?\s*")


def concise(message: str, text: str) -> str:
    """pyoxigraph's syntax error about ``text`` in the guard's words: "at line L, column C",
    what was expected without its character classes, and an undeclared prefix named."""
    position = _ENGINE_POSITION.match(message)
    if position is None:
        return message
    where = f"at line {position.group(1)}, column {position.group(2)}"
    rest = message[position.end():]
    if "Prefix not found" in rest:
        prefix = _prefix_ending(text, int(position.group(1)), int(position.group(2)))
        return f"{where}: undeclared prefix {prefix} (declare it with PREFIX {prefix} <IRI>)"
    expected = _CHARACTER_CLASS.sub("", rest).strip().rstrip(",")
    if expected.endswith("one of") or expected == "expected":
        expected = "unexpected text"
    return f"{where}: {expected}"


def _prefix_ending(text: str, line: int, column: int) -> str:
    """The prefix ("p:") of the prefixed name that ends where pyoxigraph stopped (at
    ``line``, ``column``: just after the name); "name:" when no token ends there."""
    lines = text.split("\n")
    end = sum(len(ln) + 1 for ln in lines[:line - 1]) + column - 1
    try:
        names = [t.text for t in tokenize(text) if t.kind == "PNAME" and t.start + len(t.text) == end]
    except AnalysisError:
        names = []
    return names[0].partition(":")[0] + ":" if names else "name:"


def open_generation(directory: str | None) -> ox.Store:
    """The generation at ``directory``, read-only; an empty store for an empty dataset."""
    return ox.Store() if directory is None else ox.Store.read_only(directory)


_CLONE_NEWUSER, _CLONE_NEWNET = 0x10000000, 0x40000000
_SCMP_ACT_ALLOW, _SCMP_ACT_ERRNO_EACCES = 0x7FFF0000, 0x00050000 | 13
_SCMP_CMP_EQ = 4


class _ArgCmp(ctypes.Structure):
    """libseccomp's ``struct scmp_arg_cmp``."""

    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int),
                ("datum_a", ctypes.c_uint64), ("datum_b", ctypes.c_uint64)]


def _unshare_network() -> str | None:
    """Move this process into a new, empty network namespace (owned by a new user
    namespace, so no privilege is needed): only a loopback that is down, no route anywhere.
    None on success, else why the kernel refused."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0:
        return None
    return f"unshare: {os.strerror(ctypes.get_errno())}"


def _deny_inet_sockets() -> str | None:
    """Fallback: a seccomp filter (the system's libseccomp, through ctypes) under which
    ``socket()`` fails with EACCES for IPv4 and IPv6. None on success, else why not."""
    name = ctypes.util.find_library("seccomp")
    if name is None:
        return "libseccomp is not installed"
    lib = ctypes.CDLL(name)
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int,
                                           ctypes.c_uint, ctypes.POINTER(_ArgCmp)]
    lib.seccomp_load.argtypes = [ctypes.c_void_p]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    ctx = lib.seccomp_init(_SCMP_ACT_ALLOW)
    if not ctx:
        return "seccomp_init failed"
    try:
        call = lib.seccomp_syscall_resolve_name(b"socket")
        for family in (socket.AF_INET, socket.AF_INET6):
            rule = _ArgCmp(0, _SCMP_CMP_EQ, family, 0)  # socket()'s first argument
            if lib.seccomp_rule_add_array(ctx, _SCMP_ACT_ERRNO_EACCES, call, 1,
                                          ctypes.byref(rule)) != 0:
                return "seccomp_rule_add_array failed"
        if lib.seccomp_load(ctx) != 0:
            return "seccomp_load failed"
        return None
    finally:
        lib.seccomp_release(ctx)


def isolate_network() -> str | None:
    """Take the network away from this (single-threaded, just started) process: an empty
    network namespace where the OS allows it, else a seccomp filter on IP sockets.

    None when one of them holds, else the reasons both failed (the caller decides, by
    ``HSVO_WORKER_ISOLATION``, whether to refuse queries or to warn and go on).
    """
    refused = _unshare_network()
    if refused is None:
        return None
    fallback = _deny_inet_sockets()
    return None if fallback is None else f"{refused}; seccomp fallback: {fallback}"


def serve(requests: Connection, replies: Connection, store: ox.Store | None = None,
          pinned: "Pinned | None" = None) -> None:
    """The worker's main loop; returns when the parent closes the pipe.

    ``store`` None: a spawned worker, which starts with the empty store and opens the
    generations the parent names. Otherwise the fixed in-memory copy of an image worker,
    which answers ``open`` with an error: the copy cannot follow a write, so the pool forks
    workers from a newer image instead; with ``pinned`` (``sparql.direct``) it also answers
    on the client connections the pool hands it (``pin``). A ``release`` for a connection
    given back already gets no reply.

    Before the first message the network goes (``isolate_network``). If it cannot, the
    worker says so loudly on stderr and, unless ``HSVO_WORKER_ISOLATION=warn``, answers
    every request with that error instead of running it.
    """
    unisolated = isolate_network()
    if unisolated is not None:
        print(f"hsvo query worker {os.getpid()}: NOT ISOLATED FROM THE NETWORK ({unisolated})",
              file=sys.stderr, flush=True)
        if os.environ.get("HSVO_WORKER_ISOLATION", "require") != "warn":
            _refuse_all(requests, replies, f"query worker without network isolation "
                        f"({unisolated}); set HSVO_WORKER_ISOLATION=warn to run anyway")
            return
    fixed = store is not None
    current = ox.Store() if store is None else store
    while True:
        try:
            op, payload = requests.recv()
        except (EOFError, OSError):
            return
        try:
            if op == "release":
                continue
            if op == "pin" and pinned is not None:
                pinned.serve(payload, requests, replies)
            elif op == "open" and fixed:
                replies.send(("error", "an image worker answers from its own in-memory copy "
                                       "and cannot open another generation"))
            elif op == "open":
                current = open_generation(payload)
                replies.send(("opened", None))
            else:
                started = time.thread_time()  # its cost: CPU, which waiting does not add to
                encoded = execute(current, payload)
                replies.send(("ok", encoded, time.thread_time() - started))
        except SyntaxError as exc:
            replies.send(("syntax", str(exc)))
        except Exception as exc:  # reported to the parent, which answers with an error
            replies.send(("error", f"{type(exc).__name__}: {exc}"))


def _refuse_all(requests: Connection, replies: Connection, reason: str) -> None:
    """Answer every message with ``reason`` as an error until the parent closes the pipe."""
    while True:
        try:
            requests.recv()
        except (EOFError, OSError):
            return
        replies.send(("error", reason))


if __name__ == "__main__":
    sys.stdout = sys.stderr  # the pipes carry the protocol; stray output goes to the log
    serve(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))
