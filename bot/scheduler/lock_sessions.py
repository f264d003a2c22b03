"""The PostgreSQL sessions that hold advisory locks: the leader's and each worker's presence.

A session-level advisory lock lives exactly as long as its connection, so these connections
are made to notice a vanished peer within seconds (TCP keepalives), and are closed without
waiting long on a server that stopped answering.
"""

from __future__ import annotations

import asyncio
import contextlib

import psycopg

#: A lock session's connection.
LockConnection = psycopg.AsyncConnection[tuple[object, ...]]


async def connect_lock_session(
    conninfo: str, *, connect_timeout: float, name: str
) -> LockConnection:
    """An autocommit connection named `name` in pg_stat_activity, for holding one lock."""
    return await psycopg.AsyncConnection.connect(
        conninfo,
        autocommit=True,
        connect_timeout=max(1, round(connect_timeout)),
        application_name=name,
        # Let the server notice a vanished client within seconds, not hours.
        keepalives=1,
        keepalives_idle=5,
        keepalives_interval=2,
        keepalives_count=2,
    )


async def close_quietly(conn: LockConnection | None) -> None:
    """End the session (freeing its locks), giving a dead server two seconds at most."""
    if conn is None:
        return
    with contextlib.suppress(Exception):
        async with asyncio.timeout(2.0):
            await conn.close()
