"""The cause of a failed request, read from the exception chain requests raises.

DNS failures are built here from urllib3's own exception types rather than provoked: a
name that does not resolve would send a query to the machine's DNS server, and the tests
talk to loopback only. Refused connections, certificates and proxies are provoked for real
in tests/network.
"""

from __future__ import annotations

import socket

import requests
import urllib3.exceptions as u3

from fluxdesk.core import errors as E
from fluxdesk.core.network.classify import classify


def _never(error: BaseException) -> E.FluxDeskError:
    raise AssertionError("not a certificate problem")


def wrapped(reason: BaseException) -> requests.exceptions.ConnectionError:
    return requests.exceptions.ConnectionError(u3.MaxRetryError(None, "/v1", reason))  # type: ignore[arg-type]


def test_dns_failure_is_unreachable_with_its_own_words() -> None:
    gai = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    reason = u3.NameResolutionError("api.example.test", None, gai)  # type: ignore[arg-type]
    error = classify(
        wrapped(reason), host="api.example.test", what="the API", timeout=5, proxy=None, certificate=_never
    )
    assert isinstance(error, E.NetworkError) and error.cause is E.NetCause.DNS
    assert error.exit_code == 7 and "host name not found (DNS)" in str(error) and "VPN" in str(error)


def test_proxy_host_not_found_is_a_proxy_error() -> None:
    gai = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    inner = u3.NameResolutionError("proxy.corp.test", None, gai)  # type: ignore[arg-type]
    reason = u3.ProxyError("Unable to connect to proxy", inner)
    error = classify(
        wrapped(reason),
        host="api.example.test",
        what="the API",
        timeout=5,
        proxy="proxy.corp.test:3128",
        certificate=_never,
    )
    assert isinstance(error, E.ProxyError) and error.problem is E.ProxyProblem.NOT_FOUND
    assert error.exit_code == 14 and "proxy.corp.test:3128" in str(error)


def test_every_kind_has_an_exit_code_of_its_own() -> None:
    codes = list(E.EXIT_CODES.values())
    assert len(codes) == len(set(codes)) == len(E.ErrorKind)
    assert E.EXIT_CODES[E.ErrorKind.CERTIFICATE] == 13 and E.EXIT_CODES[E.ErrorKind.PROXY] == 14
