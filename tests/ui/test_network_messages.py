"""Network errors in the window: the title names the cause (a refused certificate is not
"Offline"), and certificates and proxies offer Settings, where they are fixed."""

from __future__ import annotations

from fluxdesk.core.errors import CertificateError, NetCause, NetworkError, ProxyError, ProxyProblem
from fluxdesk.ui.messages import Action, user_message


def test_titles_name_the_cause() -> None:
    titles = {cause: user_message(NetworkError("api.example", cause=cause)).title for cause in NetCause}
    assert titles == {
        NetCause.DNS: "Host not found",
        NetCause.REFUSED: "Connection refused",
        NetCause.DROPPED: "Connection dropped",
        NetCause.SENT: "Connection lost after sending",
        NetCause.UNREACHABLE: "Offline",
    }
    assert all(user_message(NetworkError("h", cause=c)).action is Action.RETRY for c in NetCause)


def test_certificate_and_proxy_problems_offer_settings() -> None:
    certificate = user_message(
        CertificateError("The certificate of h is not trusted …", host="h", issuer="X")
    )
    assert certificate.title == "Certificate not trusted" and certificate.action is Action.OPEN_SETTINGS
    proxy = user_message(ProxyError("proxy:3128", ProxyProblem.AUTH, "HTTP 407"))
    assert proxy.title == "Proxy problem" and proxy.action is Action.OPEN_SETTINGS
    assert "Settings → Network" in proxy.text and "internet" not in proxy.text + certificate.text
