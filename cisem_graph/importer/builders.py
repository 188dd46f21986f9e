"""The statements each kind of row makes, following the curated data's modelling.

Organizations, people and places get names in Italian and English (a proper name is the same in
both when no English one is given); roles are ``schema:OrganizationRole`` nodes linked both ways
(organization ``schema:member`` role ``schema:member`` person, and the W3C ORG ``org:Membership``
beside it); events link to their series both ways (``superEvent``/``subEvent``), and an online
platform is a ``schema:VirtualLocation``; codes are ``schema:PropertyValue``s. Nothing is written
that a row does not say, and a name that identified an existing thing is not said again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import ORG, RDF

from ..namespaces import SDO
from .kinds import PLACE_CODES

if TYPE_CHECKING:
    from .convert import Plan
    from .kinds import Kind
    from .resolve import Index


class Builders:
    """Mixed into the converter: one method per kind, ``_<kind name>(plan, values, emit)``."""

    kind: Kind
    index: Index

    def display_name(self, plan: Plan) -> str | None:  # provided by the converter
        raise NotImplementedError

    def _names(self, plan: Plan, v: dict, emit: Callable, default_en: bool) -> None:
        """Names in Italian and English; a name that found an existing thing is not restated."""
        s = plan.subject
        name = self.display_name(plan)
        known = self.index.names.get(s, {}) if plan.exists else {}
        if name and not plan.by_name and known.get("it") != name:
            emit(s, SDO.name, Literal(name, lang="it"), "name" if "name" in plan.values else "given_name")
        if "name_en" in v:
            if known.get("en") != v["name_en"]:
                emit(s, SDO.name, Literal(v["name_en"], lang="en"), "name_en")
        elif name and default_en and not plan.exists:
            emit(s, SDO.name, Literal(name, lang="en"), "name" if "name" in plan.values else "given_name")

    def _texts(self, plan: Plan, v: dict, emit: Callable, keys: tuple[str, ...]) -> None:
        for key in keys:
            if key in v:
                column = self.kind.column(key)
                emit(plan.subject, column.paths[0], Literal(v[key], lang=column.lang), key)

    def _types(self, plan: Plan, v: dict, emit: Callable, default: tuple[URIRef, ...]) -> None:
        classes = v.get("type") or (default if not plan.exists else ())
        for cls in classes:
            emit(plan.subject, RDF.type, cls, "type")

    def _organizations(self, plan: Plan, v: dict, emit: Callable) -> None:
        s = plan.subject
        self._types(plan, v, emit, (SDO.Organization,))
        self._names(plan, v, emit, default_en=True)
        self._texts(plan, v, emit, ("alternate_name", "description_it", "description_en"))
        if "url" in v:
            emit(s, SDO.url, v["url"], "url")
        if "place" in v:
            emit(s, SDO.location, v["place"], "place")
        if "parent" in v:
            emit(s, SDO.parentOrganization, v["parent"], "parent")
            emit(v["parent"], SDO.subOrganization, s, "parent")
        if "founding_date" in v:
            emit(s, SDO.foundingDate, v["founding_date"], "founding_date")

    def _people(self, plan: Plan, v: dict, emit: Callable) -> None:
        s = plan.subject
        if not plan.exists:
            emit(s, RDF.type, SDO.Person, "name")
        self._names(plan, v, emit, default_en=True)
        for key, prop in (("given_name", SDO.givenName), ("family_name", SDO.familyName),
                          ("honorific", SDO.honorificPrefix)):
            if key in v:
                emit(s, prop, Literal(v[key]), key)
        self._texts(plan, v, emit, ("description_it", "description_en"))
        if "url" in v:
            emit(s, SDO.url, v["url"], "url")
        if "affiliation" in v:
            emit(s, SDO.affiliation, v["affiliation"], "affiliation")

    def _roles(self, plan: Plan, v: dict, emit: Callable) -> None:
        s = plan.subject
        person, organization = v.get("person"), v.get("organization")
        if not plan.exists:
            for cls in (SDO.OrganizationRole, SDO.Role, ORG.Membership):
                emit(s, RDF.type, cls, "role_it")
        if person is not None:
            emit(s, SDO.member, person, "person")
            emit(s, ORG.member, person, "person")
            emit(person, SDO.memberOf, s, "person")
        if organization is not None:
            emit(s, SDO.memberOf, organization, "organization")
            emit(s, ORG.organization, organization, "organization")
            emit(organization, SDO.member, s, "organization")
        for key, lang in (("role_it", "it"), ("role_en", "en")):
            if key in v:
                emit(s, SDO.roleName, Literal(v[key], lang=lang), key)
        for key, lang, role_key in (("name", "it", "role_it"), ("name_en", "en", "role_en")):
            if key in v:
                emit(s, SDO.name, Literal(v[key], lang=lang), key)
            elif not plan.exists and person is not None and organization is not None and role_key in v:
                label = (f"{self.index.name_of(person, lang)}, {v[role_key]} – "
                         f"{self.index.name_of(organization, lang)}")
                emit(s, SDO.name, Literal(label, lang=lang), role_key)
        for key, prop in (("start", SDO.startDate), ("end", SDO.endDate)):
            if key in v:
                emit(s, prop, v[key], key)
        self._texts(plan, v, emit, ("description_it", "description_en"))

    def _events(self, plan: Plan, v: dict, emit: Callable) -> None:
        s = plan.subject
        if not plan.exists:
            emit(s, RDF.type, SDO.Event, "name")
        self._names(plan, v, emit, default_en=False)
        self._texts(plan, v, emit, ("description_it", "description_en"))
        for key, prop in (("start", SDO.startDate), ("end", SDO.endDate),
                          ("attendance", SDO.eventAttendanceMode), ("status", SDO.eventStatus),
                          ("place", SDO.location), ("series", SDO.superEvent)):
            if key in v:
                emit(s, prop, v[key], key)
        if "series" in v:
            emit(v["series"], SDO.subEvent, s, "series")
        if "language" in v:
            emit(s, SDO.inLanguage, Literal(v["language"]), "language")
        if "platform" in v or "link" in v:
            key = "platform" if "platform" in v else "link"
            online = BNode()
            emit(s, SDO.location, online, key)
            emit(online, RDF.type, SDO.VirtualLocation, key)
            if "platform" in v:
                emit(online, SDO.name, Literal(v["platform"]), "platform")
            if "link" in v:
                emit(online, SDO.url, v["link"], "link")
        for key, prop in (("organizer", SDO.organizer), ("performer", SDO.performer),
                          ("about", SDO.about)):
            for value in v.get(key, ()):
                emit(s, prop, value, key)

    def _places(self, plan: Plan, v: dict, emit: Callable) -> None:
        s = plan.subject
        self._types(plan, v, emit, (SDO.Place,))
        self._names(plan, v, emit, default_en=True)
        self._texts(plan, v, emit, ("description_it", "description_en"))
        if "contained_in" in v:
            emit(s, SDO.containedInPlace, v["contained_in"], "contained_in")
        for key, property_id, *_ in PLACE_CODES:
            if key in v:
                code = BNode()
                emit(s, SDO.identifier, code, key)
                emit(code, RDF.type, SDO.PropertyValue, key)
                emit(code, SDO.propertyID, Literal(property_id), key)
                emit(code, SDO.value, Literal(v[key]), key)
