"""The columns of each kind of spreadsheet: headers in Italian and English, types, requirements.

One table per kind drives everything that depends on columns: matching headers, parsing cells,
saying which column a SHACL finding is about, the templates and the README. A header matches
loosely (case, accents and punctuation are ignored), so ``Modalità``, ``modalita`` and
``attendance mode`` name the same column.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import DCTERMS, ORG, RDF

from ..namespaces import COV, SDO, ontology_ns
from .values import norm


@dataclass(frozen=True)
class Column:
    key: str
    it: str  # the header the Italian template uses
    en: str  # the header the English template uses
    type: str  # slug text url datetime date ref choice code language source
    help_it: str
    help_en: str
    aliases: tuple[str, ...] = ()
    lang: str | None = None  # text columns: the language tag written
    required: bool = False  # needed when the row creates a thing
    always: bool = False  # needed on every row
    multi: bool = False  # several values, separated by ; | or a line break
    targets: tuple[str, ...] = ()  # ref: the kinds of thing it may name
    paths: tuple[URIRef, ...] = ()  # the properties it fills (to place SHACL findings)
    example: str = ""  # the template's fictional example value

    def names(self) -> set[str]:
        return {norm(n) for n in (self.key, self.it, self.en, *self.aliases)}


@dataclass(frozen=True)
class Kind:
    name: str  # as given to --kind: organizations, people, roles, events, places
    thing: str  # the IRI kind: organization, person, role, event, place
    label_it: str
    label_en: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def match(self, header: str) -> Column | None:
        wanted = norm(header)
        return next((c for c in self.columns if wanted in c.names()), None)


def _slug(example: str) -> Column:
    return Column("slug", "slug", "slug", "slug",
                  "identificativo nell’IRI (minuscole, cifre, trattini); se manca si ricava dal nome. "
                  "Uno slug esistente aggiunge fatti a quella risorsa",
                  "identifier in the IRI (lower case, digits, hyphens); derived from the name when "
                  "empty. An existing slug adds statements to that thing",
                  aliases=("identificativo", "id"), example=example)


_SOURCE = Column("source", "fonte", "source", "source",
                 "il documento da cui vengono i fatti della riga: un URL o una citazione (obbligatoria)",
                 "the document the row's facts come from: a URL or a citation (required)",
                 aliases=("fonti", "sources", "fonte url", "source url"), always=True,
                 paths=(DCTERMS.source,), example="https://example.org/fonte-fittizia")


def _description(example_it: str, example_en: str) -> tuple[Column, Column]:
    return (
        Column("description_it", "descrizione", "description", "text", "descrizione in italiano",
               "description in Italian", aliases=("descrizione it", "description it"), lang="it",
               paths=(SDO.description,), example=example_it),
        Column("description_en", "descrizione inglese", "description en", "text",
               "descrizione in inglese", "description in English",
               aliases=("descrizione en", "english description", "description in english"), lang="en",
               paths=(SDO.description,), example=example_en),
    )


def _name_en(example: str, help_it: str, help_en: str) -> Column:
    return Column("name_en", "nome inglese", "name en", "text", help_it, help_en,
                  aliases=("nome en", "english name", "name in english", "nome in inglese"), lang="en",
                  paths=(SDO.name,), example=example)


_URL = Column("url", "sito web", "website", "url", "sito web (http:// o https://)",
              "web site (http:// or https://)", aliases=("sito", "url", "web", "sito internet"),
              paths=(SDO.url,), example="https://example.org/")

def organization_types(base: str) -> dict[str, tuple[URIRef, ...]]:
    """Organization types and the classes written for each, as the curated data models them."""
    cisem = ontology_ns(base)
    cooperative = (SDO.Cooperative, SDO.Organization, ORG.FormalOrganization)
    wisc = (SDO.Cooperative, SDO.Organization, cisem.WorkIntegrationSocialCooperative,
            ORG.FormalOrganization)
    farming = (SDO.Cooperative, SDO.Organization, cisem.SocialFarmingCooperative, ORG.FormalOrganization)
    public = (SDO.GovernmentOrganization, SDO.Organization, COV.PublicOrganization, ORG.FormalOrganization)
    committee = (SDO.Organization, cisem.Committee, ORG.OrganizationalUnit, COV.Organization)
    research = (SDO.ResearchOrganization, SDO.Organization)
    university = (SDO.CollegeOrUniversity, SDO.Organization)
    ngo = (SDO.NGO, SDO.Organization)
    return {
        "organizzazione": (SDO.Organization,), "organization": (SDO.Organization,),
        "cooperativa": cooperative, "cooperative": cooperative,
        "cooperativa sociale di inserimento lavorativo": wisc,
        "work integration social cooperative": wisc,
        "cooperativa agricola sociale": farming, "social farming cooperative": farming,
        "ente pubblico": public, "government organization": public,
        "comitato": committee, "committee": committee,
        "ente di ricerca": research, "research organization": research,
        "università": university, "university": university,
        "ong": ngo, "ngo": ngo,
    }


PLACE_TYPES: dict[str, tuple[URIRef, ...]] = {
    "luogo": (SDO.Place,), "place": (SDO.Place,),
    "comune": (SDO.City, SDO.Place), "city": (SDO.City, SDO.Place),
    "municipality": (SDO.City, SDO.Place), "città": (SDO.City, SDO.Place),
    "provincia": (SDO.AdministrativeArea, SDO.Place), "province": (SDO.AdministrativeArea, SDO.Place),
    "regione": (SDO.AdministrativeArea, SDO.Place), "region": (SDO.AdministrativeArea, SDO.Place),
    "area amministrativa": (SDO.AdministrativeArea, SDO.Place),
    "administrative area": (SDO.AdministrativeArea, SDO.Place),
    "stato": (SDO.Country, SDO.Place), "paese": (SDO.Country, SDO.Place),
    "country": (SDO.Country, SDO.Place),
}

ATTENDANCE: dict[str, URIRef] = {
    "online": SDO.OnlineEventAttendanceMode, "on line": SDO.OnlineEventAttendanceMode,
    "in presenza": SDO.OfflineEventAttendanceMode, "presenza": SDO.OfflineEventAttendanceMode,
    "offline": SDO.OfflineEventAttendanceMode, "in person": SDO.OfflineEventAttendanceMode,
    "mista": SDO.MixedEventAttendanceMode, "misto": SDO.MixedEventAttendanceMode,
    "ibrida": SDO.MixedEventAttendanceMode, "mixed": SDO.MixedEventAttendanceMode,
    "hybrid": SDO.MixedEventAttendanceMode,
}

STATUS: dict[str, URIRef] = {
    "programmato": SDO.EventScheduled, "in programma": SDO.EventScheduled,
    "scheduled": SDO.EventScheduled,
    "annullato": SDO.EventCancelled, "cancelled": SDO.EventCancelled, "canceled": SDO.EventCancelled,
    "rinviato": SDO.EventPostponed, "postponed": SDO.EventPostponed,
    "spostato online": SDO.EventMovedOnline, "moved online": SDO.EventMovedOnline,
    "riprogrammato": SDO.EventRescheduled, "rescheduled": SDO.EventRescheduled,
}

#: identifier codes of places: (key, propertyID, pattern, width for numbers, example, it, en)
PLACE_CODES = (
    ("istat", "ISTAT", r"^[0-9]{6}$", 6, "004078", "codice ISTAT", "ISTAT code"),
    ("cadastral", "codice-catastale", r"^[A-Z][0-9]{3}$", None, "D205", "codice catastale",
     "cadastral code"),
    ("postcode", "CAP", r"^[0-9]{5}$", 5, "12100", "CAP", "postcode"),
)

ORGANIZATIONS = Kind("organizations", "organization", "organizzazioni", "organizations", (
    _slug("cooperativa-esempio-fittizia"),
    Column("name", "nome", "name", "text", "nome in italiano (obbligatorio per una nuova organizzazione)",
           "name in Italian (required for a new organization)",
           aliases=("nome it", "name it", "denominazione", "ragione sociale"), lang="it", required=True,
           paths=(SDO.name,), example="Cooperativa Esempio (fittizia)"),
    _name_en("Example Cooperative (fictional)", "nome in inglese (se manca: il nome italiano)",
             "name in English (default: the Italian name)"),
    Column("alternate_name", "altro nome", "alternate name", "text", "sigla o altra forma del nome",
           "acronym or other form of the name",
           aliases=("sigla", "acronimo", "acronym", "nome alternativo"), lang="it",
           paths=(SDO.alternateName,), example="CEF"),
    Column("type", "tipo", "type", "choice",
           "organizzazione, cooperativa, cooperativa sociale di inserimento lavorativo, cooperativa "
           "agricola sociale, ente pubblico, comitato, ente di ricerca, università, ong",
           "organization, cooperative, work-integration social cooperative, social farming "
           "cooperative, government organization, committee, research organization, university, ngo",
           paths=(RDF.type,), example="cooperativa"),
    *_description("Organizzazione inventata per mostrare il modello: non esiste.",
                  "An organization made up to show the template: it does not exist."),
    _URL,
    Column("place", "sede", "place", "ref", "il comune della sede (slug o nome di un luogo)",
           "the municipality it is based in (slug or name of a place)",
           aliases=("comune", "luogo", "location", "city"), targets=("place",),
           paths=(SDO.location,), example="borgo-esempio"),
    Column("parent", "fa parte di", "parent organization", "ref",
           "l’organizzazione di cui fa parte (slug o nome)", "the organization it is part of (slug or name)",
           aliases=("organizzazione madre", "parent", "ente di appartenenza"), targets=("organization",),
           paths=(SDO.parentOrganization, SDO.subOrganization), example=""),
    Column("founding_date", "data di fondazione", "founding date", "date",
           "gg/mm/aaaa, mm/aaaa o aaaa", "dd/mm/yyyy, mm/yyyy or yyyy",
           aliases=("fondazione", "founded", "anno di fondazione"), paths=(SDO.foundingDate,),
           example="2031"),
    _SOURCE,
))

PEOPLE = Kind("people", "person", "persone", "people", (
    _slug("maria-esempio"),
    Column("name", "nome e cognome", "name", "text",
           "nome completo (se manca: nome + cognome; obbligatorio per una nuova persona)",
           "full name (default: given + family name; required for a new person)",
           aliases=("nome completo", "full name", "name it"), lang="it", required=True,
           paths=(SDO.name,), example="Maria Esempio (fittizia)"),
    _name_en("", "nome in inglese (se manca: lo stesso nome)", "name in English (default: the same name)"),
    Column("given_name", "nome", "given name", "text", "nome di battesimo", "given name",
           aliases=("first name",), paths=(SDO.givenName,), example="Maria"),
    Column("family_name", "cognome", "family name", "text", "cognome", "family name",
           aliases=("surname", "last name"), paths=(SDO.familyName,), example="Esempio"),
    Column("honorific", "titolo", "honorific prefix", "text", "titolo (dott., prof.)",
           "honorific (Dr, Prof.)", aliases=("titolo onorifico", "honorific", "prefix"),
           paths=(SDO.honorificPrefix,), example="dott.ssa"),
    *_description("Persona inventata per mostrare il modello: non esiste.",
                  "A person made up to show the template: they do not exist."),
    _URL,
    Column("affiliation", "organizzazione", "affiliation", "ref",
           "organizzazione di afferenza (slug o nome)",
           "organization they are affiliated with (slug or name)",
           aliases=("affiliazione", "organization", "ente"), targets=("organization",),
           paths=(SDO.affiliation,), example="cooperativa-esempio-fittizia"),
    _SOURCE,
))

ROLES = Kind("roles", "role", "ruoli", "roles", (
    _slug(""),
    Column("person", "persona", "person", "ref", "chi ricopre il ruolo (slug o nome di una persona)",
           "who holds the role (slug or name of a person)", required=True, targets=("person",),
           paths=(SDO.member, ORG.member), example="maria-esempio"),
    Column("organization", "organizzazione", "organization", "ref",
           "l’organizzazione (slug o nome)", "the organization (slug or name)", required=True,
           aliases=("ente",), targets=("organization",),
           paths=(SDO.memberOf, ORG.organization), example="cooperativa-esempio-fittizia"),
    Column("role_it", "ruolo", "role", "text", "nome del ruolo in italiano (es. Presidente)",
           "role name in Italian (e.g. Presidente)", aliases=("ruolo it", "role it", "carica"),
           lang="it", required=True, paths=(SDO.roleName,), example="Presidente"),
    Column("role_en", "ruolo inglese", "role en", "text", "nome del ruolo in inglese (es. President)",
           "role name in English (e.g. President)", aliases=("ruolo en", "english role", "carica inglese"),
           lang="en", required=True, paths=(SDO.roleName,), example="President"),
    Column("start", "inizio", "start date", "date", "inizio del mandato (gg/mm/aaaa, mm/aaaa o aaaa)",
           "start of the term (dd/mm/yyyy, mm/yyyy or yyyy)", aliases=("data inizio", "dal", "start", "from"),
           paths=(SDO.startDate,), example="01/01/2031"),
    Column("end", "fine", "end date", "date", "fine del mandato", "end of the term",
           aliases=("data fine", "al", "end", "to"), paths=(SDO.endDate,), example=""),
    Column("name", "nome", "name", "text", "nome del ruolo come risorsa (se manca: «persona, ruolo – "
           "organizzazione»)", "the role's own name (default: \"person, role – organization\")",
           aliases=("nome it", "name it"), lang="it", paths=(SDO.name,), example=""),
    _name_en("", "nome in inglese del ruolo come risorsa", "the role's own name in English"),
    *_description("", ""),
    _SOURCE,
))

EVENTS = Kind("events", "event", "eventi", "events", (
    _slug("webinar-esempio-fittizio"),
    Column("name", "titolo", "title", "text", "titolo in italiano (obbligatorio per un nuovo evento)",
           "title in Italian (required for a new event)",
           aliases=("nome", "name", "titolo it", "title it"), lang="it", required=True,
           paths=(SDO.name,), example="Webinar di esempio (fittizio)"),
    Column("name_en", "titolo inglese", "title en", "text", "titolo in inglese", "title in English",
           aliases=("titolo en", "english title", "name en", "nome inglese"), lang="en",
           paths=(SDO.name,), example="Example webinar (fictional)"),
    *_description("Evento inventato per mostrare il modello: non si è mai tenuto.",
                  "An event made up to show the template: it never took place."),
    Column("start", "inizio", "start", "datetime", "data e ora di inizio, ora di Roma (14/06/2031 18:00)",
           "start date and time, Rome time (14/06/2031 18:00)",
           aliases=("data", "data inizio", "data e ora", "start date", "date"),
           paths=(SDO.startDate,), example="14/06/2031 18:00"),
    Column("end", "fine", "end", "datetime", "data e ora di fine, ora di Roma",
           "end date and time, Rome time",
           aliases=("data fine", "end date"), paths=(SDO.endDate,), example="14/06/2031 20:00"),
    Column("attendance", "modalità", "attendance mode", "choice", "online, in presenza o mista",
           "online, in person or mixed", aliases=("modalita", "partecipazione", "attendance"),
           paths=(SDO.eventAttendanceMode,), example="online"),
    Column("status", "stato", "status", "choice",
           "programmato, annullato, rinviato, spostato online, riprogrammato",
           "scheduled, cancelled, postponed, moved online, rescheduled",
           paths=(SDO.eventStatus,), example="programmato"),
    Column("platform", "piattaforma", "platform", "text", "piattaforma online (es. Zoom)",
           "online platform (e.g. Zoom)", paths=(SDO.location,), example="Zoom"),
    Column("link", "collegamento", "link", "url", "collegamento all’evento online",
           "link to the online event", aliases=("url", "link webinar", "indirizzo web"),
           paths=(SDO.location,), example=""),
    Column("place", "luogo", "place", "ref", "luogo fisico (slug o nome di un luogo)",
           "physical place (slug or name of a place)", aliases=("sede", "location"), targets=("place",),
           paths=(SDO.location,), example=""),
    Column("organizer", "organizzatore", "organizer", "ref",
           "chi organizza (slug o nome; più valori separati da ;)",
           "who organizes it (slug or name; several separated by ;)",
           aliases=("organizzatori", "organizers", "organiser"), targets=("organization", "person"),
           multi=True, paths=(SDO.organizer,), example="cooperativa-esempio-fittizia"),
    Column("performer", "relatori", "speakers", "ref",
           "relatori: persone od organizzazioni (slug o nome; più valori separati da ;)",
           "speakers: people or organizations (slug or name; several separated by ;)",
           aliases=("relatore", "speaker", "performer", "performers", "interventi"),
           targets=("person", "organization"), multi=True, paths=(SDO.performer,),
           example="maria-esempio"),
    Column("series", "serie", "series", "ref", "la serie di cui fa parte (slug o nome)",
           "the series it belongs to (slug or name)", aliases=("ciclo",), targets=("series",),
           paths=(SDO.superEvent, SDO.subEvent), example=""),
    Column("about", "temi", "topics", "ref", "temi (slug o nome di un tema; più valori separati da ;)",
           "topics (slug or name of a theme; several separated by ;)",
           aliases=("tema", "argomenti", "argomento", "about", "topic", "themes"),
           targets=("concept", "legislation"), multi=True, paths=(SDO.about,),
           example="impresa-sociale"),
    Column("language", "lingua", "language", "language", "lingua dell’evento (it, en)",
           "language of the event (it, en)", aliases=("in language",), paths=(SDO.inLanguage,),
           example="it"),
    _SOURCE,
))

PLACES = Kind("places", "place", "luoghi", "places", (
    _slug("borgo-esempio"),
    Column("name", "nome", "name", "text", "nome in italiano (obbligatorio per un nuovo luogo)",
           "name in Italian (required for a new place)", aliases=("nome it", "name it", "denominazione"),
           lang="it", required=True, paths=(SDO.name,), example="Borgo Esempio (fittizio)"),
    _name_en("Example Village (fictional)", "nome in inglese (se manca: il nome italiano)",
             "name in English (default: the Italian name)"),
    Column("type", "tipo", "type", "choice", "luogo, comune, provincia, regione, stato",
           "place, municipality, province, region, country",
           paths=(RDF.type,), example="luogo"),
    Column("contained_in", "si trova in", "contained in", "ref", "il luogo che lo contiene (slug o nome)",
           "the place that contains it (slug or name)",
           aliases=("contenuto in", "parte di", "part of", "provincia di"), targets=("place",),
           paths=(SDO.containedInPlace,), example="provincia-di-cuneo"),
    Column("istat", "codice istat", "istat code", "code", "codice ISTAT del comune (6 cifre)",
           "municipality ISTAT code (6 digits)", aliases=("istat",), paths=(SDO.identifier,), example=""),
    Column("cadastral", "codice catastale", "cadastral code", "code", "codice catastale (es. D205)",
           "cadastral code (e.g. D205)", aliases=("catastale", "belfiore"), paths=(SDO.identifier,),
           example=""),
    Column("postcode", "cap", "postcode", "code", "CAP (5 cifre)", "postcode (5 digits)",
           aliases=("postal code", "zip", "codice postale"), paths=(SDO.identifier,), example=""),
    *_description("Luogo inventato per mostrare il modello: non esiste.",
                  "A place made up to show the template: it does not exist."),
    _SOURCE,
))

KINDS: dict[str, Kind] = {k.name: k for k in (ORGANIZATIONS, PEOPLE, ROLES, EVENTS, PLACES)}
