"""A response's head and body leave in one write (``cli.http_protocol.JoinedWrites``), in
order, with nothing held back past the next turn of the loop or a close."""

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from hsvo_graph.cli.http_protocol import JoinedWrites


def run_apart(coroutine: Coroutine[Any, Any, Any]) -> None:
    """Run ``coroutine`` on a loop of its own in a fresh thread: the test session may have
    one running in this thread (Playwright's, after the browser tests)."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


class Recording:
    """A transport that notes each write and what else it is asked."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.events: list[str] = []

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.events.append("close")

    def write_eof(self) -> None:
        self.events.append("eof")

    def is_closing(self) -> bool:
        return False


def test_head_and_body_go_out_in_one_write() -> None:
    async def run() -> Recording:
        transport = Recording()
        joined = JoinedWrites(transport, asyncio.get_running_loop())  # type: ignore[arg-type]
        joined.write(b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\n")
        joined.write(b"true")
        assert transport.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\ntrue"]
        joined.write(b"HTTP/1.1 204 No Content\r\n\r\n")  # a response without a body
        assert len(transport.writes) == 1
        await asyncio.sleep(0)  # the next turn of the loop sends it
        assert transport.writes[1] == b"HTTP/1.1 204 No Content\r\n\r\n"
        assert not joined.is_closing()  # the rest is the transport's
        return transport
    run_apart(run())


def test_large_writes_keep_their_order_and_a_close_sends_what_is_held() -> None:
    async def run() -> None:
        transport = Recording()
        joined = JoinedWrites(transport, asyncio.get_running_loop())  # type: ignore[arg-type]
        big = b"x" * (1 << 20)
        joined.write(big)  # large: at once
        joined.write(b"head")
        joined.write(big)  # after what is held, joined to it
        joined.write(b"tail")
        joined.close()
        assert b"".join(transport.writes) == big + b"head" + big + b"tail"
        assert transport.writes[0] is not None and transport.events == ["close"]
        joined.write(b"last")
        joined.write_eof()
        assert transport.writes[-1] == b"last" and transport.events == ["close", "eof"]
    run_apart(run())
