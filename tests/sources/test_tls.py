"""HTTPS through the pinned transport: the address is pinned, the name still verified."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sources.errors import TlsError
from bot.sources.http import SafeHttpClient
from tests.fakes.web_server import FakeWebServer

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@pytest.fixture
def certificate(tmp_path: Path) -> Path:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=feed.example",
            "-addext",
            "subjectAltName=DNS:feed.example",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return tmp_path


@pytest.fixture
async def tls_server(certificate: Path) -> AsyncIterator[FakeWebServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate / "cert.pem", certificate / "key.pem")
    server = FakeWebServer()
    await server.start(ssl_context=context)
    server.serve("/feed.xml", "<rss/>", content_type="application/rss+xml")
    yield server
    await server.stop()


async def resolve_to_loopback(host: str, port: int) -> list[str]:
    return ["127.0.0.1"]


async def test_https_to_a_pinned_address_verifies_the_host_name(tls_server, certificate):
    trusted = ssl.create_default_context(cafile=str(certificate / "cert.pem"))
    async with SafeHttpClient(
        allow_private=True, resolver=resolve_to_loopback, ssl_context=trusted
    ) as client:
        response = await client.get(tls_server.url("/feed.xml", host="feed.example"))

    assert response.body == b"<rss/>"


async def test_certificate_for_another_name_is_a_tls_error(tls_server, certificate):
    trusted = ssl.create_default_context(cafile=str(certificate / "cert.pem"))
    async with SafeHttpClient(
        allow_private=True, resolver=resolve_to_loopback, ssl_context=trusted
    ) as client:
        with pytest.raises(TlsError, match=r"TLS with other.example failed"):
            await client.get(tls_server.url("/feed.xml", host="other.example"))


async def test_untrusted_certificate_is_a_tls_error(tls_server):
    async with SafeHttpClient(allow_private=True, resolver=resolve_to_loopback) as client:
        with pytest.raises(TlsError, match=r"certificate is invalid or expired"):
            await client.get(tls_server.url("/feed.xml", host="feed.example"))
