"""Each console page as a browser or a script meets it: signed in, refused, in Hindi."""

from __future__ import annotations

import time

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import build_app, build_console
from bot.config import Settings
from bot.domain.public_links import DigestLinks
from bot.scheduler.health import health_app
from tests.web.conftest import LOGIN_DELAY, WEB_TOKEN, Console, console_settings, serving
from tests.web.newsroom import HINDI_TITLE

PAGES = ["/", "/digests", "/digests/{english}", "/sources", "/costs"]


def _path(template: str, console: Console) -> str:
    return template.format(english=console.news.english)


@pytest.mark.parametrize("template", PAGES)
async def test_every_page_answers_a_signed_in_user_and_refuses_without_the_token(
    console: Console, template: str
) -> None:
    path = _path(template, console)
    refused = await console.client.get(path)
    body = await refused.text()
    assert refused.status == 401
    assert 'name="token"' in body and "Monsoon" not in body and "Good News" not in body
    await console.sign_in()
    allowed = await console.client.get(path)
    assert allowed.status == 200, await allowed.text()
    assert allowed.headers["Content-Security-Policy"].startswith("default-src 'none'")


async def test_the_signed_in_pages_show_the_newsroom(console: Console) -> None:
    await console.sign_in()
    overview = await (await console.client.get("/")).text()
    assert "good.example" in overview and "1 reports" in overview
    assert "HTTP 503 &lt;from upstream&gt;" in overview
    assert "Team &lt;news&gt; (both)" in overview and "IST" in overview  # the next slot
    sources = await (await console.client.get("/sources")).text()
    assert "Good News" in sources and "<svg" in sources and "3</td>" in sources
    costs = await (await console.client.get("/costs")).text()
    assert "gpt-4o-mini" in costs and "llama-local" in costs and 'class="ceiling"' in costs
    assert "21,000" in costs and "50,000" in costs  # today's tokens of the daily ceiling
    digest = await (await console.client.get(f"/digests/{console.news.english}")).text()
    assert "👍 2 · 👎 1" in digest and "Team &lt;news&gt;" in digest and "sent" in digest


async def test_a_hostile_title_renders_as_text(console: Console) -> None:
    await console.sign_in()
    for path in ("/", "/digests", f"/digests/{console.news.english}"):
        page = await (await console.client.get(path)).text()
        assert "<script>" not in page and "<img src=x" not in page and "<b>arrives" not in page
        assert "&lt;script&gt;alert(" in page
    digest = await (await console.client.get(f"/digests/{console.news.english}")).text()
    assert 'href="javascript:' not in digest and "evil link" in digest


async def test_the_hindi_page_is_in_hindi(console: Console) -> None:
    await console.sign_in()
    asked = await (await console.client.get("/digests?lang=hi")).text()
    assert '<html lang="hi">' in asked and "संग्रह" in asked and "खोजें" in asked
    assert "Archive" not in asked and HINDI_TITLE in asked
    browser = await console.client.get("/costs", headers={"Accept-Language": "hi-IN,hi;q=0.9"})
    assert "ख़र्च" in await browser.text()
    english = await console.client.get("/costs", headers={"Accept-Language": "en-GB,hi;q=0.5"})
    assert "Costs" in await english.text()


async def test_a_wrong_token_gets_401_after_a_delay(console: Console) -> None:
    started = time.monotonic()
    response = await console.client.post("/login", data={"token": "guess-guess-guess-1"})
    assert response.status == 401 and "not right" in await response.text()
    assert time.monotonic() - started >= LOGIN_DELAY * 0.9
    started = time.monotonic()
    bearer = await console.client.get("/", headers={"Authorization": "Bearer guess-guess-guess"})
    assert bearer.status == 401 and time.monotonic() - started >= LOGIN_DELAY * 0.9
    assert "digestbot_session" not in bearer.cookies


async def test_a_script_may_send_the_token_as_a_bearer(console: Console) -> None:
    headers = {"Authorization": f"Bearer {WEB_TOKEN}"}
    assert (await console.client.get("/costs", headers=headers)).status == 200
    paused = await console.client.post(
        f"/sources/{console.news.healthy}/pause", headers=headers, allow_redirects=False
    )
    assert paused.status == 303


async def test_the_session_cookie_is_httponly_strict_and_secure_behind_https(
    migrated_url: str, tmp_path: object
) -> None:
    settings = console_settings(
        migrated_url, output_dir=str(tmp_path), public_url="https://digest.example.org"
    )
    async with serving(settings) as console:
        response = await console.client.post(
            "/login", data={"token": WEB_TOKEN}, allow_redirects=False
        )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" in cookie
    assert WEB_TOKEN not in cookie


async def test_a_state_change_without_the_csrf_token_is_refused(console: Console) -> None:
    await console.sign_in()
    source = console.news.healthy
    refused = await console.client.post(f"/sources/{source}/pause", data={"csrf": "forged"})
    assert refused.status == 403 and "expired" in await refused.text()
    assert "active" in await (await console.client.get("/sources")).text()
    csrf = await console.csrf()
    done = await console.client.post(
        f"/sources/{source}/pause", data={"csrf": csrf}, allow_redirects=False
    )
    assert done.status == 303
    page = await (await console.client.get("/sources")).text()
    assert 'class="paused"' in page


async def test_pause_resume_and_priority_are_audited(console: Console) -> None:
    await console.sign_in()
    csrf = await console.csrf()
    source = console.news.failing
    for action, data in (("pause", {}), ("resume", {}), ("priority", {"priority": "2"})):
        response = await console.client.post(
            f"/sources/{source}/{action}", data={"csrf": csrf, **data}, allow_redirects=False
        )
        assert response.status == 303, await response.text()
    page = await (await console.client.get("/sources")).text()
    assert (
        'value="2"' in page
        and "Saved." in await (await console.client.get("/sources?done=changed")).text()
    )
    bad = await console.client.post(
        f"/sources/{source}/priority", data={"csrf": csrf, "priority": "9"}
    )
    assert bad.status == 400 and "from -4 to 4, e.g. 2" in await bad.text()


async def test_the_archive_searches_like_ask(console: Console) -> None:
    await console.sign_in()
    found = await (await console.client.get("/digests?q=monsoon+Kerala")).text()
    assert f"/digests/{console.news.english}?" in found
    assert f"/digests/{console.news.hindi}?" not in found
    none = await (await console.client.get("/digests?q=earthquake")).text()
    assert "No digests match." in none
    hindi_only = await (await console.client.get("/digests?language=hi")).text()
    assert HINDI_TITLE in hindi_only and "Morning digest" not in hindi_only
    by_channel = await (await console.client.get(f"/digests?channel={console.news.channel}")).text()
    assert "Morning digest" in by_channel and HINDI_TITLE not in by_channel


async def test_a_shared_digest_shows_that_digest_only_without_sign_in(console: Console) -> None:
    links = DigestLinks.from_token(WEB_TOKEN)
    shared = await console.client.get(f"/d/{links.public_id(console.news.hindi)}")
    page = await shared.text()
    assert shared.status == 200 and HINDI_TITLE in page and "मानसून जल्दी आया" in page
    assert "/sources" not in page and "Team" not in page
    genuine = links.public_id(console.news.english)
    forged = genuine[:-1] + ("1" if genuine.endswith("0") else "0")
    assert (await console.client.get(f"/d/{forged}")).status == 404
    other = f"/d/{console.news.english}-{links.public_id(console.news.hindi).split('-')[1]}"
    assert (await console.client.get(other)).status == 404


async def test_without_the_token_nothing_of_the_console_is_served(
    migrated_url: str, tmp_path: object
) -> None:
    app = build_app(Settings(database_url=migrated_url, output_dir=str(tmp_path)))  # type: ignore[arg-type]
    try:
        extension = build_console(app)
        assert extension is None
        async with TestClient(TestServer(health_app(app.engine, extend=extension))) as client:
            for path in ("/", "/digests", "/login", "/costs"):
                assert (await client.get(path)).status == 404
            assert (await client.get("/healthz")).status == 200
    finally:
        await app.aclose()


@pytest.mark.parametrize(
    ("given", "redirect"),
    [
        ("/costs?lang=hi", "/costs?lang=hi"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
    ],
)
async def test_signing_in_returns_to_a_page_of_the_console_only(
    console: Console, given: str, redirect: str
) -> None:
    response = await console.client.post(
        "/login", data={"token": WEB_TOKEN, "next": given}, allow_redirects=False
    )
    assert response.status == 303 and response.headers["Location"] == redirect
