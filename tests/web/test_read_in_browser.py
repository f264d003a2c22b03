"""The "read in browser" link: signed, posted with digests only when a public URL is set."""

from __future__ import annotations

import pytest

from bot.adapters.render.console import render_console
from bot.adapters.render.markdown import render_markdown
from bot.adapters.render.slack_blocks import render_slack_messages
from bot.adapters.render.telegram_html import render_telegram_html
from bot.bootstrap import digest_links
from bot.config import load_settings
from bot.domain.public_links import DigestLinks
from bot.domain.repositories import UnitOfWorkFactory
from bot.errors import ConfigError
from storage.uow import make_uow_factory
from tests.storage.builders import a_digest
from tests.web.conftest import WEB_TOKEN

BASE = "https://digest.example.org"


def test_a_public_id_opens_its_digest_only() -> None:
    links = DigestLinks.from_token(WEB_TOKEN, BASE)
    public = links.public_id(42)
    assert links.digest_of(public) == 42
    assert links.url(42) == f"{BASE}/d/{public}"
    assert links.digest_of(f"43-{public.split('-')[1]}") is None
    assert links.digest_of("42") is None and links.digest_of("x-y") is None
    assert DigestLinks.from_token("another-token-of-16-chars").digest_of(public) is None


async def test_a_posted_digest_ends_with_its_link_when_a_public_url_is_set(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        stored = await uow.digests.add(a_digest(1, lang="hi"))
        await uow.commit()
    assert stored.id is not None
    links = DigestLinks.from_token(WEB_TOKEN, BASE)
    linked_factory = make_uow_factory(uow_factory.engine, digest_links=links)  # type: ignore[attr-defined]
    async with linked_factory() as uow:
        linked = await uow.digests.get(stored.id)
    async with uow_factory() as uow:
        plain = await uow.digests.get(stored.id)
    assert linked is not None and plain is not None
    url = links.url(stored.id)
    assert url is not None and linked.web_url == url and plain.web_url is None
    assert f'<a href="{url}">ब्राउज़र में पढ़ें</a>' in render_telegram_html(linked)[-1]
    assert f"[ब्राउज़र में पढ़ें]({url})" in render_markdown(linked)
    assert f"<{url}>" in render_console(linked)
    assert url in str(render_slack_messages(linked)[-1].blocks)
    for rendered in (
        render_telegram_html(plain)[-1],
        render_markdown(plain),
        render_console(plain),
    ):
        assert "/d/" not in rendered


def test_links_are_made_only_with_a_public_url() -> None:
    assert digest_links(load_settings(web_token=WEB_TOKEN)) is None
    assert digest_links(load_settings(web_token=WEB_TOKEN, public_url=BASE + "/")) == (
        DigestLinks.from_token(WEB_TOKEN, BASE)
    )


@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        ({"web_token": "short"}, "DIGESTBOT_WEB_TOKEN: use at least 16 characters"),
        ({"web_token": WEB_TOKEN, "public_url": "digest.example.org"}, "write it as https://"),
        ({"public_url": BASE}, "DIGESTBOT_WEB_TOKEN: required with DIGESTBOT_PUBLIC_URL"),
    ],
)
def test_bad_console_settings_are_refused_with_a_reason(
    settings: dict[str, str], reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DIGESTBOT_WEB_TOKEN", raising=False)
    with pytest.raises(ConfigError, match=reason.replace("(", r"\(")):
        load_settings(**settings)
