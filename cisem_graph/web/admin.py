"""Admin endpoints: off unless ``admin_token`` is set, and then only with that token.

``POST /admin/reload`` builds and validates the data beside the served version and switches to it
only if it conforms (``cisem_graph.reload``). The answer is the reload report: 200 when the
version switched or had not changed, 422 when the new data was refused (with every finding), 502
when the push to a remote store failed, 409 while another reload runs. The token comes as
``Authorization: Bearer <token>`` and is compared in constant time; an unset token makes the
endpoint 404, as if it did not exist.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, jsonify, request

from ..errors import NotFound, Unauthorized
from ..reload import FAILED, REJECTED, reload_dataset
from . import get_settings

bp = Blueprint("admin", __name__)

_STATUS = {REJECTED: 422, FAILED: 502}


def require_token() -> None:
    token = get_settings().admin_token
    if not token:
        raise NotFound("No such page.")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise Unauthorized("This needs the admin token: Authorization: Bearer <admin_token>.")


@bp.post("/admin/reload")
def reload():
    require_token()
    report = reload_dataset(get_settings())
    response = jsonify(report.as_json())
    response.status_code = _STATUS.get(report.status, 200)
    response.headers["Cache-Control"] = "no-store"
    return response
