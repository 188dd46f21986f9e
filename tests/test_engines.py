"""The two SHACL engines, held to the same findings: pyshacl-turbo (the default, native, on the
pyoxigraph store) and pyshacl (the reference, on an rdflib copy of the same parsed data).

Every broken example of ``test_shapes`` is compared there; here, the shipped data and the 10k
national sample of ``bench/national.py`` with broken things added, so that the comparison runs
where the data is large and the findings are not all of one file.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from rdflib import Graph

from cisem_graph.config import PROJECT_ROOT, Settings
from cisem_graph.errors import ConfigError, LoadError
from cisem_graph.graph.sources import load_shapes, load_sources
from cisem_graph.graph.validate import validate

#: broken things for the national sample, each a rule the shapes state (see test_shapes.CASES)
BROKEN = """\
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<id/person/senza-inglese> a schema:Person ; schema:name "Maria Rossi"@it .
<id/place/cap-corto> a schema:City, schema:Place ; schema:name "Borgo"@it, "Borgo"@en ;
    schema:containedInPlace <id/place/provincia-di-cuneo> ;
    schema:identifier [ a schema:PropertyValue ; schema:propertyID "CAP" ; schema:value "1210" ] .
<id/event/al-contrario> a schema:Event ; schema:name "Al contrario"@it, "Backwards"@en ;
    schema:startDate "2021-06-14T18:00:00+02:00"^^xsd:dateTime ;
    schema:endDate "2021-06-14T17:00:00+02:00"^^xsd:dateTime ;
    schema:eventAttendanceMode schema:OnlineEventAttendanceMode ;
    schema:location [ a schema:VirtualLocation ; schema:name "Zoom" ] .
"""


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(Settings())


def test_both_engines_agree_on_the_shipped_data(sources, shapes):
    turbo = validate(sources, shapes=shapes, engine="turbo")
    assert turbo and all(not f.is_violation for f in turbo)  # the unscheduled webinars warn
    assert validate(sources, shapes=shapes, engine="pyshacl") == turbo


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """The 10k national sample (``bench/national.py``) with BROKEN added as one more file."""
    root = tmp_path_factory.mktemp("national") / "project"
    subprocess.run([sys.executable, str(PROJECT_ROOT / "bench" / "national.py"), str(root),
                    "--triples", "10k"], check=True, capture_output=True)
    (root / "data" / "broken.ttl").write_text(BROKEN, encoding="utf-8")
    return load_sources(Settings(root=root))


def test_both_engines_agree_on_the_national_sample(national, shapes):
    turbo = validate(national, shapes=shapes, engine="turbo")
    by_rule = {(f.subject, f.path, f.severity) for f in turbo}
    # each broken thing is found, in its file, by the rule written for it
    assert ("person:senza-inglese", "schema:name", "Violation") in by_rule
    assert ("[]", None, "Violation") in by_rule  # the postcode of 4 digits
    assert ("event:al-contrario", "schema:startDate", "Violation") in by_rule
    assert {f.file for f in turbo if f.is_violation} == {"data/broken.ttl"}
    assert validate(national, shapes=shapes, engine="pyshacl") == turbo


def test_the_engine_is_a_setting():
    assert Settings().shacl_engine == "turbo"
    assert Settings.from_env({"CISEM_SHACL_ENGINE": "pyshacl"}).shacl_engine == "pyshacl"
    with pytest.raises(ConfigError, match="shacl_engine"):
        Settings(shacl_engine="topbraid")


def test_a_string_value_matches_however_it_is_spelt(tmp_path, shapes):
    """``"CAP"`` and ``"CAP"^^xsd:string`` are one RDF term: a postcode written either way is checked
    by the postcode rule (pyshacl-turbo 0.6.5 alone, on a store, would let it pass)."""
    (tmp_path / "data").mkdir()
    for spelling in ('"CAP"', '"CAP"^^<http://www.w3.org/2001/XMLSchema#string>'):
        (tmp_path / "data" / "codes.ttl").write_text(
            '@prefix schema: <https://schema.org/> .\n'
            '<id/place/x> schema:identifier [ a schema:PropertyValue ; '
            f'schema:propertyID {spelling} ; schema:value "1210" ] .\n', encoding="utf-8")
        settings = Settings(root=tmp_path, ontology_dir=PROJECT_ROOT / "ontology",
                            shapes_dir=PROJECT_ROOT / "shapes")
        sources = load_sources(settings)
        for engine in ("turbo", "pyshacl"):
            findings = validate(sources, shapes=shapes, engine=engine)
            assert any("5 cifre" in f.messages["it"] for f in findings), (spelling, engine)


#: a property shape without ``sh:path``: both engines refuse it, each in its own words
NO_PATH = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
<urn:x:no-path> a sh:NodeShape ; sh:targetClass <https://schema.org/Event> ;
    sh:property [ sh:minCount 1 ] .
"""


@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
def test_a_malformed_shape_is_a_load_error_naming_the_shapes(sources, shapes, engine):
    broken = Graph()
    for triple in shapes:
        broken.add(triple)
    broken.parse(data=NO_PATH, format="turtle")
    with pytest.raises(LoadError, match="SHACL shapes cannot be used") as caught:
        validate(sources, shapes=broken, engine=engine)
    assert caught.value.details.get("file") == "shapes/"
