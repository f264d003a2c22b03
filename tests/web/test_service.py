"""The console as `digestbot run` serves it: a real process, real HTTP, one port for all."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from tests.service_process import get
from tests.web.conftest import WEB_TOKEN
from tests.web.running import RunningConsole


def test_the_service_serves_every_page_to_a_signed_in_user_only(service: RunningConsole) -> None:
    pages = ["/", "/digests", f"/digests/{service.news.english}", "/sources", "/costs"]
    for path in pages:
        status, body = get(service.base + path)
        assert status == 401 and 'name="token"' in body, path
    cookie = service.session_cookie()
    for path in pages:
        status, body = get(service.base + path, Cookie=f"digestbot_session={cookie}")
        assert status == 200 and "digestbot console" in body, path
    status, _ = get(service.base + "/costs", Authorization=f"Bearer {WEB_TOKEN}")
    assert status == 200
    assert get(service.base + "/healthz")[0] == 200
    assert WEB_TOKEN not in service.log.read_text()


def test_the_service_refuses_a_post_without_its_csrf_token(service: RunningConsole) -> None:
    cookie = service.session_cookie()
    request = urllib.request.Request(
        f"{service.base}/sources/{service.news.healthy}/pause",
        data=b"csrf=",
        method="POST",
        headers={"Cookie": f"digestbot_session={cookie}"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 403


def test_the_service_shows_a_shared_digest_by_its_link(service: RunningConsole) -> None:
    status, page = get(
        f"{service.base}/digests/{service.news.english}?lang=hi",
        Cookie=f"digestbot_session={service.session_cookie()}",
    )
    assert status == 200 and "ब्राउज़र में पढ़ें" in page
    link = page.split('href="http://127.0.0.1/d/', 1)[1].split('"', 1)[0]
    status, shared = get(f"{service.base}/d/{link}")
    assert status == 200 and "Morning digest" in shared and "/sources" not in shared
