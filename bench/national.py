"""A deterministic generator of a national social-economy network, written as a cisem-graph project.

    .venv/bin/python bench/national.py OUT --triples 100k [--seed 20210614]

``OUT`` becomes a project folder that ``cisem-graph build --root OUT`` parses and validates against
the real shapes without a violation or a warning: ``ontology/``, ``shapes/`` and ``queries/`` are
copied from this repository, ``data/`` holds the generated Turtle files, written as the curated
files are (IRIs relative to the base, ``<id/organization/...>``; one file = one named graph, each
with its graph description: ``prov:Entity``, titles in Italian and English, source, licence).

What is in it (every count grows linearly with ``--triples``):

- ``luoghi-italia.ttl``: Italy, its 20 regions (ISTAT region codes), 106 provinces (historical
  ISTAT province codes and their two-letter abbreviations) and the real comuni the network refers
  to (of a list of 685), each contained in its province (``schema:containedInPlace``), names in
  Italian and English. The comuni are a hand-made list of real municipalities (every provincial
  capital and well-known towns), not the full ISTAT list; they get no codes (none is invented).
- ``organizzazioni-{region}.ttl``: per region, a chamber of commerce per province with its
  committee (``cisem:Committee``, parent/sub organization, ``org:unitOf``), and cooperatives
  (social, work-integration, social farming), social enterprises, associations, volunteer bodies
  and consortia named after the comune they are based in, with types, names and descriptions in
  both languages, founding date, website, nonprofit status, themes (``schema:knowsAbout``), a
  postal address (blank node) for some, and one periodical per region with its editor's role.
- ``persone-{region}.ttl``: people (given and family name) and their ``schema:OrganizationRole``s
  in that region's organizations (role names in both languages, start and sometimes end year),
  linked both ways (``schema:member`` / ``schema:memberOf``, W3C ORG membership).
- ``eventi-{year}.ttl`` (2015-2024): event series of the committees and consortia with their
  events (``superEvent``/``subEvent`` both ways), single events of other organizations, each
  with names and descriptions in both languages, ``startDate``/``endDate`` (``xsd:dateTime`` with
  the Italian UTC offset of that day), attendance mode (in person at a comune, online at a
  virtual location, mixed), status, language, organizer, 1-4 speakers (people and sometimes
  organizations), themes; press releases (``schema:NewsArticle``) about some events, with a
  quotation by one of the speakers.

The same seed and size give the same bytes. ``generate`` returns what the benchmark needs to pick
parameters (slugs of each kind, the graph names) and the exact triple count (the files parsed
again with pyoxigraph).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BASE_IRI = "https://w3id.org/cisem/"
YEARS = tuple(range(2015, 2025))
LICENSE = "https://creativecommons.org/licenses/by/4.0/"

# --- real places -----------------------------------------------------------------------------------

#: key, Italian name, English name, ISTAT region code
REGIONS = (
    ("piemonte", "Piemonte", "Piedmont", "01"),
    ("valle-d-aosta", "Valle d'Aosta", "Aosta Valley", "02"),
    ("lombardia", "Lombardia", "Lombardy", "03"),
    ("trentino-alto-adige", "Trentino-Alto Adige", "Trentino-South Tyrol", "04"),
    ("veneto", "Veneto", "Veneto", "05"),
    ("friuli-venezia-giulia", "Friuli-Venezia Giulia", "Friuli Venezia Giulia", "06"),
    ("liguria", "Liguria", "Liguria", "07"),
    ("emilia-romagna", "Emilia-Romagna", "Emilia-Romagna", "08"),
    ("toscana", "Toscana", "Tuscany", "09"),
    ("umbria", "Umbria", "Umbria", "10"),
    ("marche", "Marche", "Marche", "11"),
    ("lazio", "Lazio", "Lazio", "12"),
    ("abruzzo", "Abruzzo", "Abruzzo", "13"),
    ("molise", "Molise", "Molise", "14"),
    ("campania", "Campania", "Campania", "15"),
    ("puglia", "Puglia", "Apulia", "16"),
    ("basilicata", "Basilicata", "Basilicata", "17"),
    ("calabria", "Calabria", "Calabria", "18"),
    ("sicilia", "Sicilia", "Sicily", "19"),
    ("sardegna", "Sardegna", "Sardinia", "20"),
)

#: one line per province (continued on indented lines): abbreviation | name | historical ISTAT code |
#: region | comuni (the first is the provincial capital). Real names only; not exhaustive.
_PROVINCES = """
TO|Torino|001|piemonte|Torino; Moncalieri; Collegno; Rivoli; Nichelino; Settimo Torinese; Grugliasco;
    Chieri; Pinerolo; Venaria Reale; Ivrea; Carmagnola; Orbassano; Chivasso; Susa; Giaveno;
    Avigliana; Bardonecchia
VC|Vercelli|002|piemonte|Vercelli; Borgosesia; Santhià; Varallo; Gattinara
NO|Novara|003|piemonte|Novara; Borgomanero; Trecate; Galliate; Arona; Oleggio
CN|Cuneo|004|piemonte|Cuneo; Alba; Bra; Fossano; Mondovì; Savigliano; Saluzzo; Borgo San Dalmazzo;
    Dronero; Busca; Ceva; Racconigi; Cherasco; Barge; Boves; Caraglio; Peveragno; Limone Piemonte;
    Dogliani; Centallo; Garessio
AT|Asti|005|piemonte|Asti; Canelli; Nizza Monferrato; Villanova d'Asti; San Damiano d'Asti;
    Costigliole d'Asti
AL|Alessandria|006|piemonte|Alessandria; Casale Monferrato; Novi Ligure; Tortona; Acqui Terme;
    Valenza; Ovada; Serravalle Scrivia
BI|Biella|096|piemonte|Biella; Cossato; Candelo
VB|Verbano-Cusio-Ossola|103|piemonte|Verbania; Domodossola; Omegna; Stresa; Cannobio
AO|Aosta|007|valle-d-aosta|Aosta; Courmayeur; Saint-Vincent; Châtillon; Pont-Saint-Martin
IM|Imperia|008|liguria|Imperia; Sanremo; Ventimiglia; Bordighera; Taggia
SV|Savona|009|liguria|Savona; Albenga; Varazze; Finale Ligure; Alassio; Cairo Montenotte; Loano
GE|Genova|010|liguria|Genova; Chiavari; Rapallo; Sestri Levante; Lavagna; Recco; Camogli
SP|La Spezia|011|liguria|La Spezia; Sarzana; Lerici; Levanto
VA|Varese|012|lombardia|Varese; Busto Arsizio; Gallarate; Saronno; Luino; Tradate
CO|Como|013|lombardia|Como; Cantù; Erba; Mariano Comense; Menaggio
SO|Sondrio|014|lombardia|Sondrio; Morbegno; Tirano; Chiavenna; Livigno; Bormio
MI|Milano|015|lombardia|Milano; Sesto San Giovanni; Cinisello Balsamo; Legnano; Rho; Cologno Monzese;
    Paderno Dugnano; Rozzano; San Donato Milanese; Abbiategrasso; Magenta; Corsico; Bollate; Segrate;
    Pioltello
BG|Bergamo|016|lombardia|Bergamo; Treviglio; Seriate; Dalmine; Romano di Lombardia; Clusone
BS|Brescia|017|lombardia|Brescia; Desenzano del Garda; Montichiari; Lumezzane; Chiari;
    Palazzolo sull'Oglio; Rovato; Salò; Darfo Boario Terme
PV|Pavia|018|lombardia|Pavia; Vigevano; Voghera; Mortara; Stradella
CR|Cremona|019|lombardia|Cremona; Crema; Casalmaggiore
MN|Mantova|020|lombardia|Mantova; Castiglione delle Stiviere; Suzzara; Viadana; Sabbioneta
LC|Lecco|097|lombardia|Lecco; Merate; Calolziocorte; Casatenovo
LO|Lodi|098|lombardia|Lodi; Codogno; Casalpusterlengo; Sant'Angelo Lodigiano
MB|Monza e della Brianza|108|lombardia|Monza; Seregno; Desio; Lissone; Cesano Maderno; Limbiate;
    Brugherio; Vimercate; Carate Brianza
BZ|Bolzano|021|trentino-alto-adige|Bolzano; Merano; Bressanone; Brunico; Laives; Vipiteno
TN|Trento|022|trentino-alto-adige|Trento; Rovereto; Pergine Valsugana; Arco; Riva del Garda;
    Mezzolombardo; Cles
VR|Verona|023|veneto|Verona; Villafranca di Verona; Legnago; San Bonifacio; Bussolengo;
    Peschiera del Garda; Bardolino
VI|Vicenza|024|veneto|Vicenza; Bassano del Grappa; Schio; Valdagno; Arzignano; Thiene;
    Montecchio Maggiore; Marostica
BL|Belluno|025|veneto|Belluno; Feltre; Cortina d'Ampezzo; Sedico; Agordo
TV|Treviso|026|veneto|Treviso; Conegliano; Castelfranco Veneto; Montebelluna; Vittorio Veneto;
    Oderzo; Mogliano Veneto; Asolo
VE|Venezia|027|veneto|Venezia; Chioggia; San Donà di Piave; Mirano; Jesolo; Portogruaro; Spinea;
    Mira
PD|Padova|028|veneto|Padova; Abano Terme; Cittadella; Este; Monselice; Piove di Sacco;
    Selvazzano Dentro; Albignasego
RO|Rovigo|029|veneto|Rovigo; Adria; Porto Viro; Lendinara; Badia Polesine
UD|Udine|030|friuli-venezia-giulia|Udine; Cividale del Friuli; Codroipo; Tolmezzo; Tarvisio;
    Gemona del Friuli; Latisana; Lignano Sabbiadoro
GO|Gorizia|031|friuli-venezia-giulia|Gorizia; Monfalcone; Grado; Cormons
TS|Trieste|032|friuli-venezia-giulia|Trieste; Muggia; Duino-Aurisina
PN|Pordenone|093|friuli-venezia-giulia|Pordenone; Sacile; Spilimbergo; Maniago; Cordenons;
    Azzano Decimo
PC|Piacenza|033|emilia-romagna|Piacenza; Fiorenzuola d'Arda; Castel San Giovanni; Bobbio
PR|Parma|034|emilia-romagna|Parma; Fidenza; Salsomaggiore Terme; Collecchio; Langhirano;
    Traversetolo
RE|Reggio Emilia|035|emilia-romagna|Reggio nell'Emilia; Correggio; Scandiano; Guastalla; Casalgrande;
    Castelnovo ne' Monti
MO|Modena|036|emilia-romagna|Modena; Carpi; Sassuolo; Formigine; Castelfranco Emilia; Mirandola;
    Vignola; Pavullo nel Frignano; Maranello; Fiorano Modenese
BO|Bologna|037|emilia-romagna|Bologna; Imola; Casalecchio di Reno; San Lazzaro di Savena; Budrio;
    Castel Maggiore; San Giovanni in Persiceto; Pianoro; Zola Predosa
FE|Ferrara|038|emilia-romagna|Ferrara; Cento; Comacchio; Argenta; Codigoro
RA|Ravenna|039|emilia-romagna|Ravenna; Faenza; Lugo; Cervia; Bagnacavallo; Russi
FC|Forlì-Cesena|040|emilia-romagna|Forlì; Cesena; Cesenatico; Savignano sul Rubicone; Forlimpopoli;
    Bertinoro
RN|Rimini|099|emilia-romagna|Rimini; Riccione; Santarcangelo di Romagna; Cattolica;
    Bellaria-Igea Marina; Misano Adriatico
MS|Massa-Carrara|045|toscana|Massa; Carrara; Pontremoli; Aulla
LU|Lucca|046|toscana|Lucca; Viareggio; Capannori; Camaiore; Pietrasanta; Forte dei Marmi;
    Castelnuovo di Garfagnana
PT|Pistoia|047|toscana|Pistoia; Quarrata; Monsummano Terme; Montecatini Terme; Pescia
FI|Firenze|048|toscana|Firenze; Scandicci; Sesto Fiorentino; Empoli; Campi Bisenzio; Bagno a Ripoli;
    Fiesole; Borgo San Lorenzo; Pontassieve
LI|Livorno|049|toscana|Livorno; Piombino; Rosignano Marittimo; Cecina; Portoferraio; Collesalvetti
PI|Pisa|050|toscana|Pisa; Cascina; Pontedera; San Giuliano Terme; San Miniato; Volterra
AR|Arezzo|051|toscana|Arezzo; Montevarchi; San Giovanni Valdarno; Cortona; Sansepolcro; Bibbiena
SI|Siena|052|toscana|Siena; Poggibonsi; Colle di Val d'Elsa; Montepulciano; Chianciano Terme;
    Montalcino; San Gimignano
GR|Grosseto|053|toscana|Grosseto; Follonica; Orbetello; Massa Marittima; Monte Argentario
PO|Prato|100|toscana|Prato; Montemurlo; Carmignano; Vaiano
PG|Perugia|054|umbria|Perugia; Foligno; Città di Castello; Spoleto; Gubbio; Assisi; Bastia Umbra;
    Todi; Marsciano; Umbertide; Norcia
TR|Terni|055|umbria|Terni; Orvieto; Narni; Amelia
PU|Pesaro e Urbino|041|marche|Pesaro; Fano; Urbino; Cagli; Fossombrone
AN|Ancona|042|marche|Ancona; Senigallia; Jesi; Fabriano; Osimo; Falconara Marittima; Loreto
MC|Macerata|043|marche|Macerata; Civitanova Marche; Recanati; Tolentino; Porto Recanati; Camerino
AP|Ascoli Piceno|044|marche|Ascoli Piceno; San Benedetto del Tronto; Grottammare
FM|Fermo|109|marche|Fermo; Porto Sant'Elpidio; Sant'Elpidio a Mare; Montegranaro
VT|Viterbo|056|lazio|Viterbo; Civita Castellana; Tarquinia; Montefiascone
RI|Rieti|057|lazio|Rieti; Fara in Sabina; Cittaducale
RM|Roma|058|lazio|Roma; Guidonia Montecelio; Fiumicino; Pomezia; Tivoli; Velletri; Civitavecchia;
    Anzio; Nettuno; Ladispoli; Cerveteri; Frascati; Marino; Albano Laziale; Ciampino; Monterotondo;
    Colleferro; Genzano di Roma
LT|Latina|059|lazio|Latina; Aprilia; Terracina; Fondi; Formia; Gaeta; Cisterna di Latina; Sabaudia;
    Sezze
FR|Frosinone|060|lazio|Frosinone; Cassino; Sora; Alatri; Ceccano; Anagni; Ferentino
AQ|L'Aquila|066|abruzzo|L'Aquila; Avezzano; Sulmona; Celano
TE|Teramo|067|abruzzo|Teramo; Giulianova; Roseto degli Abruzzi; Silvi; Atri
PE|Pescara|068|abruzzo|Pescara; Montesilvano; Spoltore; Città Sant'Angelo; Penne
CH|Chieti|069|abruzzo|Chieti; Lanciano; Vasto; San Salvo; Ortona; Francavilla al Mare
CB|Campobasso|070|molise|Campobasso; Termoli; Larino; Bojano
IS|Isernia|094|molise|Isernia; Venafro; Agnone
CE|Caserta|061|campania|Caserta; Aversa; Marcianise; Maddaloni; Santa Maria Capua Vetere; Capua;
    Mondragone
BN|Benevento|062|campania|Benevento; Montesarchio; Sant'Agata de' Goti; Telese Terme
NA|Napoli|063|campania|Napoli; Giugliano in Campania; Torre del Greco; Pozzuoli; Casoria;
    Castellammare di Stabia; Afragola; Portici; Ercolano; Pomigliano d'Arco; Sorrento; Nola; Acerra;
    Marano di Napoli; Torre Annunziata; Pompei
AV|Avellino|064|campania|Avellino; Ariano Irpino; Atripalda; Solofra; Montoro
SA|Salerno|065|campania|Salerno; Cava de' Tirreni; Battipaglia; Nocera Inferiore; Scafati; Eboli;
    Sarno; Pagani; Agropoli; Amalfi; Positano; Capaccio Paestum
FG|Foggia|071|puglia|Foggia; San Severo; Manfredonia; Cerignola; Lucera; San Giovanni Rotondo;
    Vieste
BA|Bari|072|puglia|Bari; Altamura; Molfetta; Bitonto; Monopoli; Gravina in Puglia; Modugno; Corato;
    Putignano; Conversano; Alberobello; Polignano a Mare
BT|Barletta-Andria-Trani|110|puglia|Barletta; Andria; Trani; Bisceglie; Canosa di Puglia;
    Margherita di Savoia
TA|Taranto|073|puglia|Taranto; Martina Franca; Grottaglie; Manduria; Massafra; Castellaneta
BR|Brindisi|074|puglia|Brindisi; Fasano; Francavilla Fontana; Ostuni; Mesagne; Ceglie Messapica
LE|Lecce|075|puglia|Lecce; Nardò; Galatina; Gallipoli; Casarano; Copertino; Tricase; Otranto; Maglie
PZ|Potenza|076|basilicata|Potenza; Melfi; Rionero in Vulture; Lauria; Avigliano; Venosa
MT|Matera|077|basilicata|Matera; Pisticci; Policoro; Bernalda; Montescaglioso
CS|Cosenza|078|calabria|Cosenza; Rende; Castrovillari; Acri; Paola; Amantea; San Giovanni in Fiore
CZ|Catanzaro|079|calabria|Catanzaro; Lamezia Terme; Soverato
RC|Reggio Calabria|080|calabria|Reggio di Calabria; Gioia Tauro; Palmi; Siderno; Locri;
    Villa San Giovanni; Scilla
KR|Crotone|101|calabria|Crotone; Isola di Capo Rizzuto; Cirò Marina
VV|Vibo Valentia|102|calabria|Vibo Valentia; Tropea; Pizzo; Serra San Bruno
TP|Trapani|081|sicilia|Trapani; Marsala; Mazara del Vallo; Alcamo; Castelvetrano; Erice
PA|Palermo|082|sicilia|Palermo; Bagheria; Carini; Monreale; Partinico; Termini Imerese; Cefalù;
    Corleone
ME|Messina|083|sicilia|Messina; Barcellona Pozzo di Gotto; Milazzo; Taormina; Patti;
    Sant'Agata di Militello; Lipari
AG|Agrigento|084|sicilia|Agrigento; Sciacca; Licata; Canicattì; Favara; Porto Empedocle
CL|Caltanissetta|085|sicilia|Caltanissetta; Gela; Niscemi; San Cataldo
EN|Enna|086|sicilia|Enna; Piazza Armerina; Nicosia; Leonforte
CT|Catania|087|sicilia|Catania; Acireale; Misterbianco; Paternò; Caltagirone; Adrano; Giarre; Bronte;
    Aci Castello
RG|Ragusa|088|sicilia|Ragusa; Vittoria; Modica; Comiso; Scicli; Pozzallo
SR|Siracusa|089|sicilia|Siracusa; Augusta; Avola; Noto; Lentini; Pachino
SS|Sassari|090|sardegna|Sassari; Alghero; Porto Torres; Sorso; Ozieri
NU|Nuoro|091|sardegna|Nuoro; Siniscola; Macomer; Dorgali
CA|Cagliari|092|sardegna|Cagliari; Quartu Sant'Elena; Selargius; Assemini; Capoterra; Monserrato
OR|Oristano|095|sardegna|Oristano; Terralba; Cabras; Bosa
"""

#: English names where English has its own
_EXONYMS = {"Torino": "Turin", "Milano": "Milan", "Genova": "Genoa", "Venezia": "Venice",
            "Padova": "Padua", "Mantova": "Mantua", "Firenze": "Florence", "Roma": "Rome",
            "Napoli": "Naples", "Siracusa": "Syracuse", "Sardegna": "Sardinia"}

# --- names and words -------------------------------------------------------------------------------

_GIVEN = ("Alessandro", "Andrea", "Anna", "Antonio", "Beatrice", "Carlo", "Chiara", "Claudia",
          "Cristina", "Daniela", "Davide", "Elena", "Elisa", "Emanuele", "Federica", "Francesca",
          "Francesco", "Gabriele", "Giacomo", "Giorgio", "Giovanna", "Giovanni", "Giulia", "Giuseppe",
          "Ilaria", "Irene", "Laura", "Lorenzo", "Luca", "Lucia", "Marco", "Maria", "Marta", "Martina",
          "Massimo", "Matteo", "Michele", "Monica", "Nicola", "Paola", "Paolo", "Pietro", "Roberta",
          "Roberto", "Sara", "Serena", "Silvia", "Simone", "Stefano", "Valentina", "Valeria",
          "Vincenzo")
_FAMILY = ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
           "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano",
           "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi",
           "Caruso", "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile", "Martinelli",
           "Vitale", "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti", "Parisi",
           "Villa", "Conte", "Ferraro", "Ferri", "Fabbri", "Bianco", "Marini", "Grasso", "Valentini",
           "Messina", "Sala", "De Angelis", "Gatti", "Pellegrini", "Palumbo", "Sanna", "Farina",
           "Rizzi", "Monti", "Cattaneo", "Morelli", "Amato", "Silvestri", "Mazza", "Testa",
           "Grassi", "Pellegrino", "Carbone", "Giuliani", "Benedetti", "Barone", "Caputo",
           "Montanari", "Guerra", "Palmieri", "Bernardi", "Fiore", "De Rosa", "Ferretti", "Bellini",
           "Basile", "Riva", "Donati", "Piras", "Battaglia", "Sartori", "Neri", "Milani", "Pagano",
           "Sorrentino", "Orlando", "Durando", "Borzaga", "Giraudo", "Bertola", "Dalmasso")
_ORG_NAMES = ("Il Ponte", "La Rete", "Il Girasole", "La Bottega", "Il Seme", "L'Approdo", "La Quercia",
              "Il Laboratorio", "Arcobaleno", "Orizzonti", "Il Sentiero", "La Tenda", "Il Cortile",
              "Terra Nuova", "Il Faro", "La Lanterna", "Insieme", "Progetto Lavoro", "La Fenice",
              "Il Germoglio", "Solidarietà", "Il Mosaico", "La Strada", "Il Melograno", "La Ginestra",
              "Il Quadrifoglio", "Il Gabbiano", "L'Aquilone", "La Sorgente", "Il Granello",
              "La Collina", "Il Filo", "Casa Aperta", "Il Tiglio", "La Spiga", "Nuovi Orizzonti")
#: slug part, Italian name, English name, types, nonprofit status, weight
_ORG_KINDS = (
    ("cooperativa-sociale", "Cooperativa sociale", "social cooperative",
     ("schema:Cooperative", "schema:Organization", "org:FormalOrganization"),
     "schema:ITCooperativeCharity", 30),
    ("cooperativa-inserimento", "Cooperativa sociale di inserimento lavorativo",
     "work-integration social cooperative",
     ("schema:Cooperative", "schema:Organization", "cisem:WorkIntegrationSocialCooperative",
      "org:FormalOrganization"), "schema:ITCooperativeCharity", 25),
    ("cooperativa-agricola-sociale", "Cooperativa agricola sociale", "social farming cooperative",
     ("schema:Cooperative", "schema:Organization", "cisem:SocialFarmingCooperative",
      "org:FormalOrganization"), None, 10),
    ("impresa-sociale", "Impresa sociale", "social enterprise",
     ("schema:Organization", "org:FormalOrganization"), "schema:ITSocialCompanyCharity", 10),
    ("associazione", "Associazione di promozione sociale", "social promotion association",
     ("schema:NGO", "schema:Organization"), "schema:ITSocialPromotionCharity", 12),
    ("odv", "Organizzazione di volontariato", "volunteer organization",
     ("schema:NGO", "schema:Organization"), "schema:ITVolunteerAssociationCharity", 8),
    ("consorzio", "Consorzio di cooperative sociali", "consortium of social cooperatives",
     ("schema:Cooperative", "schema:Organization", "org:FormalOrganization"),
     "schema:ITCooperativeCharity", 5),
)
#: Italian, English role names
_ROLES = (("Presidente", "President"), ("Vicepresidente", "Vice-president"),
          ("Consigliere", "Board member"), ("Direttore", "Director"),
          ("Socio fondatore", "Founding member"), ("Coordinatrice", "Coordinator"),
          ("Responsabile inserimento lavorativo", "Work-integration manager"), ("Tesoriere", "Treasurer"))
#: concept slug (ontology/themes.ttl), Italian topic, English topic
_THEMES = (
    ("impresa-sociale", "l'impresa sociale", "social enterprise"),
    ("inserimento-lavorativo", "l'inserimento lavorativo", "work integration"),
    ("cooperazione-sociale", "la cooperazione sociale", "social cooperation"),
    ("accesso-al-credito", "l'accesso al credito", "access to credit"),
    ("terzo-settore", "la riforma del Terzo Settore", "the Third Sector reform"),
    ("politiche-attive-del-lavoro", "le politiche attive del lavoro", "active labour-market policy"),
    ("agricoltura-sociale", "l'agricoltura sociale", "social farming"),
    ("rete-profit-non-profit", "le reti tra profit e non profit", "for-profit and non-profit networks"),
    ("formazione", "la formazione", "training"),
    ("economia-locale", "l'economia locale", "the local economy"),
    ("microcredito", "il microcredito", "microcredit"),
    ("bilancio-delle-imprese-sociali", "il bilancio delle imprese sociali",
     "social enterprises' financial statements"),
    ("cooperazione-di-inserimento-lavorativo", "la cooperazione di inserimento lavorativo",
     "work-integration cooperation"),
    ("cultura-imprenditoriale-sociale", "la cultura d'impresa sociale", "social-enterprise culture"),
)
_FORMATS = (("Webinar", "Webinar"), ("Convegno", "Conference"), ("Seminario", "Seminar"),
            ("Incontro", "Meeting"), ("Laboratorio", "Workshop"), ("Tavola rotonda", "Round table"))
_PLATFORMS = ("Zoom", "Google Meet", "Microsoft Teams", "Webex")
_STATUSES = (("schema:EventScheduled", 90), ("schema:EventCancelled", 3), ("schema:EventPostponed", 3),
             ("schema:EventRescheduled", 2), ("schema:EventMovedOnline", 2))

PREFIXES = """@prefix schema: <https://schema.org/> .
@prefix cisem: <ontology#> .
@prefix organization: <id/organization/> .
@prefix person: <id/person/> .
@prefix place: <id/place/> .
@prefix event: <id/event/> .
@prefix series: <id/series/> .
@prefix role: <id/role/> .
@prefix concept: <id/concept/> .
@prefix article: <id/article/> .
@prefix quotation: <id/quotation/> .
@prefix periodical: <id/periodical/> .
@prefix graph: <graph/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix cov: <https://w3id.org/italia/onto/COV/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

"""


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def lit(text: str, lang: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"' + (f"@{lang}" if lang else "")


def typed(value: str, datatype: str) -> str:
    return f'"{value}"^^xsd:{datatype}'


def english(name: str) -> str:
    return _EXONYMS.get(name, name)


@dataclass
class Province:
    sigla: str
    name: str
    code: str
    region: str
    slug: str
    comuni: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)


def places() -> tuple[list[Province], dict[str, tuple[str, str]]]:
    """The provinces with their comuni, and comune slug -> (name, province sigla)."""
    provinces, comuni, seen = [], {}, set()
    for line in re.sub(r";\n\s+", "; ", _PROVINCES.strip()).splitlines():
        sigla, name, code, region, names = line.split("|")
        province = Province(sigla, name, code, region, f"provincia-di-{slugify(name)}")
        for comune in (n.strip() for n in names.split(";")):
            slug = slugify(comune)
            if slug in seen:
                slug = f"{slug}-{sigla.lower()}"
            seen.add(slug)
            province.comuni.append((slug, comune))
            comuni[slug] = (comune, sigla)
        provinces.append(province)
    return provinces, comuni


# --- writing ---------------------------------------------------------------------------------------

class Turtle:
    """One data file: the prefixes, the graph description, then subjects with their statements."""

    def __init__(self, name: str, title_it: str, title_en: str, about_it: str, about_en: str) -> None:
        self.name = name
        self.parts: list[str] = [PREFIXES]
        source = f"<https://example.org/cisem-bench/{name}>"
        self.subject(f"graph:{name}", [
            ("a", ["prov:Entity"]),
            ("dct:title", [lit(title_it, "it"), lit(title_en, "en")]),
            ("dct:description", [lit(about_it, "it"), lit(about_en, "en")]),
            ("dct:source", [source]),
            ("prov:wasDerivedFrom", [source]),
            ("dct:issued", [typed("2025-01-15", "date")]),
            ("dct:license", [f"<{LICENSE}>"]),
        ])

    def subject(self, subject: str, statements: list[tuple[str, list[str]]]) -> None:
        lines = [subject]
        body = [f"    {p} {', '.join(objects)}" for p, objects in statements if objects]
        self.parts.append(lines[0] + "\n" + " ;\n".join(body) + " .\n\n")

    def text(self) -> str:
        return "".join(self.parts)


def bnode(statements: list[tuple[str, list[str]]]) -> str:
    return "[ " + " ; ".join(f"{p} {', '.join(o)}" for p, o in statements) + " ]"


def offset(moment: datetime) -> timezone:
    """Italy's UTC offset on that day: +02:00 from the last Sunday of March to the last Sunday of
    October, else +01:00 (the change at 02:00/03:00 is not modelled)."""
    def last_sunday(month: int) -> datetime:
        day = datetime(moment.year, month, 31)
        return day - timedelta(days=(day.weekday() + 1) % 7)
    summer = last_sunday(3) <= moment.replace(tzinfo=None) < last_sunday(10)
    return timezone(timedelta(hours=2 if summer else 1))


# --- the network -----------------------------------------------------------------------------------

@dataclass
class National:
    """What was written, for the benchmark's parameters."""

    root: Path
    seed: int
    target: int
    triples: int = 0  # data files only, as parsed by pyoxigraph
    files: dict[str, int] = field(default_factory=dict)  # file name -> bytes
    slugs: dict[str, list[str]] = field(default_factory=dict)  # kind -> slugs
    graphs: list[str] = field(default_factory=list)
    committees: list[str] = field(default_factory=list)
    organizers: list[str] = field(default_factory=list)
    quoted: list[str] = field(default_factory=list)  # persons with a quotation
    provinces: list[str] = field(default_factory=list)
    units: int = 0


def _network(rng: random.Random, units: int) -> tuple[dict[str, str], National]:
    """The Turtle text of every data file for ``units`` organizations."""
    provinces, comuni = places()
    out = National(Path("."), 0, 0)
    out.units = units
    files: dict[str, Turtle] = {}
    slugs: dict[str, list[str]] = {k: [] for k in ("place", "organization", "person", "role", "event",
                                                   "series", "article", "quotation", "periodical")}
    region_name = {key: (it, en, code) for key, it, en, code in REGIONS}

    # -- places
    luoghi = Turtle("luoghi-italia", "Regioni, province e comuni italiani (elenco del benchmark)",
                    "Italian regions, provinces and municipalities (benchmark list)",
                    "Le 20 regioni con il codice ISTAT, le province storiche con codice ISTAT e sigla, "
                    "e un elenco di comuni reali (non completo), ciascuno nella sua provincia.",
                    "The 20 regions with their ISTAT codes, the historical provinces with ISTAT code "
                    "and abbreviation, and a list of real municipalities (not complete), each in its "
                    "province.")
    files["luoghi-italia"] = luoghi
    luoghi.subject("place:italia", [("a", ["schema:Country", "schema:Place"]),
                                    ("schema:name", [lit("Italia", "it"), lit("Italy", "en")])])
    for key, it, en, code in REGIONS:
        luoghi.subject(f"place:{key}", [
            ("a", ["schema:AdministrativeArea", "schema:Place"]),
            ("schema:name", [lit(it, "it"), lit(en, "en")]),
            ("schema:containedInPlace", ["place:italia"]),
            ("schema:identifier", [bnode([("a", ["schema:PropertyValue"]),
                                          ("schema:propertyID", [lit("ISTAT-regione")]),
                                          ("schema:value", [lit(code)])])]),
        ])
        slugs["place"].append(key)
    for province in provinces:
        luoghi.subject(f"place:{province.slug}", [
            ("a", ["schema:AdministrativeArea", "schema:Place"]),
            ("schema:name", [lit(f"Provincia di {province.name}", "it"),
                             lit(f"Province of {english(province.name)}", "en")]),
            ("schema:containedInPlace", [f"place:{province.region}"]),
            ("schema:identifier", [
                bnode([("a", ["schema:PropertyValue"]), ("schema:propertyID", [lit("ISTAT-provincia")]),
                       ("schema:value", [lit(province.code)])]),
                bnode([("a", ["schema:PropertyValue"]), ("schema:propertyID", [lit("sigla-provincia")]),
                       ("schema:value", [lit(province.sigla)])])]),
        ])
        slugs["place"].append(province.slug)
        out.provinces.append(province.slug)

    def regional(prefix: str, key: str, what_it: str, what_en: str) -> Turtle:
        name = f"{prefix}-{key}"
        if name not in files:
            it, en, _ = region_name[key]
            files[name] = Turtle(
                name, f"{what_it.capitalize()}: {it}", f"{what_en.capitalize()}: {en}",
                f"Dati sintetici del benchmark nazionale: {what_it} della regione {it}.",
                f"Synthetic data of the national benchmark: {what_en} of the region {en}.")
        return files[name]

    # -- organizations: a chamber of commerce and its committee per province, then the network
    orgs: list[dict] = []  # slug, name_it, region, comune, kind
    for province in provinces:
        org_file = regional("organizzazioni", province.region, "organizzazioni", "organizations")
        capital_slug, capital = province.comuni[0]
        chamber = f"camera-di-commercio-di-{slugify(province.name)}"
        committee = f"comitato-economia-sociale-{slugify(province.name)}"
        org_file.subject(f"organization:{chamber}", [
            ("a", ["schema:GovernmentOrganization", "schema:Organization", "cov:PublicOrganization",
                   "org:FormalOrganization"]),
            ("schema:name", [lit(f"Camera di Commercio di {province.name}", "it"),
                             lit(f"Chamber of Commerce of {english(province.name)}", "en")]),
            ("schema:location", [f"place:{capital_slug}"]),
            ("schema:url", [f"<https://www.example.org/camera-{slugify(province.name)}/>"]),
            ("schema:subOrganization", [f"organization:{committee}"]),
            ("org:hasUnit", [f"organization:{committee}"]),
        ])
        org_file.subject(f"organization:{committee}", [
            ("a", ["schema:Organization", "cisem:Committee", "org:OrganizationalUnit", "cov:Organization"]),
            ("schema:name", [lit(f"Comitato per l'economia sociale di {province.name}", "it"),
                             lit(f"Social Economy Committee of {english(province.name)}", "en")]),
            ("schema:description", [
                lit(f"Comitato della Camera di Commercio di {province.name} dedicato all'impresa "
                    "sociale e al microcredito.", "it"),
                lit(f"A committee of the Chamber of Commerce of {english(province.name)} devoted to "
                    "social enterprise and microcredit.", "en")]),
            ("schema:parentOrganization", [f"organization:{chamber}"]),
            ("org:unitOf", [f"organization:{chamber}"]),
            ("schema:knowsAbout", ["concept:impresa-sociale", "concept:microcredito"]),
            ("schema:location", [f"place:{capital_slug}"]),
        ])
        slugs["organization"] += [chamber, committee]
        out.committees.append(committee)
        orgs.append({"slug": committee, "name": f"Comitato per l'economia sociale di {province.name}",
                     "region": province.region, "comune": capital_slug, "kind": "committee",
                     "roles": [], "members": []})
    all_comuni = [(slug, province) for province in provinces for slug, _ in province.comuni]
    weights = [k[5] for k in _ORG_KINDS]
    for i in range(units):
        comune_slug, province = rng.choice(all_comuni)
        comune = comuni[comune_slug][0]
        kind = rng.choices(_ORG_KINDS, weights)[0]
        slug_part, kind_it, kind_en, types, status, _ = kind
        base_name = rng.choice(_ORG_NAMES)
        slug = f"{slug_part}-{slugify(base_name)}-{comune_slug}-{i}"
        name_it = f"{kind_it} {base_name} di {comune}"
        name_en = f"{base_name} {kind_en} ({english(comune)})"
        themes = rng.sample(_THEMES, rng.randint(1, 3))
        statements = [
            ("a", list(types)),
            ("schema:name", [lit(name_it, "it"), lit(name_en, "en")]),
            ("schema:alternateName", [lit(f"{base_name} {comune}")] if rng.random() < 0.3 else []),
            ("schema:description", [
                lit(f"{kind_it} con sede a {comune}, in provincia di {province.name}, che si occupa "
                    f"di {themes[0][1]}.", "it"),
                lit(f"A {kind_en} based in {english(comune)}, in the province of "
                    f"{english(province.name)}, working on {themes[0][2]}.", "en")]),
            ("schema:foundingDate", [typed(f"{rng.randint(1975, 2022)}-{rng.randint(1, 12):02d}-"
                                           f"{rng.randint(1, 28):02d}", "date")]),
            ("schema:url", [f"<https://{slug}.example.org/>"]),
            ("schema:location", [f"place:{comune_slug}"]),
            ("schema:nonprofitStatus", [status] if status else []),
            ("schema:knowsAbout", [f"concept:{t[0]}" for t in themes]),
        ]
        if rng.random() < 0.4:
            statements.append(("schema:address", [bnode([
                ("a", ["schema:PostalAddress"]), ("schema:addressLocality", [lit(comune)]),
                ("schema:addressCountry", [lit("IT")])])]))
        org = {"slug": slug, "name": name_it, "region": province.region, "comune": comune_slug,
               "kind": slug_part, "statements": statements, "roles": [], "members": [],
               "province": province}
        orgs.append(org)
        slugs["organization"].append(slug)

    # the comuni the network refers to (every provincial capital and where organizations are)
    used = {o["comune"] for o in orgs}
    for province in provinces:
        for slug, name in province.comuni:
            if slug in used:
                luoghi.subject(f"place:{slug}", [
                    ("a", ["schema:City", "schema:Place"]),
                    ("schema:name", [lit(name, "it"), lit(english(name), "en")]),
                    ("schema:containedInPlace", [f"place:{province.slug}"]),
                ])
                slugs["place"].append(slug)

    # -- people and roles: 2 people per organization on average, 1-2 roles each
    people: list[dict] = []
    network = [o for o in orgs if o["kind"] != "committee"]
    committees = [o for o in orgs if o["kind"] == "committee"]
    n_people = 2 * units
    for i in range(n_people):
        given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
        slug = f"{slugify(given)}-{slugify(family)}-{i}"
        home = rng.choice(network) if network else rng.choice(committees)
        person = {"slug": slug, "name": f"{given} {family}", "given": given, "family": family,
                  "region": home["region"], "roles": [], "orgs": [home]}
        # a second role, in a committee or another organization of the region, for some
        if rng.random() < 0.25:
            person["orgs"].append(rng.choice(committees) if rng.random() < 0.3 else rng.choice(network))
        for n, org in enumerate(person["orgs"]):
            role_it, role_en = rng.choice(_ROLES)
            role_slug = f"{slug}-{slugify(role_it)}-{n}"
            start = rng.randint(1995, 2023)
            role = {"slug": role_slug, "org": org, "it": role_it, "en": role_en, "start": start,
                    "end": rng.randint(start + 1, 2025) if rng.random() < 0.2 and start < 2024 else None}
            person["roles"].append(role)
            org["roles"].append(role)
            slugs["role"].append(role_slug)
        people.append(person)
        slugs["person"].append(slug)

    # write organizations (their schema:member roles are known now)
    for org in orgs:
        if org["kind"] == "committee":
            if org["roles"]:
                regional("organizzazioni", org["region"], "", "").subject(
                    f"organization:{org['slug']}",
                    [("schema:member", [f"role:{r['slug']}" for r in org["roles"]])])
            continue
        statements = org["statements"] + [("schema:member", [f"role:{r['slug']}" for r in org["roles"]])]
        regional("organizzazioni", org["region"], "", "").subject(f"organization:{org['slug']}", statements)
    for person in people:
        target = regional("persone", person["region"], "persone e ruoli", "people and roles")
        target.subject(f"person:{person['slug']}", [
            ("a", ["schema:Person"]),
            ("schema:name", [lit(person["name"], "it"), lit(person["name"], "en")]),
            ("schema:givenName", [lit(person["given"])]),
            ("schema:familyName", [lit(person["family"])]),
            ("schema:memberOf", [f"role:{r['slug']}" for r in person["roles"]]),
        ])
        for role in person["roles"]:
            org = role["org"]
            org_en = org["name"]
            target.subject(f"role:{role['slug']}", [
                ("a", ["schema:OrganizationRole", "schema:Role", "org:Membership"]),
                ("schema:name", [lit(f"{person['name']}, {role['it'].lower()} di {org['name']}", "it"),
                                 lit(f"{person['name']}, {role['en']} of {org_en}", "en")]),
                ("schema:roleName", [lit(role["it"], "it"), lit(role["en"], "en")]),
                ("schema:member", [f"person:{person['slug']}"]),
                ("schema:memberOf", [f"organization:{org['slug']}"]),
                ("org:member", [f"person:{person['slug']}"]),
                ("org:organization", [f"organization:{org['slug']}"]),
                ("schema:startDate", [typed(str(role["start"]), "gYear")]),
                ("schema:endDate", [typed(str(role["end"]), "gYear")] if role["end"] else []),
            ])

    # -- one periodical per region, edited by a person of the region
    by_region: dict[str, list[dict]] = {}
    for person in people:
        by_region.setdefault(person["region"], []).append(person)
    for key, it, en, _ in REGIONS:
        editors = by_region.get(key)
        if not editors:
            continue
        editor = rng.choice(editors)
        publisher = next((o for o in committees if o["region"] == key), None)
        target = regional("organizzazioni", key, "organizzazioni", "organizations")
        slug = f"notiziario-economia-sociale-{key}"
        role_slug = f"{editor['slug']}-direttore-{slug}"
        target.subject(f"periodical:{slug}", [
            ("a", ["schema:Periodical"]),
            ("schema:name", [lit(f"Notiziario dell'economia sociale – {it}", "it"),
                             lit(f"Social economy newsletter – {en}", "en")]),
            ("schema:url", [f"<https://www.example.org/notiziario/{key}/>"]),
            ("schema:publisher", [f"organization:{publisher['slug']}"] if publisher else []),
            ("schema:editor", [f"role:{role_slug}"]),
        ])
        target.subject(f"role:{role_slug}", [
            ("a", ["schema:Role"]),
            ("schema:name", [lit(f"{editor['name']}, direttore del notiziario", "it"),
                             lit(f"{editor['name']}, editor of the newsletter", "en")]),
            ("schema:roleName", [lit("Direttore", "it"), lit("Editor", "en")]),
            ("schema:editor", [f"person:{editor['slug']}"]),
        ])
        slugs["periodical"].append(slug)
        slugs["role"].append(role_slug)

    # -- events: 1.2 per organization, spread over the years; committees and consortia hold series
    people_of: dict[str, list[dict]] = {}
    for person in people:
        for org in person["orgs"]:
            people_of.setdefault(org["slug"], []).append(person)
    regional_people = by_region
    hosts = committees + [o for o in network if o["kind"] == "consorzio"]
    organizers = set()
    n_events = int(1.2 * units) + 3
    plan: dict[int, list[tuple[dict, str | None]]] = {year: [] for year in YEARS}
    series_of: dict[tuple[str, int], str] = {}
    for _ in range(n_events):
        year = rng.choice(YEARS)
        if rng.random() < 0.5 and hosts:
            host = rng.choice(hosts)
            key = (host["slug"], year)
            series_of.setdefault(key, f"{host['slug']}-{year}")
            plan[year].append((host, series_of[key]))
        else:
            plan[year].append((rng.choice(network) if network else rng.choice(committees), None))
    for year in YEARS:
        target = Turtle(f"eventi-{year}", f"Eventi della rete nel {year}", f"Events of the network in {year}",
                        f"Dati sintetici del benchmark nazionale: serie di eventi, eventi, comunicati e "
                        f"citazioni del {year}.",
                        f"Synthetic data of the national benchmark: event series, events, press releases "
                        f"and quotations of {year}.")
        files[f"eventi-{year}"] = target
        members: dict[str, list[str]] = {}
        series_host: dict[str, dict] = {}
        for i, (host, series) in enumerate(plan[year]):
            organizers.add(host["slug"])
            theme = rng.choice(_THEMES)
            fmt_it, fmt_en = rng.choice(_FORMATS)
            slug = f"{slugify(fmt_it)}-{theme[0][:24].rstrip('-')}-{year}-{i}"
            day = datetime(year, 1, 1) + timedelta(days=rng.randrange(365),
                                                   hours=rng.choice((9, 10, 14, 15, 17, 18)))
            start = day.replace(tzinfo=offset(day))
            end = start + timedelta(hours=rng.choice((1, 2, 3)), minutes=rng.choice((0, 30)))
            mode = rng.choices(("online", "offline", "mixed"), (45, 40, 15))[0]
            locations = []
            if mode in ("offline", "mixed"):
                locations.append(f"place:{host['comune']}")
            if mode in ("online", "mixed"):
                platform = rng.choice(_PLATFORMS)
                locations.append(bnode([("a", ["schema:VirtualLocation"]), ("schema:name", [lit(platform)])]))
            pool = regional_people.get(host["region"]) or people
            speakers = [f"person:{p['slug']}" for p in rng.sample(pool, min(len(pool), rng.randint(1, 4)))]
            if rng.random() < 0.2 and network:
                speakers.append(f"organization:{rng.choice(network)['slug']}")
            status = rng.choices([s for s, _ in _STATUSES], [w for _, w in _STATUSES])[0]
            comune = comuni[host["comune"]][0]
            title_it = f"{fmt_it}: {theme[1]} a {comune}"
            title_en = f"{fmt_en}: {theme[2]} in {english(comune)}"
            target.subject(f"event:{slug}", [
                ("a", ["schema:Event"] + (["schema:EducationEvent"] if fmt_it == "Laboratorio" else [])),
                ("schema:name", [lit(f"{title_it} ({i + 1})", "it"), lit(f"{title_en} ({i + 1})", "en")]),
                ("schema:description", [
                    lit(f"{fmt_it} organizzato da {host['name']} su {theme[1]}.", "it"),
                    lit(f"A {fmt_en.lower()} on {theme[2]} held by {host['name']}.", "en")]),
                ("schema:startDate", [typed(start.isoformat(), "dateTime")]),
                ("schema:endDate", [typed(end.isoformat(), "dateTime")]),
                ("schema:eventAttendanceMode", [{"online": "schema:OnlineEventAttendanceMode",
                                                 "offline": "schema:OfflineEventAttendanceMode",
                                                 "mixed": "schema:MixedEventAttendanceMode"}[mode]]),
                ("schema:eventStatus", [status]),
                ("schema:inLanguage", [lit("it" if rng.random() < 0.9 else "en")]),
                ("schema:organizer", [f"organization:{host['slug']}"]),
                ("schema:performer", speakers),
                ("schema:location", locations),
                ("schema:about", [f"concept:{theme[0]}"]),
                ("schema:superEvent", [f"series:{series}"] if series else []),
            ])
            slugs["event"].append(slug)
            if series:
                members.setdefault(series, []).append(slug)
                series_host[series] = host
            # a press release about one event in five, quoting its first speaker
            if rng.random() < 0.2 and speakers[0].startswith("person:"):
                article_slug = f"comunicato-{slug}"
                quote_slug = f"citazione-{slug}"
                speaker = speakers[0]
                target.subject(f"article:{article_slug}", [
                    ("a", ["schema:NewsArticle"]),
                    ("schema:name", [lit(f"Comunicato stampa: {title_it}", "it"),
                                     lit(f"Press release: {title_en}", "en")]),
                    ("schema:genre", [lit("comunicato stampa", "it"), lit("press release", "en")]),
                    ("schema:inLanguage", [lit("it")]),
                    ("schema:datePublished", [typed((start - timedelta(days=rng.randint(3, 14))).date()
                                                    .isoformat(), "date")]),
                    ("schema:about", [f"event:{slug}"]),
                    ("schema:mentions", [f"organization:{host['slug']}", speaker, f"place:{host['comune']}"]),
                    ("schema:hasPart", [f"quotation:{quote_slug}"]),
                ])
                target.subject(f"quotation:{quote_slug}", [
                    ("a", ["schema:Quotation"]),
                    ("schema:name", [lit(f"Dichiarazione sul tema: {theme[1]}", "it"),
                                     lit(f"Statement on {theme[2]}", "en")]),
                    ("schema:text", [lit(f"Su {theme[1]} il nostro territorio può fare molto: "
                                         f"questo incontro a {comune} è un primo passo.", "it")]),
                    ("schema:inLanguage", [lit("it")]),
                    ("schema:creator", [speaker]),
                    ("schema:isPartOf", [f"article:{article_slug}"]),
                    ("schema:about", [f"event:{slug}"]),
                ])
                slugs["article"].append(article_slug)
                slugs["quotation"].append(quote_slug)
                out.quoted.append(speaker.split(":", 1)[1])
        for series, events in members.items():
            host = series_host[series]
            target.subject(f"series:{series}", [
                ("a", ["schema:EventSeries"]),
                ("schema:name", [lit(f"Incontri {year} – {host['name']}", "it"),
                                 lit(f"{year} meetings – {host['name']}", "en")]),
                ("schema:description", [lit(f"Gli incontri organizzati nel {year} da {host['name']}.", "it"),
                                        lit(f"The meetings held in {year} by {host['name']}.", "en")]),
                ("schema:organizer", [f"organization:{host['slug']}"]),
                ("schema:subEvent", [f"event:{e}" for e in events]),
            ])
            slugs["series"].append(series)
    out.organizers = sorted(organizers)
    out.slugs = slugs
    return {name: f.text() for name, f in sorted(files.items())}, out


def count_triples(texts: dict[str, str]) -> int:
    from pyoxigraph import RdfFormat, parse

    return sum(sum(1 for _ in parse(text.encode(), RdfFormat.TURTLE, base_iri=BASE_IRI))
               for text in texts.values())


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


def generate(root: Path, triples: int, seed: int = 20210614) -> National:
    """Write the project folder ``root`` with about ``triples`` data triples (the exact count is
    returned). Replaces what was in ``root``'s data/, ontology/, shapes/ and queries/."""
    root = Path(root)
    # places and chambers do not grow with the size: two small runs give the fixed part and the
    # triples per organization, the third is the one written
    small, texts, _ = 20, *_network(random.Random(seed), 20)
    fixed = count_triples(texts)
    probe = max(40, min(2000, triples // 100))
    per_unit = (count_triples(_network(random.Random(seed), probe)[0]) - fixed) / (probe - small)
    units = max(5, small + round((triples - fixed) / per_unit))
    texts, info = _network(random.Random(seed), units)
    count = count_triples(texts)
    data = root / "data"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    for folder in ("ontology", "shapes", "queries"):
        shutil.rmtree(root / folder, ignore_errors=True)
        shutil.copytree(REPO / folder, root / folder)
    for name, text in texts.items():
        body = text.encode("utf-8")
        (data / f"{name}.ttl").write_bytes(body)
        info.files[f"{name}.ttl"] = len(body)
    info.root, info.seed, info.target, info.triples = root, seed, triples, count
    info.graphs = [f"{BASE_IRI}graph/{name}" for name in texts]
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="project folder to write")
    parser.add_argument("--triples", default="10k", help="about how many data triples (10k, 100k, 1m)")
    parser.add_argument("--seed", type=int, default=20210614)
    args = parser.parse_args(argv)
    info = generate(args.out, parse_size(args.triples), args.seed)
    print(f"{info.triples:,} triples in {len(info.files)} files ({sum(info.files.values()):,} bytes), "
          f"{info.units:,} organizations; " + ", ".join(f"{k} {len(v):,}" for k, v in info.slugs.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
