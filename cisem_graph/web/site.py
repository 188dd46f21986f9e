"""The site around the endpoint: home page and health."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from . import get_settings, get_store

bp = Blueprint("site", __name__)


@bp.route("/")
def home():
    store = get_store()
    return render_template("home.html", version=store.version, triples=store.triple_count(),
                           base=get_settings().base_iri)


@bp.route("/health")
def health():
    store = get_store()
    return jsonify({"status": "ok", "version": store.version, "triples": store.triple_count()})
