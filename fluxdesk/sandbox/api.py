"""The sandbox's API server: ``POST /v1/images/generations`` answered as the real service
documents it (Bearer key check, 422 with every problem, 201 with the image list), its API
faults, and the ``/_sandbox/`` control endpoints (faults, request log).

Request bodies are validated with :func:`fluxdesk.core.request.build_request`, the same
rules the client uses, so the sandbox can never drift from the parameter catalogue.
"""

from __future__ import annotations

import contextlib
import json
import logging
from typing import Any

from fluxdesk.core import params as P
from fluxdesk.core.request import GenerationRequest, build_request
from fluxdesk.sandbox.faults import Fault, FaultKind, make_fault
from fluxdesk.sandbox.handler import BaseHandler

log = logging.getLogger(__name__)

CONTROL_PREFIX = "/_sandbox/"


class ApiHandler(BaseHandler):
    def do_GET(self) -> None:
        if self.path.split("?")[0] == CONTROL_PREFIX + "requests":
            requests = [r.to_json() for r in self.state.requests]
            self.send_json(200, {"requests": requests, "counts": self.state.counts().to_json()})
        elif self.path.split("?")[0] == CONTROL_PREFIX + "faults":
            self.send_json(200, {"faults": self._pending()})
        else:
            self._not_here()

    def do_DELETE(self) -> None:
        if self.path == CONTROL_PREFIX + "faults":
            self.state.faults.clear()
            self.send_json(200, {"faults": []})
        elif self.path == CONTROL_PREFIX + "requests":
            self.state.clear_requests()
            self.send_json(200, {"requests": []})
        else:
            self._not_here()

    def _not_here(self) -> None:
        self.record(None)
        if self.path.split("?")[0] == P.API_PATH:
            self.send_message(405, f"Use POST for {P.API_PATH}", {"Allow": "POST"})
        else:
            self.send_message(404, f"No such endpoint: {self.path}")

    def do_POST(self) -> None:
        raw = self.read_body()
        if raw is None:
            return
        if self.path == CONTROL_PREFIX + "faults":
            self._control_faults(raw)
            return
        body: Any = None
        with contextlib.suppress(ValueError):
            body = json.loads(raw) if raw else None
        self.record(body)
        if self.path.split("?")[0] != P.API_PATH:
            self.send_message(404, f"No such endpoint: {self.path}")
            return

        fault = self.state.faults.take("api")
        if fault is not None:
            log.debug("sandbox api: applying fault %s", fault.kind.value)
            if fault.kind is FaultKind.SLOW:
                if self.state.sleep(float(fault.option("seconds", 1.0))):
                    self.drop()
                    return
            elif fault.kind not in (FaultKind.NOT_JSON, FaultKind.MISSING_IMAGES):
                self._api_fault(fault)
                return

        result = self._validate(body)
        if result is None:
            return
        response = self.state.generate(result, self.server.cdn_base_url)
        if self.state.stopping.is_set():
            self.drop()
            return
        self.state.count_generation(len(response["images"]))
        if fault is not None and fault.kind is FaultKind.NOT_JSON:
            self.send_html(201, "Generation complete")
        elif fault is not None and fault.kind is FaultKind.MISSING_IMAGES:
            del response["images"]
            self.send_json(201, response)
        else:
            self.send_json(201, response)

    def _validate(self, body: Any) -> GenerationRequest | None:
        """Check the key, the media type and the fields; answer and return None on failure."""
        authorized = self.state.key_matches(self.headers.get("Authorization"))
        if authorized is None:
            self.send_message(401, "Missing Authorization header: send 'Authorization: Bearer <API key>'")
            return None
        if not authorized:
            self.send_message(401, "Invalid API key")
            return None
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            # Stricter than strictly needed, to catch a client that forgets the header.
            self.send_message(415, f"Content-Type must be application/json (got {content_type or 'none'!r})")
            return None
        if not isinstance(body, dict):
            self.send_message(400, "Body must be a JSON object")
            return None
        request, problems = build_request(body, strict_types=True)
        if request is None:
            self.send_json(
                422,
                {
                    "message": "; ".join(p.message for p in problems),
                    "errors": [{"field": p.field, "message": p.message} for p in problems],
                },
            )
            return None
        return request

    def _api_fault(self, fault: Fault) -> None:
        kind = fault.kind
        if kind is FaultKind.DROP_CONNECTION:
            self.drop()
        elif kind in (FaultKind.RATE_LIMIT, FaultKind.UNAVAILABLE):
            retry_after = fault.option("retry_after", 1)
            status, default = (
                (429, "Rate limit exceeded") if kind is FaultKind.RATE_LIMIT else (503, "Service unavailable")
            )
            extra = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
            self.send_message(status, str(fault.option("message", default)), extra)
        elif kind is FaultKind.SERVER_ERROR:
            self.send_message(500, str(fault.option("message", "Internal server error")))
        elif kind is FaultKind.BAD_GATEWAY:
            self.send_html(502, "502 Bad Gateway")
        elif kind is FaultKind.UNAUTHORIZED:
            self.send_message(401, str(fault.option("message", "Invalid API key")))
        elif kind is FaultKind.FORBIDDEN:
            self.send_message(403, str(fault.option("message", "This key may not use flux-realism")))

    def _pending(self) -> list[dict[str, Any]]:
        return [{"kind": k.value, "count": n} for k, n in self.state.faults.pending()]

    def _control_faults(self, raw: bytes) -> None:
        try:
            payload = json.loads(raw)
            entries = payload["faults"]
            if not isinstance(entries, list):
                raise TypeError("faults must be a list")
            # All entries are checked before any is queued, so a bad list changes nothing.
            queued = []
            for entry in entries:
                options = dict(entry)
                queued.append(make_fault(options.pop("kind"), options.pop("count", 1), options))
            self.state.faults.extend(queued)
        except (ValueError, KeyError, TypeError) as error:
            self.send_message(400, f"Bad fault list: {error}")
            return
        self.send_json(200, {"faults": self._pending()})
