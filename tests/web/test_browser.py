"""The console in a real browser: headless Chromium loads the pages with the session cookie
from the login form, and the test reads the rendered DOM and saves screenshots.

Set DIGESTBOT_UPDATE_SCREENSHOTS=1 to refresh the README's screenshot in docs/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.web.chromium import chromium_page, chromium_path
from tests.web.newsroom import HOSTILE
from tests.web.running import RunningConsole

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="module")
def chromium() -> str:
    found = chromium_path()
    if found is None:
        if os.environ.get("DIGESTBOT_REQUIRE_BROWSER") == "1" or os.environ.get("CI") == "true":
            pytest.fail(
                "chromium is not installed; DIGESTBOT_REQUIRE_BROWSER=1 (set by .ci/run) "
                "requires it (`apt-get install -y chromium`)"
            )
        pytest.skip("chromium is not installed (`apt-get install -y chromium` to run this test)")
    return found


async def test_chromium_renders_the_overview_a_digest_and_the_costs(
    chromium: str, service: RunningConsole, tmp_path: Path
) -> None:
    cookie = {
        "name": "digestbot_session",
        "value": service.session_cookie(),
        "url": service.base,
        "httpOnly": True,
        "sameSite": "Strict",
    }
    async with chromium_page(chromium, cookie) as page:
        await page.open(f"{service.base}/")
        overview = await page.dom()
        assert "<h1>Today</h1>" in overview and "good.example" in overview
        assert (
            await page.evaluate(
                "getComputedStyle(document.querySelector('header')).backgroundColor"
            )
            == "rgb(246, 248, 250)"
        )
        await page.screenshot(tmp_path / "console-overview.png", width=1000, height=700)

        await page.open(f"{service.base}/digests/{service.news.english}")
        digest = await page.dom()
        assert await page.evaluate("document.querySelectorAll('script, img').length") == 0
        assert await page.evaluate("document.querySelector('.item h2').textContent") == HOSTILE
        assert "👍 2 · 👎 1" in digest and 'href="javascript:' not in digest
        await page.screenshot(tmp_path / "console-digest.png", width=900, height=700)
        await page.viewport(390, 800, mobile=True)  # a phone: nothing runs off the screen
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390

        await page.open(f"{service.base}/costs?lang=hi")
        costs = await page.dom()
        assert '<html lang="hi">' in costs and "ख़र्च" in costs
        assert await page.evaluate("document.querySelectorAll('svg.chart rect').length") == 2
        assert await page.evaluate("document.querySelectorAll('line.ceiling').length") == 1
        await page.screenshot(tmp_path / "console-costs.png", width=900, height=700)

    for name in ("console-overview.png", "console-digest.png", "console-costs.png"):
        shot = tmp_path / name
        assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 5_000
        if os.environ.get("DIGESTBOT_UPDATE_SCREENSHOTS") == "1":
            DOCS.mkdir(exist_ok=True)
            shutil.copyfile(shot, DOCS / name)
