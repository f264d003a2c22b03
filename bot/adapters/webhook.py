"""The webhook adapter: digests POSTed as JSON to a URL, for systems that build their own view.

The body carries the structured digest (so a receiver never has to parse text) and the same
digest rendered as Markdown (so a simple receiver can just show it).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any, ClassVar

import httpx

from bot.adapters.base import OnPart, send_parts
from bot.adapters.render.markdown import render_markdown
from bot.domain.channels import Channel, Platform
from bot.domain.digests import Digest
from bot.domain.messages import Button
from bot.errors import DeliveryError

USER_AGENT = "digestbot-webhook/1"


def digest_payload(digest: Digest) -> dict[str, Any]:
    """The digest as JSON-ready data: every field, times as ISO 8601 strings."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    data: dict[str, Any] = plain(asdict(digest))
    data["is_extract"] = digest.is_extract
    return data


class WebhookAdapter:
    """POSTs to the channel's address; 4xx refusals are permanent, 5xx and timeouts transient.

    Give it an `httpx.AsyncClient` to share connections (and to test against a local server);
    without one it makes its own and closes it in `aclose`.
    """

    platform: ClassVar[Platform] = "webhook"
    max_message_len: ClassVar[int] = 10_000_000
    per_chat_rate: ClassVar[float] = 10.0

    def __init__(self, client: httpx.AsyncClient | None = None, *, timeout: float = 10.0) -> None:
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(
            timeout=timeout, headers={"User-Agent": USER_AGENT}
        )
        self._ids = itertools.count(1)

    async def send_digest(
        self,
        channel: Channel,
        digest: Digest,
        *,
        skip_parts: int = 0,
        on_part: OnPart | None = None,
    ) -> list[str]:
        """POST `{"type": "digest", "digest": {...}, "markdown": "..."}` (one part)."""
        body = {
            "type": "digest",
            "channel": channel.key,
            "digest": digest_payload(digest),
            "markdown": render_markdown(digest),
        }

        async def post(part: dict[str, Any]) -> list[str]:
            return await self._post(channel, part)

        return await send_parts([body], post, skip_parts=skip_parts, on_part=on_part)

    async def send_text(
        self,
        channel: Channel,
        text: str,
        *,
        thread_id: str | None = None,
        buttons: Sequence[Button] = (),
    ) -> list[str]:
        """POST `{"type": "text", "text": "...", "thread_id": ...}`."""
        body: dict[str, Any] = {
            "type": "text",
            "channel": channel.key,
            "text": text,
            "thread_id": thread_id,
        }
        if buttons:
            body["buttons"] = [{"label": b.label, "command": b.command} for b in buttons]
        return await self._post(channel, body)

    async def _post(self, channel: Channel, body: dict[str, Any]) -> list[str]:
        """Returns the receiver's `id` when its JSON reply has one, else a running number."""
        url = channel.address
        try:
            response = await self._client.post(url, json=body)
        except httpx.TimeoutException as exc:
            raise DeliveryError(f"webhook {url} timed out; it will be retried") from exc
        except httpx.HTTPError as exc:
            raise DeliveryError(
                f"webhook {url} unreachable ({type(exc).__name__}); it will be retried"
            ) from exc
        status = response.status_code
        if status in (408, 429) or status >= 500:
            raise DeliveryError(
                f"webhook {url} answered HTTP {status}; it will be retried",
                retry_after=_retry_after(response),
            )
        if 300 <= status < 400:
            raise DeliveryError(
                f"webhook {url} redirects (HTTP {status}); put the final URL in the channel",
                permanent=True,
            )
        if status >= 400:
            raise DeliveryError(
                f"webhook {url} refused the digest with HTTP {status}; "
                "fix the URL or the receiver, then resume the subscription",
                permanent=True,
            )
        return [_message_id(response) or f"webhook-{next(self._ids)}"]

    async def aclose(self) -> None:
        """Close the HTTP client if this adapter made it."""
        if self._owns_client:
            await self._client.aclose()


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers["Retry-After"])
    except (KeyError, ValueError):
        return None


def _message_id(response: httpx.Response) -> str | None:
    try:
        data = response.json()
    except ValueError:
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return str(value) if value is not None else None
