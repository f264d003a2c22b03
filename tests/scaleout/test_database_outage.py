"""A database outage delays the service's work but kills neither it nor the next digest.

The worker reaches PostgreSQL through a TCP proxy in the test process; cutting the proxy
drops every connection and refuses new ones, as a restarting or unreachable server does.
The digest slot falls inside the outage and must go out, once, after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.demo_data import SAMPLE_FEED
from bot.domain.sources import Source
from tests.fakes.telegram_server import FakeTelegramServer
from tests.scaleout.workers import (
    TOKEN,
    Worker,
    eventually,
    logs,
    seed,
    start_workers,
    stop_workers,
    worker_env,
)

CHATS = [6000 + n for n in range(10)]
#: Seconds into the test: the outage starts, the slot falls, the outage ends.
OUTAGE_FROM, SLOT_AT, OUTAGE_UNTIL = 5.0, 9.0, 16.0


class CuttableProxy:
    """Forwards TCP connections to PostgreSQL until cut; while cut, refuses them."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.up = True
        self._pipes: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)

    def cut(self) -> None:
        """Drop every open connection and refuse new ones."""
        self.up = False
        for writer in list(self._writers):
            writer.transport.abort()

    def restore(self) -> None:
        self.up = True

    async def stop(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
        for task in list(self._pipes):
            task.cancel()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers |= {writer, up_writer}
        pipes = [
            asyncio.create_task(self._pipe(reader, up_writer)),
            asyncio.create_task(self._pipe(up_reader, writer)),
        ]
        self._pipes.update(pipes)
        await asyncio.gather(*pipes, return_exceptions=True)
        self._pipes.difference_update(pipes)
        self._writers -= {writer, up_writer}

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.transport.abort()


async def test_a_database_outage_delays_the_due_digest_but_it_goes_out_once_after(
    postgres_url: str, tmp_path: Path
) -> None:
    started = time.time()
    slot_real = started + SLOT_AT
    slot = math.ceil(slot_real / 60) * 60
    offset = slot - slot_real
    at = datetime.fromtimestamp(slot, UTC)
    sample = Source(url=str(SAMPLE_FEED), name="sample", kind="file")
    await seed(postgres_url, chats=CHATS, schedule=f"{at.minute} {at.hour} * * *", sources=[sample])
    server = make_url(postgres_url)
    proxy = CuttableProxy(server.host or "127.0.0.1", server.port or 5432)
    await proxy.start()
    proxied = server.set(port=proxy.port).render_as_string(hide_password=False)
    async with FakeTelegramServer(TOKEN) as fake:
        args = ("-m", "tests.scaleout.shifted_run", f"{offset:.3f}")
        [worker] = await start_workers(1, worker_env(proxied, fake.base_url), tmp_path, args)
        try:
            await asyncio.sleep(max(0.0, started + OUTAGE_FROM - time.time()))
            assert not any(fake.messages_to(chat) for chat in CHATS), "sent before its slot"
            proxy.cut()
            await eventually(_not_ready(worker), "/readyz stayed 200 without the database", 10)
            await asyncio.sleep(max(0.0, started + OUTAGE_UNTIL - time.time()))
            assert worker.alive, "the service died in the outage"
            assert not any(fake.messages_to(chat) for chat in CHATS)
            proxy.restore()
            await eventually(
                lambda: all(fake.messages_to(chat) for chat in CHATS),
                "the digest due during the outage never went out",
                40,
            )
            await asyncio.sleep(2.0)  # a second copy would arrive by now
            assert [len(fake.messages_to(chat)) for chat in CHATS] == [1] * len(CHATS)
            assert await worker.status("/readyz") == 200
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{logs([worker])}") from None
        finally:
            await stop_workers([worker])
            await proxy.stop()


def _not_ready(worker: Worker) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        with contextlib.suppress(Exception):
            return await worker.status("/readyz") == 503
        return False

    return check
