"""Rounds of start → `kill -9` in a chosen phase → restart, against the real service process.

A round starts `tests.crash.driver` a day (of its clock) after the last one,
waits for the k-th event of the round's phase (k and a short delay after it drawn from the
seeded generator) and kills the process with SIGKILL. The events are what the process does
to the outside world, seen where it lands: feed requests on the fake web server (ingest),
`summarize` lines on the process's standard output (summarizing), messages accepted by the
fake Telegram server (the fan-out). After each kill the database is read to record how far
the round got: sources stored, whether the round's slot committed.

A kill that leaves chats unserved (deliveries pending or `sending`) is followed at once by a
restart on the same clock, as an operator or a supervisor would restart the bot: the round
records how many seconds passed from the restart until every chat had the slot's digests.
The clock holds still, so the killed process's claims are as fresh to the restarted one as
they were when it died: only knowing that their worker is gone lets it take them over.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from storage.models import DeliveryRow, SourceRow, SubscriptionRow
from tests.crash.driver import CLOCK_VARIABLE, SUMMARY_MARK
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.web_server import FakeWebServer

Phase = Literal["ingest", "summarize", "fanout"]
PHASES: tuple[Phase, ...] = ("ingest", "summarize", "fanout")
ROOT = Path(__file__).resolve().parents[2]
#: How long a round may wait for its phase before the test gives up on the machine.
PHASE_TIMEOUT = 60.0
#: How long the last round may take to deliver everything that is left.
FINISH_TIMEOUT = 90.0
#: How long a restart may take to serve every chat before the test stops waiting (the goal,
#: asserted by the test, is much shorter; this only bounds a failing run).
RECOVERY_TIMEOUT = 60.0


@dataclass(frozen=True)
class KillPlan:
    """Kill at the `event`-th event of `phase` in the round, `delay` seconds after it."""

    phase: Phase
    event: int
    delay: float

    @staticmethod
    def draw(rng: random.Random, phase: Phase, *, sources: int, summaries: int) -> KillPlan:
        """A random moment of the phase: which event, and how long after it."""
        if phase == "ingest":
            return KillPlan(phase, rng.randint(1, sources), rng.uniform(0.0, 0.2))
        if phase == "summarize":
            return KillPlan(phase, rng.randint(1, summaries), rng.uniform(0.0, 0.04))
        return KillPlan(phase, rng.randint(1, 250), rng.uniform(0.0, 0.02))


@dataclass
class RoundRecord:
    """What one round did: its clock, its kill, the messages it sent and how far it got."""

    number: int
    clock: datetime
    plan: KillPlan | None
    first_message: int
    last_message: int = 0
    sources_stored: int = 0
    slot_committed: bool = False
    #: Deliveries left `sending` by the kill (claimed, not all parts recorded).
    left_sending: set[int] = field(default_factory=set)
    #: Seconds from the start of the process to the planned event, and to its end.
    reached: float = 0.0
    seconds: float = 0.0
    #: Deliveries the kill left unsent (pending or sending), and when the kill left any,
    #: the seconds from the restart until every chat was served.
    unserved: int = 0
    recovered: float | None = None

    def describe(self) -> str:
        """One line for the test's report."""
        plan = self.plan
        how = f"{plan.phase} #{plan.event} +{plan.delay * 1000:.0f}ms" if plan else "finish"
        return (
            f"round {self.number:2d} {how:22s} at {self.reached:5.2f}s of {self.seconds:5.2f}s "
            f"messages {self.last_message - self.first_message:4d} "
            f"sources stored {self.sources_stored} slot committed {self.slot_committed!s:5} "
            f"left sending {len(self.left_sending)}"
            + (
                f"; restarted: {self.unserved} unsent served in {self.recovered:.1f}s"
                if self.recovered is not None
                else ""
            )
        )

    @property
    def killed(self) -> bool:
        """True when the round ended with SIGKILL (the last round ends with SIGTERM)."""
        return self.plan is not None


@dataclass
class Drill:
    """Runs the rounds; the fakes live in the test process and outlive every kill."""

    database_url: str
    engine: AsyncEngine
    telegram: FakeTelegramServer
    web: FakeWebServer
    workdir: Path
    token: str
    slot_of: Callable[[datetime], datetime]
    rounds: list[RoundRecord] = field(default_factory=list)

    def env(self, clock: datetime) -> dict[str, str]:
        """The service's settings: the database, the fakes and this round's clock."""
        ours = ("OPENAI_", "SLACK_", "TELEGRAM_", "DIGESTBOT_")
        env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
        return env | {
            "DIGESTBOT_DATABASE_URL": self.database_url,
            # Any free port, chosen when the service binds it: a port picked here could be
            # taken by another process before the service starts (two suites on one machine).
            "DIGESTBOT_HTTP_PORT": "0",
            "DIGESTBOT_LOG_LEVEL": "WARNING",
            "DIGESTBOT_ALLOW_PRIVATE_URLS": "true",
            "DIGESTBOT_OUTPUT_DIR": str(self.workdir / "out"),
            "TELEGRAM_BOT_TOKEN": self.token,
            "TELEGRAM_API_BASE_URL": self.telegram.base_url,
            CLOCK_VARIABLE: clock.isoformat(),
        }

    async def kill_round(self, number: int, clock: datetime, plan: KillPlan) -> RoundRecord:
        """Start the service, kill it at the planned moment, then see how far it got."""
        record = RoundRecord(number, clock, plan, first_message=len(self.telegram.messages))
        started = time.monotonic()
        process, marks = await self._start(number, clock)
        feeds_before = len(self.web.requests)

        def events() -> int:
            if plan.phase == "ingest":
                return sum(r.path.startswith("/feeds/") for r in self.web.requests[feeds_before:])
            if plan.phase == "summarize":
                return marks.count
            return len(self.telegram.messages) - record.first_message

        try:
            async with asyncio.timeout(PHASE_TIMEOUT):
                while events() < plan.event:
                    if process.returncode is not None:
                        raise AssertionError(f"round {number}: the service exited on its own")
                    await asyncio.sleep(0.001)
            record.reached = time.monotonic() - started
            await asyncio.sleep(plan.delay)
        except TimeoutError:
            raise AssertionError(
                f"round {number}: {plan.phase} event {plan.event} never came "
                f"(saw {events()}); see {self._log(number)}"
            ) from None
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGKILL)
            await process.wait()
            marks.task.cancel()
        record.last_message = len(self.telegram.messages)
        record.seconds = time.monotonic() - started
        await self._progress(record)
        if record.unserved:
            await self._restart(record)
        self.rounds.append(record)
        print(record.describe(), flush=True)
        return record

    async def _restart(self, record: RoundRecord) -> None:
        """Restart at once on the round's clock; time it until every chat is served."""
        started = time.monotonic()
        process, marks = await self._start(record.number, record.clock, "restart")
        slot = self.slot_of(record.clock)
        log = self._log(record.number, "restart")
        try:
            try:
                async with asyncio.timeout(RECOVERY_TIMEOUT):
                    while not await self._settled(slot):
                        assert process.returncode is None, f"the restart exited; see {log}"
                        await asyncio.sleep(0.05)
            except TimeoutError:
                unsent = await self._unsent()
                raise AssertionError(
                    f"round {record.number}: {unsent} of the {record.unserved} deliveries the "
                    f"kill left were still unsent {RECOVERY_TIMEOUT:.0f}s after the restart; "
                    f"see {log}"
                ) from None
            record.recovered = time.monotonic() - started
            process.send_signal(signal.SIGTERM)
            async with asyncio.timeout(10.0):
                await process.wait()
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
            marks.task.cancel()
        record.last_message = len(self.telegram.messages)
        async with AsyncSession(self.engine) as session:
            slots = set(await session.scalars(select(SubscriptionRow.last_slot_at).distinct()))
        record.slot_committed = slots == {slot}

    async def finish_round(self, number: int, clock: datetime) -> RoundRecord:
        """Start the service, wait until every delivery is sent, stop it with SIGTERM."""
        record = RoundRecord(number, clock, None, first_message=len(self.telegram.messages))
        started = time.monotonic()
        process, marks = await self._start(number, clock)
        try:
            async with asyncio.timeout(FINISH_TIMEOUT):
                while not await self._settled(self.slot_of(clock)):
                    assert process.returncode is None, f"the service exited; {self._log(number)}"
                    await asyncio.sleep(0.1)
            process.send_signal(signal.SIGTERM)
            async with asyncio.timeout(10.0):
                code = await process.wait()
            assert code == 0, f"SIGTERM ended the service with {code}; see {self._log(number)}"
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
            marks.task.cancel()
        record.last_message = len(self.telegram.messages)
        record.seconds = time.monotonic() - started
        await self._progress(record)
        self.rounds.append(record)
        print(record.describe(), flush=True)
        return record

    async def _start(
        self, number: int, clock: datetime, kind: str = ""
    ) -> tuple[asyncio.subprocess.Process, _Marks]:
        with open(self._log(number, kind), "wb") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.crash.driver",
                cwd=ROOT,
                env=self.env(clock),
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
            )
        assert process.stdout is not None
        marks = _Marks()
        marks.task = asyncio.create_task(marks.read(process.stdout))
        return process, marks

    def _log(self, number: int, kind: str = "") -> Path:
        return self.workdir / f"round-{number:02d}{'-' if kind else ''}{kind}.log"

    async def _progress(self, record: RoundRecord) -> None:
        async with AsyncSession(self.engine) as session:
            record.sources_stored = (
                await session.scalar(
                    select(func.count()).where(SourceRow.last_polled_at == record.clock)
                )
                or 0
            )
            slots = set(await session.scalars(select(SubscriptionRow.last_slot_at).distinct()))
            record.left_sending = set(
                await session.scalars(select(DeliveryRow.id).where(DeliveryRow.status == "sending"))
            )
        record.unserved = await self._unsent()
        slot = self.slot_of(record.clock)
        assert len(slots) == 1, f"round {record.number}: subscriptions disagree on the slot {slots}"
        record.slot_committed = slots == {slot}

    async def _unsent(self) -> int:
        async with AsyncSession(self.engine) as session:
            unsent = await session.scalar(
                select(func.count()).where(DeliveryRow.status.in_(("pending", "sending")))
            )
        return unsent or 0

    async def _settled(self, slot: datetime) -> bool:
        """True when every subscription ran `slot` and nothing is left to send.

        The slots are read first: a slot's claim commits together with its deliveries, so
        once every claim is seen, the unsent count read after it includes them. Read the
        other way round, a commit landing between the two reads looks settled with the
        whole slot still pending.
        """
        async with AsyncSession(self.engine) as session:
            behind = await session.scalar(
                select(func.count()).where(
                    (SubscriptionRow.last_slot_at.is_(None)) | (SubscriptionRow.last_slot_at < slot)
                )
            )
        return behind == 0 and await self._unsent() == 0


@dataclass
class _Marks:
    """Counts the `summarize` lines the service prints."""

    count: int = 0
    task: asyncio.Task[None] = field(init=False)

    async def read(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            if line.strip() == SUMMARY_MARK.encode():
                self.count += 1


def round_clock(start: datetime, number: int) -> datetime:
    """The clock of round `number`: a day per round."""
    return start + timedelta(days=1) * number
