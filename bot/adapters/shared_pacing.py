"""Pacing shared by every worker of a bot token, through PostgreSQL.

A platform counts sends per token, however many `digestbot run` processes send with it, so
with several workers the sliding windows of `Pacer` move into a table: a limit of N sends
per window is N rows (`pacing_slots`) under one key, each stamped with the time its last
send was answered. A send takes, in one statement, a slot of every limit that applies
(the chat's, the group's, the bot's overall) whose stamp is a window old, and marks each
as in flight for `hold` seconds; when the answer arrives the slots are stamped with the
database's clock. Consecutive sends on one slot are therefore a full window apart as the
platform sees them, whatever the latency and whichever worker sent them, as in `Pacer`.
A worker that dies mid-send blocks its slots only until the hold runs out.

Rows of chats no longer sent to are pruned now and then (every `PRUNE_EVERY` seconds per
process, after a send): a key whose every slot is older than the policy's longest window
constrains nothing, and without pruning the table would keep a row per chat ever sent to.

Each process keeps its own `Pacer` in front (this class extends it), so it never asks the
database for more than its own share, and one waiter per process at a time polls for the
overall limit, which keeps the statements per send at about two. If the database cannot
be reached, sends fall back to the process's own pacing and the failure is logged: a 429
then is handled by the adapters' retries, which beats not sending at all.

Usage:
    pacer = database_pacer("telegram", token, TELEGRAM_PACING, "postgresql+psycopg://...")
    adapter = TelegramAdapter(token, pacer=pacer)
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from bot.adapters.pacing import (
    SLACK_PACING,
    TELEGRAM_PACING,
    Pacer,
    PacingPolicy,
    Rate,
    is_telegram_group,
)

log = logging.getLogger(__name__)

#: How long a send in flight keeps its slots from others if its worker never answers. A
#: send is answered within a second or two; a worker killed mid-fan-out holds up to the whole
#: overall limit (30 slots on Telegram), so a long hold would stall every other worker's
#: takeover of its chats. A send slower than this may share its slot (a 429 then says wait).
SEND_HOLD = 5.0
#: Bounds of a wait between two tries for a slot (an estimate can be off while sends fly).
MIN_POLL, MAX_POLL = 0.005, 0.25
#: A pacing statement slower than this counts as the database being unavailable.
STATEMENT_TIMEOUT = 5.0
#: Seconds between two prunes of stale slot rows by one process.
PRUNE_EVERY = 600.0

Limit = tuple[str, Rate]
Taken = list[tuple[str, int]]


class DatabasePacer(Pacer):
    """A `Pacer` whose windows are shared through PostgreSQL by every worker of a token."""

    def __init__(
        self,
        policy: PacingPolicy,
        database_url: str,
        *,
        namespace: str,
        is_group: Callable[[str], bool] = is_telegram_group,
        margin: float = 0.005,
        hold: float = SEND_HOLD,
        prune_every: float = PRUNE_EVERY,
    ) -> None:
        super().__init__(policy, is_group=is_group, margin=margin)
        self.namespace = namespace
        self.hold = hold
        self.prune_every = prune_every
        #: A slot older than every window of the policy is free under all of them.
        self.stale_after = max(r.per_seconds for r in _rates(policy)) + margin
        self._next_prune = 0.0  # the first send of a process prunes what earlier ones left
        self.store = SlotStore(database_url)
        self._gate = asyncio.Lock()
        #: Sends that went out paced by this process alone, the database being unavailable.
        self.unshared_sends = 0

    @asynccontextmanager
    async def slot(self, chat: str) -> AsyncIterator[None]:
        """Wait for room here and across workers, then send inside the block."""
        async with super().slot(chat):
            taken = await self._take(chat)
            try:
                yield
            finally:
                if taken:
                    await asyncio.shield(self._release(taken))

    async def aclose(self) -> None:
        """Close the pacing connection."""
        await self.store.aclose()

    def limits(self, chat: str) -> list[Limit]:
        """The keyed limits a send to `chat` must fit: the chat's, its group's, the bot's."""
        policy, prefix = self.policy, self.namespace
        limits = [(f"{prefix}:chat:{chat}", policy.per_chat)]
        if policy.per_group and self._is_group(chat):
            limits.append((f"{prefix}:group:{chat}", policy.per_group))
        if policy.overall:
            limits.append((f"{prefix}:all", policy.overall))
        return limits

    async def _take(self, chat: str) -> Taken | None:
        limits = self.limits(chat)
        shared = {f"{self.namespace}:all"}
        started = time.monotonic()
        try:
            while True:
                async with self._gate:
                    while True:
                        await self.store.ensure(limits)
                        taken, waits = await self.store.try_take(limits, self._margin, self.hold)
                        if taken is not None:
                            return taken
                        overall = max((waits.get(key, 0.0) for key in shared), default=0.0)
                        if overall <= 0:
                            break  # only this chat's own limits are full: wait outside the gate
                        await asyncio.sleep(_bounded(overall))
                await asyncio.sleep(_bounded(max(waits.values(), default=0.0)))
        except (psycopg.Error, OSError, TimeoutError) as exc:
            self.unshared_sends += 1
            log.warning(
                "shared pacing is unavailable (%s); this send is paced by this process alone",
                " ".join(str(exc).split()) or type(exc).__name__,
            )
            return None
        finally:
            self.waited_seconds += time.monotonic() - started

    async def _release(self, taken: Taken) -> None:
        try:
            await self.store.release(taken)
        except (psycopg.Error, OSError, TimeoutError) as exc:
            log.warning("could not stamp shared pacing slots (%s); they free after the hold", exc)
            return
        if time.monotonic() >= self._next_prune:
            self._next_prune = time.monotonic() + self.prune_every
            await self._prune()

    async def _prune(self) -> None:
        try:
            removed = await self.store.prune(self.namespace, self.stale_after)
        except (psycopg.Error, OSError, TimeoutError) as exc:
            log.warning("could not prune stale shared pacing slots (%s); next time", exc)
            return
        if removed:
            log.debug("pruned %d stale pacing slots of %s", removed, self.namespace)


class SlotStore:
    """The `pacing_slots` table, over one autocommit connection (reopened when it breaks)."""

    def __init__(self, database_url: str) -> None:
        self._conninfo = (
            make_url(database_url)
            .set(drivername="postgresql")
            .render_as_string(hide_password=False)
        )
        self._conn: psycopg.AsyncConnection[tuple[Any, ...]] | None = None
        self._lock = asyncio.Lock()
        self._known: set[str] = set()

    async def ensure(self, limits: Sequence[Limit]) -> None:
        """Create the slot rows of limits not seen before (once per key and process).

        A chat's own one-slot limit needs no rows beforehand: taking it inserts its row.
        """
        _, shared = _split(limits)
        new = [(key, rate.count) for key, rate in shared if key not in self._known]
        if not new:
            return
        await self._run(
            "INSERT INTO pacing_slots (key, slot, stamp) "
            "SELECT k.key, s, 'epoch'::timestamptz "
            "FROM unnest(%s::text[], %s::int[]) AS k(key, n), generate_series(0, k.n - 1) AS s "
            "ON CONFLICT DO NOTHING",
            ([key for key, _ in new], [count for _, count in new]),
        )
        self._known.update(key for key, _ in new)

    async def try_take(
        self, limits: Sequence[Limit], margin: float, hold: float
    ) -> tuple[Taken | None, dict[str, float]]:
        """Take a free slot of every limit at once, or none: (slots, {}) or (None, waits).

        `waits` gives per key the seconds until its earliest slot frees (≤ 0: free now); a
        key whose rows are gone, or some of them (pruned while a send held one), is left out
        and made whole again by the next `ensure`.
        """
        sql, params = _take_statement(limits, margin, hold)
        rows = await self._run(sql, params)
        if len(rows) == len(limits):
            return [(str(key), int(slot)) for key, slot in rows], {}
        values = ", ".join(
            f"(%(k{n})s, %(n{n})s::int, %(w{n})s::float8)" for n in range(len(limits))
        )
        waits = await self._run(
            "SELECT v.key, EXTRACT(EPOCH FROM min(s.stamp) + make_interval(secs => v.w) "
            "- clock_timestamp())::float8 "
            f"FROM (VALUES {values}) AS v(key, n, w) "
            "JOIN pacing_slots AS s ON s.key = v.key AND s.slot < v.n "
            "GROUP BY v.key, v.n, v.w HAVING count(*) = v.n",
            params,
        )
        found = {str(key): float(seconds) for key, seconds in waits}
        _, shared = _split(limits)
        self._known.difference_update(key for key, _ in shared if key not in found)
        return None, found

    async def release(self, taken: Taken) -> None:
        """Stamp the slots of an answered send with the database's clock."""
        await self._run(
            "UPDATE pacing_slots AS t SET stamp = clock_timestamp() "
            "FROM unnest(%s::text[], %s::int[]) AS r(key, slot) "
            "WHERE t.key = r.key AND t.slot = r.slot",
            ([key for key, _ in taken], [slot for _, slot in taken]),
        )

    async def prune(self, namespace: str, older_than: float) -> int:
        """Delete the keys of `namespace` whose every slot is `older_than` seconds old.

        Such a key constrains no send, and the next send under it makes its rows again.
        Rows a send holds are skipped rather than waited for, so a prune never blocks a
        send; a key it leaves short is refilled when a take finds it so (`try_take`).
        Returns how many rows went.
        """
        rows = await self._run(
            "DELETE FROM pacing_slots AS t USING ("
            "SELECT key, slot FROM pacing_slots WHERE starts_with(key, %(prefix)s) "
            "AND stamp < clock_timestamp() - make_interval(secs => %(age)s::float8) "
            "AND key IN (SELECT key FROM pacing_slots WHERE starts_with(key, %(prefix)s) "
            "GROUP BY key HAVING max(stamp) < "
            "clock_timestamp() - make_interval(secs => %(age)s::float8)) "
            "FOR UPDATE SKIP LOCKED) AS old "
            "WHERE t.key = old.key AND t.slot = old.slot RETURNING t.key",
            {"prefix": f"{namespace}:", "age": older_than},
        )
        self._known.clear()  # rows of keys this process made may be gone: `ensure` again
        return len(rows)

    async def aclose(self) -> None:
        """Close the connection (a later statement opens a new one)."""
        async with self._lock:
            await self._drop()

    async def _run(self, sql: str, params: Any) -> list[tuple[Any, ...]]:
        async with self._lock:
            try:
                async with asyncio.timeout(STATEMENT_TIMEOUT):
                    if self._conn is None or self._conn.closed:
                        self._conn = await psycopg.AsyncConnection.connect(
                            self._conninfo,
                            autocommit=True,
                            connect_timeout=3,
                            application_name="digestbot-pacing",
                        )
                    cursor = await self._conn.execute(sql, params)  # type: ignore[arg-type]
                    return await cursor.fetchall() if cursor.description else []
            except BaseException:
                await self._drop()  # a statement cut short leaves the session unusable
                raise

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close()


_PACERS: dict[tuple[str, str, str], DatabasePacer] = {}


def database_pacer(
    platform: str,
    token: str,
    policy: PacingPolicy,
    database_url: str,
    *,
    is_group: Callable[[str], bool] = is_telegram_group,
) -> DatabasePacer:
    """The one shared pacer for this token and database in this process, made on first use.

    Slots are keyed by the platform and a digest of the token, never the token itself.
    """
    digest = hashlib.sha256(token.encode()).hexdigest()[:16]
    key = (platform, digest, database_url)
    if key not in _PACERS:
        _PACERS[key] = DatabasePacer(
            policy, database_url, namespace=f"{platform}:{digest}", is_group=is_group
        )
    return _PACERS[key]


def pacer_for_database(platform: str, token: str, database_url: str) -> Pacer | None:
    """The pacer a Telegram or Slack adapter should use with this database.

    On PostgreSQL, where several workers may send with one token, the shared one; on SQLite
    (one process) None, so the adapter keeps its process-wide in-memory pacer.
    """
    if make_url(database_url).get_backend_name() != "postgresql":
        return None
    if platform == "slack":
        return database_pacer(platform, token, SLACK_PACING, database_url, is_group=_never)
    return database_pacer(platform, token, TELEGRAM_PACING, database_url)


async def close_database_pacers() -> None:
    """Close every shared pacer's connection (at the end of the service)."""
    for pacer in _PACERS.values():
        await pacer.aclose()


def _split(limits: Sequence[Limit]) -> tuple[Limit | None, list[Limit]]:
    """(the first one-slot limit, the others): the first is taken by an upsert of its row."""
    single = next((limit for limit in limits if limit[1].count == 1), None)
    return single, [limit for limit in limits if limit is not single]


def _take_statement(
    limits: Sequence[Limit], margin: float, hold: float
) -> tuple[str, dict[str, Any]]:
    """One statement taking a free slot of every limit, or nothing at all.

    Each multi-slot limit picks its oldest free slot (locked, skipping slots another taker
    holds). Only when all were found is the one-slot limit (the chat's) taken, by an upsert
    that inserts its row the first time and otherwise moves it only if its window has
    passed; only when that succeeded are the picked slots moved too.
    """
    single, shared = _split(limits)
    params: dict[str, Any] = {"hold": hold}
    for n, (key, rate) in enumerate(limits):
        params |= {f"k{n}": key, f"n{n}": rate.count, f"w{n}": rate.per_seconds + margin}
    index = {key: n for n, (key, _) in enumerate(limits)}
    held = "clock_timestamp() + make_interval(secs => %(hold)s::float8)"
    ctes = [
        f"p{index[key]} AS (SELECT key, slot FROM pacing_slots WHERE key = %(k{index[key]})s "
        f"AND slot < %(n{index[key]})s::int AND stamp <= clock_timestamp() - "
        f"make_interval(secs => %(w{index[key]})s::float8) "
        "ORDER BY stamp LIMIT 1 FOR UPDATE SKIP LOCKED)"
        for key, _ in shared
    ]
    picked = " UNION ALL ".join(f"SELECT key, slot FROM p{index[key]}" for key, _ in shared)
    ctes.append(f"picked AS ({picked or _NOTHING})")
    if single is not None:
        n = index[single[0]]
        ctes.append(
            f"own AS (INSERT INTO pacing_slots (key, slot, stamp) SELECT %(k{n})s, 0, {held} "
            f"WHERE (SELECT count(*) FROM picked) = {len(shared)} "
            "ON CONFLICT (key, slot) DO UPDATE SET stamp = EXCLUDED.stamp "
            "WHERE pacing_slots.stamp <= clock_timestamp() - "
            f"make_interval(secs => %(w{n})s::float8) RETURNING key, slot)"
        )
    else:
        ctes.append(f"own AS ({_NOTHING})")
    ctes.append(
        f"moved AS (UPDATE pacing_slots AS t SET stamp = {held} FROM picked "
        "WHERE t.key = picked.key AND t.slot = picked.slot "
        f"AND (SELECT count(*) FROM picked) = {len(shared)} "
        f"AND (SELECT count(*) FROM own) = {int(single is not None)} "
        "RETURNING t.key, t.slot)"
    )
    sql = f"WITH {', '.join(ctes)} SELECT key, slot FROM own UNION ALL SELECT key, slot FROM moved"
    return sql, params


_NOTHING = "SELECT NULL::text AS key, NULL::int AS slot WHERE false"


def _rates(policy: PacingPolicy) -> list[Rate]:
    return [r for r in (policy.per_chat, policy.per_group, policy.overall) if r is not None]


def _never(_: str) -> bool:
    return False


def _bounded(seconds: float) -> float:
    return min(max(seconds, MIN_POLL), MAX_POLL)
