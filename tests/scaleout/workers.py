"""Real worker processes for the scale-out tests: start them, read their /metrics, stop them.

Each worker is `digestbot run` (or the same service on a moved clock) in a process of its
own, with its log in a file so a failing test can show what each one did.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.domain.channels import Channel, Subscription
from bot.domain.sources import Source
from storage.db import make_engine
from storage.uow import make_uow_factory

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "7012345678:AAF-scaleout_test_token_for_the_fake"
#: Short ticks so a test sees the service react within about a second.
FAST_TICKS = "ingest=2,digests=0.5,deliveries=0.5"


@dataclass
class Worker:
    """One running worker: its process, its operator port and its log file."""

    name: str
    process: asyncio.subprocess.Process
    log: Path
    #: The operator port, once the worker said which one it bound (it asks for any free one).
    port: int = 0

    async def metrics(self) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        """Every sample of /metrics, keyed by (name, sorted labels)."""
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{self.port}/metrics", timeout=_TIMEOUT) as response,
        ):
            body = await response.text()
        return {
            (sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(body)
            for sample in family.samples
        }

    async def metric(self, name: str, **labels: str) -> float:
        """The sum of the samples of `name` that carry these labels (0 when none does)."""
        wanted = set(labels.items())
        return sum(
            value
            for (sample, sample_labels), value in (await self.metrics()).items()
            if sample == name and wanted <= set(sample_labels)
        )

    async def status(self, path: str) -> int:
        """The HTTP status of GET `path` on the operator port."""
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{self.port}{path}", timeout=_TIMEOUT) as response,
        ):
            return response.status

    @property
    def alive(self) -> bool:
        """True until the process exits."""
        return self.process.returncode is None


_TIMEOUT = aiohttp.ClientTimeout(total=3)


def worker_env(database_url: str, telegram_base_url: str, **extra: str) -> dict[str, str]:
    """The environment of a worker: this database, the fake Telegram, fast ticks."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SLACK_"))}
    env.pop("DIGESTBOT_CONFIG", None)
    path = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env | {
        "PYTHONPATH": path,
        "DIGESTBOT_DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": telegram_base_url,
        "DIGESTBOT_TICKS": FAST_TICKS,
        "DIGESTBOT_TIMEZONE": "UTC",
        "DIGESTBOT_ALLOW_PRIVATE_URLS": "true",
        "DIGESTBOT_LOG_LEVEL": "INFO",
        **extra,
    }


async def start_workers(
    count: int, env: dict[str, str], workdir: Path, args: Sequence[str] = ("-m", "bot", "run")
) -> list[Worker]:
    """Start `count` workers and wait until each answers /healthz."""
    workers = []
    for n in range(count):
        log = workdir / f"worker-{n}.log"
        with log.open("wb") as out:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                *args,
                # Any free port, bound by the worker: one picked here could be taken first.
                env=env | {"DIGESTBOT_HTTP_PORT": "0"},
                cwd=workdir,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
            )
        workers.append(Worker(f"worker-{n}", process, log))
    for worker in workers:
        await eventually(partial(_answers, worker), f"{worker.name} never answered", 30)
    return workers


async def stop_workers(workers: Iterable[Worker]) -> None:
    """Kill whatever still runs."""
    for worker in workers:
        if worker.alive:
            worker.process.kill()
        with contextlib.suppress(ProcessLookupError):
            await worker.process.wait()


def logs(workers: Iterable[Worker]) -> str:
    """The tail of every worker's log, for an assertion message."""
    return "\n".join(
        f"--- {w.name} ---\n" + "\n".join(w.log.read_text(errors="replace").splitlines()[-40:])
        for w in workers
    )


async def leader_among(workers: Sequence[Worker], timeout: float = 20.0) -> Worker:
    """The one live worker whose `digestbot_leader` gauge is 1, once there is exactly one."""
    found: list[Worker] = []

    async def one_leader() -> bool:
        found.clear()
        for worker in workers:
            if worker.alive and await worker.metric("digestbot_leader") == 1:
                found.append(worker)
        return len(found) == 1

    await eventually(one_leader, "no single leader emerged", timeout)
    return found[0]


async def eventually(
    check: Callable[[], Awaitable[bool] | bool], what: str, timeout: float = 20.0
) -> None:
    """Poll `check` until it holds; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if isinstance(result, Awaitable):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(what)
        await asyncio.sleep(0.1)


_BOUND = re.compile(r"digestbot is running; health on port (\d+)")


async def _answers(worker: Worker) -> bool:
    if not worker.alive:
        raise AssertionError(f"{worker.name} exited:\n{logs([worker])}")
    if not worker.port:
        found = _BOUND.search(worker.log.read_text(errors="replace"))
        if found is None:
            return False
        worker.port = int(found.group(1))
    try:
        return await worker.status("/healthz") == 200
    except (aiohttp.ClientError, TimeoutError):
        return False


async def seed(
    database_url: str,
    *,
    chats: Sequence[int],
    schedule: str,
    sources: Sequence[Source] = (),
) -> None:
    """Subscribe Telegram chats (English digests, UTC) and add sources, as users would."""
    engine = make_engine(database_url)
    try:
        uow_factory = make_uow_factory(engine)
        async with uow_factory() as uow:
            for source in sources:
                await uow.sources.add(source)
            for chat in chats:
                channel: Channel = await uow.channels.get_or_create("telegram", str(chat))
                assert channel.id is not None
                await uow.channels.save_subscription(
                    Subscription(
                        channel_id=channel.id, languages="en", schedule=schedule, timezone="UTC"
                    )
                )
            await uow.commit()
    finally:
        await engine.dispose()
