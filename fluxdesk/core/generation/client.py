"""HTTP client for the AI/ML API image endpoint and the CDN that serves the images.

Design choices (each one is a promise to the user):
- The POST is retried only on 429/503 (the server said "not now", nothing was billed),
  honouring ``Retry-After``, at most 3 times and 60 s of waiting in all. Any other 5xx
  comes back as :class:`ServerError` for the user to retry: a blind retry of a
  generation that may have run could bill twice.
- Image downloads (idempotent GETs) are retried with backoff on connection errors and
  5xx.
- The API key is attached to the POST only, as a per-request header. Downloads never
  carry it, and requests strips ``Authorization`` on a redirect to another host.
- Every wait (retry sleeps, each download chunk) checks the job's CancelToken.
- Nothing a server sends is unbounded: the API's JSON answer has a size limit, each
  download a byte limit, and both a whole-response deadline on top of the per-read
  timeouts (``deadline.py``; the numbers are in ``limits.py``). Redirects are capped.
- HTTPS trusts the OS trust store (plus the extra CA file), and the proxy follows the
  Settings (see ``fluxdesk.core.network``); a failure names its cause (certificate, DNS,
  refused, proxy, timeout) instead of "check your internet connection".
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
import urllib3.exceptions

from fluxdesk import __version__
from fluxdesk.core import params as P
from fluxdesk.core.cancel import CancelToken
from fluxdesk.core.errors import (
    AuthenticationError,
    BadImageError,
    BadResponseError,
    CancelledError,
    FluxDeskError,
    ImageGoneError,
    InvalidRequestError,
    LibraryError,
    NetCause,
    NetworkError,
    ProxyError,
    ProxyProblem,
    RateLimitedError,
    ServerError,
    ServerValidationError,
    TimeoutError_,
)
from fluxdesk.core.generation.answers import parse_generation_body, server_message
from fluxdesk.core.generation.deadline import Deadline
from fluxdesk.core.generation.results import ApiResponse, RemoteImage
from fluxdesk.core.generation.retry import BoundedRetry, RetryBudgetExceeded, WaitBudget
from fluxdesk.core.limits import DOWNLOAD_DEADLINE_SECONDS, MAX_API_JSON_BYTES, MAX_DOWNLOAD_BYTES
from fluxdesk.core.network.config import NetworkConfig
from fluxdesk.core.request import GenerationRequest
from fluxdesk.core.settings import BASE_URL_ENV, base_url_problem

log = logging.getLogger(__name__)

USER_AGENT = f"FluxDesk/{__version__}"
READ_SIZE = 256 * 1024
RETRIABLE_POST_STATUSES = frozenset({429, 503})
RETRIABLE_GET_STATUSES = frozenset({429, 500, 502, 503, 504})
# A CDN answers these for a link that expired (signed URLs) or a file it dropped.
IMAGE_GONE_STATUSES = frozenset({403, 404, 410})
# A CDN may redirect once or twice; more is a loop (requests' own default is 30).
MAX_REDIRECTS = 10
_MIB = 1024 * 1024


@dataclass(frozen=True)
class ClientConfig:
    """Where and how to call the API: the key, the timeouts and the retry budget."""

    base_url: str
    api_key: str
    connect_timeout: float = 10.0
    read_timeout: float = 120.0  # the POST waits for inference
    download_timeout: float = 60.0  # per read
    download_deadline: float = DOWNLOAD_DEADLINE_SECONDS  # one whole image
    max_retries: int = 3
    max_retry_wait: float = 60.0
    # Proxy and trust (the proxy password stays out of its repr). Frozen: one shared
    # default instance is safe.
    network: NetworkConfig = NetworkConfig()  # noqa: RUF009

    def __repr__(self) -> str:  # never let the key reach a log or traceback
        return f"ClientConfig(base_url={self.base_url!r}, api_key='***', network={self.network!r})"


ProgressCallback = Callable[[int, int], None]  # (bytes done, bytes total or 0)


class ApiClient:
    def __init__(self, config: ClientConfig) -> None:
        """Raises InvalidRequestError (nothing is sent) for a base URL that is no address."""
        problem = base_url_problem(config.base_url)
        if problem:
            raise InvalidRequestError([f"{problem}; set it in Settings or with {BASE_URL_ENV}"])
        self.config = config
        self._api_host = urlsplit(config.base_url).netloc

    @property
    def generation_url(self) -> str:
        return self.config.base_url.rstrip("/") + P.API_PATH

    # --- sessions ------------------------------------------------------------------
    def _session(
        self, cancel: CancelToken | None, on_wait: Callable[[float], None] | None = None
    ) -> requests.Session:
        """A fresh session per call, so each call's retry budget and cancel token are
        its own (Retry objects are bound to adapters, not to requests)."""
        from fluxdesk.core.network.proxy import configure_session
        from fluxdesk.core.network.trust import TrustAdapter, ssl_context

        context = ssl_context(self.config.network.extra_ca_file)  # truststore: first use here
        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        session.max_redirects = MAX_REDIRECTS
        configure_session(session, self.config.network)
        budget = WaitBudget(self.config.max_retry_wait)
        post_retry = BoundedRetry(
            total=self.config.max_retries,
            connect=1,  # the request never left: safe to retry once
            read=0,  # it may have been received: never resend a generation
            other=0,
            status=self.config.max_retries,
            redirect=0,
            allowed_methods=frozenset({"POST"}),
            status_forcelist=RETRIABLE_POST_STATUSES,
            backoff_factor=0.5,
            respect_retry_after_header=True,
            raise_on_status=False,
            cancel=cancel,
            budget=budget,
            on_wait=on_wait,
        )
        get_retry = BoundedRetry(
            total=self.config.max_retries,
            backoff_factor=0.3,
            allowed_methods=frozenset({"GET"}),
            status_forcelist=RETRIABLE_GET_STATUSES,
            raise_on_status=False,
            cancel=cancel,
            budget=budget,
        )
        session.mount("http://", TrustAdapter(context, max_retries=get_retry, pool_maxsize=4))
        session.mount("https://", TrustAdapter(context, max_retries=get_retry, pool_maxsize=4))
        session.mount(self.generation_url, TrustAdapter(context, max_retries=post_retry))
        return session

    # --- the generation call ----------------------------------------------------------
    def submit(
        self,
        request: GenerationRequest,
        cancel: CancelToken | None = None,
        on_wait: Callable[[float], None] | None = None,
    ) -> ApiResponse:
        """POST the request; return the parsed response. Raises FluxDeskError subclasses."""
        try:
            return self._submit(request, cancel, on_wait)
        except NetworkError as error:
            if error.cause is not NetCause.DROPPED:
                raise
            # Connected, the request went out, no answer: unlike a refused connection, the
            # API may have generated (and billed) it. Say so rather than "try again".
            raise NetworkError(error.host, "the API", NetCause.SENT) from None

    def _submit(
        self,
        request: GenerationRequest,
        cancel: CancelToken | None,
        on_wait: Callable[[float], None] | None,
    ) -> ApiResponse:
        body = request.to_api_json()
        # The whole answer, inference included, within the two timeouts of Settings
        # (plus any wait the server asked for before a retry).
        seconds = self.config.connect_timeout + self.config.read_timeout
        with self._session(cancel, on_wait) as session, self._deadline(seconds, self._api_host, cancel):
            response = self._send(
                lambda: session.post(
                    self.generation_url,
                    json=body,
                    headers={"Authorization": f"Bearer {self.config.api_key}", "Accept": "application/json"},
                    timeout=(self.config.connect_timeout, self.config.read_timeout),
                    stream=True,
                ),
                url=self.generation_url,
                timeout=self.config.read_timeout,
                cancel=cancel,
            )
            with response:
                self._read_answer(response, self.config.read_timeout)
                return self._parse_generation(response, request)

    def check_key(self) -> int:
        """Tell whether the key is accepted, without generating (and being billed).

        The endpoint has no "whoami"; an intentionally invalid body is answered with
        401/403 for a bad key before the body is validated (422) by the API. The body is
        ``{"model": "flux-realism"}``: no prompt, so nothing can be generated. Returns the
        HTTP status of the answer (400/422 mean: key accepted, body refused).
        """
        seconds = self.config.connect_timeout * 4
        with self._session(None) as session, self._deadline(seconds, self._api_host, None):
            response = self._send(
                lambda: session.post(
                    self.generation_url,
                    json={"model": P.MODEL_ID},
                    headers={"Authorization": f"Bearer {self.config.api_key}"},
                    timeout=(self.config.connect_timeout, self.config.connect_timeout * 3),
                    stream=True,
                ),
                url=self.generation_url,
                timeout=self.config.connect_timeout * 3,
                cancel=None,
            )
            with response:
                self._read_answer(response, self.config.connect_timeout * 3)
                self._raise_for_proxy(response)
                if response.status_code in (401, 403):
                    raise AuthenticationError(response.status_code, self._server_message(response))
                if response.status_code >= 500:
                    raise ServerError(response.status_code, self._server_message(response))
                return response.status_code

    def _send(
        self,
        call: Callable[[], requests.Response],
        *,
        url: str,
        timeout: float,
        cancel: CancelToken | None,
        what: str = "the API",
    ) -> requests.Response:
        if cancel is not None:
            cancel.raise_if_cancelled()
        host = urlsplit(url).netloc
        try:
            return call()
        except RetryBudgetExceeded as exc:
            raise RateLimitedError(exc.retry_after) from None
        except requests.exceptions.ConnectTimeout:
            raise TimeoutError_(host, self.config.connect_timeout) from None
        except requests.exceptions.ReadTimeout:
            raise TimeoutError_(host, timeout) from None
        except requests.exceptions.RetryError:
            raise NetworkError(host, what) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            # With read retries off, urllib3 wraps a read timeout in MaxRetryError, which
            # requests reports as a ConnectionError: the cause is in the chain.
            raise self._classify(exc, url, what, timeout) from None
        except requests.exceptions.TooManyRedirects:
            loop = f"{what} at {host} redirects in a loop (more than {MAX_REDIRECTS} times)"
            raise _redirect_error(what, loop) from None
        except (requests.exceptions.InvalidSchema, requests.exceptions.MissingSchema) as exc:
            if "SOCKS" in str(exc):  # a socks:// proxy variable (requests lacks PySocks)
                raise self._unsupported_proxy(url) from None
            # Only a redirect gets here: the URLs FluxDesk itself calls were checked.
            found = re.search(r"'([A-Za-z][A-Za-z0-9+.-]*):", str(exc))
            scheme = found.group(1).lower()[:20] if found else "non-http"
            raise _redirect_error(
                what, f"{what} at {host} redirected to a {scheme}:// address, which FluxDesk never follows"
            ) from None
        except requests.exceptions.InvalidURL:
            raise BadResponseError(f"the address {host!r} is not a valid URL; check the base URL") from None
        except requests.exceptions.RequestException as exc:
            raise NetworkError(host, what) from exc

    def _classify(self, exc: BaseException, url: str, what: str, timeout: float) -> FluxDeskError:
        from fluxdesk.core.network.certinfo import issuer_of
        from fluxdesk.core.network.classify import classify
        from fluxdesk.core.network.probe import peer_certificate
        from fluxdesk.core.network.proxy import proxy_for
        from fluxdesk.core.network.trust import certificate_error

        host = urlsplit(url).netloc
        network = self.config.network
        route = proxy_for(url, network)

        def certificate(error: BaseException) -> FluxDeskError:
            # The refused certificate is gone with its connection: read it again, unverified,
            # only to name who issued it.
            issuer = issuer_of(peer_certificate(url, network, self.config.connect_timeout))
            return certificate_error(host, error, issuer)

        return classify(
            exc,
            host=host,
            what=what,
            timeout=timeout,
            proxy=route.display if route else None,
            certificate=certificate,
        )

    def _unsupported_proxy(self, url: str) -> ProxyError:
        from fluxdesk.core.network.proxy import proxy_for

        route = proxy_for(url, self.config.network)
        where = route.display if route else "(from the environment)"
        return ProxyError(where, ProxyProblem.UNSUPPORTED, route.scheme if route else "socks")

    def _raise_for_proxy(self, response: requests.Response) -> None:
        """A 407 on a plain-http request comes from the proxy, not from the API."""
        if response.status_code == 407:
            from fluxdesk.core.network.proxy import proxy_for

            route = proxy_for(response.url or self.generation_url, self.config.network)
            raise ProxyError(route.display if route else self._api_host, ProxyProblem.AUTH, "HTTP 407")

    def _server_message(self, response: requests.Response) -> str:
        return server_message(response, self.config.api_key)

    def _parse_generation(self, response: requests.Response, request: GenerationRequest) -> ApiResponse:
        self._raise_for_proxy(response)
        status = response.status_code
        if status in (401, 403):
            raise AuthenticationError(status, self._server_message(response))
        if status in (400, 422):
            raise ServerValidationError(self._server_message(response) or f"HTTP {status}")
        if status == 429:
            header = response.headers.get("Retry-After")
            raise RateLimitedError(BoundedRetry().parse_retry_after(header) if header else None)
        if status >= 500:
            raise ServerError(status, self._server_message(response))
        if not 200 <= status < 300:
            raise BadResponseError(f"HTTP {status} from {self._api_host}; check the base URL")
        try:
            data = response.json()
        except ValueError:
            kind = response.headers.get("Content-Type", "unknown type")
            raise BadResponseError(f"expected JSON but got {kind}") from None
        return parse_generation_body(data, request)

    # --- downloads ------------------------------------------------------------------
    def download(
        self,
        remote: RemoteImage,
        dest: Path,
        cancel: CancelToken | None = None,
        on_bytes: ProgressCallback | None = None,
        session: requests.Session | None = None,
        on_chunk: Callable[[bytes], None] | None = None,
    ) -> int:
        """Stream ``remote`` into ``dest`` (a temp file the caller owns); return its size.

        No Authorization header: the CDN is another host and must never see the key.
        """
        own = session is None
        session = session or self._session(cancel)
        host = urlsplit(remote.url).netloc
        try:
            with self._deadline(self.config.download_deadline, host, cancel):
                return self._download(remote, dest, cancel, on_bytes, session, on_chunk, host)
        finally:
            if own:
                session.close()

    def _download(
        self,
        remote: RemoteImage,
        dest: Path,
        cancel: CancelToken | None,
        on_bytes: ProgressCallback | None,
        session: requests.Session,
        on_chunk: Callable[[bytes], None] | None,
        host: str,
    ) -> int:
        response = self._send(
            lambda: session.get(
                remote.url,
                stream=True,
                timeout=(self.config.connect_timeout, self.config.download_timeout),
            ),
            url=remote.url,
            timeout=self.config.download_timeout,
            cancel=cancel,
            what="the image server",
        )
        with response:
            self._raise_for_proxy(response)
            if response.status_code in IMAGE_GONE_STATUSES:
                raise ImageGoneError(response.status_code)
            if response.status_code != 200:
                raise BadImageError(f"the image server answered HTTP {response.status_code}")
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            try:
                with open(dest, "wb") as fh:
                    # read1: whatever one socket read returns (≤ 256 KiB), so a cancel
                    # is seen within one network read, not after a full buffer.
                    while chunk := self._read_some(response, host, self.config.download_timeout):
                        if cancel is not None:
                            cancel.raise_if_cancelled()
                        fh.write(chunk)
                        if on_chunk is not None:
                            on_chunk(chunk)
                        done += len(chunk)
                        if done > MAX_DOWNLOAD_BYTES:
                            raise BadImageError(f"the download exceeds {MAX_DOWNLOAD_BYTES // _MIB} MiB")
                        if on_bytes is not None:
                            on_bytes(done, total)
                    # No fsync here: the sink rewrites this file with its metadata and
                    # fsyncs that version before the atomic rename.
            except OSError as exc:  # our side: disk full, folder gone, read-only
                raise LibraryError(f"Cannot write {dest}: {exc.strerror or exc}") from None
            if total and done != total:
                raise BadImageError(f"the download was cut short ({done} of {total} bytes)")
            return done

    def _read_some(
        self, response: requests.Response, host: str, timeout: float, what: str = "the image server"
    ) -> bytes:
        try:
            return response.raw.read1(READ_SIZE, decode_content=True)
        except urllib3.exceptions.ReadTimeoutError:
            raise TimeoutError_(host, timeout) from None
        except (urllib3.exceptions.HTTPError, OSError):
            if what == "the API":
                raise NetworkError(host, what) from None
            raise BadImageError("the download was cut short (truncated)") from None

    def _read_answer(self, response: requests.Response, timeout: float) -> None:
        """Read the API's answer into ``response`` (for ``.json()``), refusing more than
        MAX_API_JSON_BYTES: the answer lists a few URLs, 300 MB of it was read into memory."""
        limit = f"more than FluxDesk reads ({MAX_API_JSON_BYTES // _MIB} MiB)"
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > MAX_API_JSON_BYTES:
            raise BadResponseError(f"the answer is {math.ceil(int(declared) / _MIB)} MiB, {limit}")
        chunks: list[bytes] = []
        size = 0
        while chunk := self._read_some(response, self._api_host, timeout, what="the API"):
            size += len(chunk)
            if size > MAX_API_JSON_BYTES:
                raise BadResponseError(f"the answer is {limit}")
            chunks.append(chunk)
        response._content = b"".join(chunks)
        response._content_consumed = True  # type: ignore[attr-defined]

    @contextmanager
    def _deadline(self, seconds: float, host: str, cancel: CancelToken | None) -> Iterator[Deadline]:
        """Arm a whole-response deadline; a call it cut short is reported as a timeout.
        Cancelling ends a blocked read at once (not after its timeout)."""
        deadline = Deadline(seconds)
        forget = cancel.on_cancel(deadline.abort) if cancel is not None else None
        try:
            with deadline.armed():
                yield deadline
        except CancelledError:
            raise
        except (FluxDeskError, OSError, requests.exceptions.RequestException, urllib3.exceptions.HTTPError):
            if cancel is not None and cancel.cancelled:
                raise CancelledError() from None
            if deadline.expired:
                raise TimeoutError_(host, deadline.seconds, whole=True) from None
            raise
        finally:
            if forget is not None:
                forget()
        if deadline.expired:  # (a read the shutdown ended looks like a normal end of data)
            raise TimeoutError_(host, deadline.seconds, whole=True)

    def download_session(self, cancel: CancelToken | None) -> requests.Session:
        """One session shared by a generation's parallel downloads (connection reuse)."""
        return self._session(cancel)


def _redirect_error(what: str, detail: str) -> FluxDeskError:
    return BadResponseError(detail) if what == "the API" else BadImageError(detail)
