"""The two languages of the web pages: which one a request gets, and the words for each.

Swedish is the default (the users are Swedish strategists); ``?lang=en`` switches to
English and a cookie keeps the choice for the following pages.
"""

from collections.abc import Mapping

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
COOKIE = "lang"

MESSAGES: dict[str, dict[str, str]] = {
    "site_title": {"sv": "HSVO-grafen", "en": "HSVO graph"},
    "site_tagline": {
        "sv": "Styrningen av hälsa, stöd, vård och omsorg i Uppsala län",
        "en": "Governance of health, support, care and welfare in Uppsala county",
    },
    "skip_to_content": {"sv": "Hoppa till innehållet", "en": "Skip to content"},
    "main_menu": {"sv": "Huvudmeny", "en": "Main menu"},
    "nav_questions": {"sv": "Frågor", "en": "Questions"},
    "nav_pictures": {"sv": "Bilder", "en": "Pictures"},
    "nav_validate": {"sv": "Kontrollera en plan", "en": "Check a plan"},
    "nav_researchers": {"sv": "För forskare", "en": "For researchers"},
    "switch_language": {"sv": "In English", "en": "På svenska"},
    "error_title": {"sv": "Det gick inte", "en": "That did not work"},
    "error_back": {"sv": "Till startsidan", "en": "To the start page"},
    "intro": {
        "sv": "En kunskapsgraf över samverkan inom hälsa, stöd, vård och omsorg (HSVO) mellan "
              "Region Uppsala och kommunerna i Uppsala län: organ och deras mandat, styrdokument, "
              "mål och aktiviteter – varje uppgift med källa.",
        "en": "A knowledge graph of the HSVO (health, support, care and welfare) collaboration "
              "between Region Uppsala and the municipalities of Uppsala county: bodies and their "
              "mandates, governing documents, goals and activities – each fact with its source.",
    },
    "questions_heading": {"sv": "Vad vill du veta?", "en": "What do you want to know?"},
    "questions_hint": {
        "sv": "Välj en fråga, fyll i formuläret och ladda ner svaret som CSV, Excel eller JSON.",
        "en": "Pick a question, fill in the form, and download the answer as CSV, Excel or JSON.",
    },
    "example": {"sv": "exempel", "en": "example"},
    "pictures_heading": {"sv": "Bilder", "en": "Pictures"},
    "orgchart_title": {"sv": "Organisationen", "en": "The organisation"},
    "orgchart_description": {
        "sv": "Samverkansorganen på läns- och lokal nivå, politiska och på tjänstepersonsnivå, "
              "med deras mandat.",
        "en": "The collaboration bodies at county and local level, political and civil-servant, "
              "with their mandates.",
    },
    "heatmap_title": {"sv": "Aktiviteter per organ och område", "en": "Activities per body and area"},
    "heatmap_description": {
        "sv": "Hur många aktiviteter varje organ är ansvarigt för eller delaktigt i, per "
              "prioriterat område och år.",
        "en": "How many activities each body is responsible for or takes part in, per "
              "prioritised area and year.",
    },
    "goaltree_title": {"sv": "Målträdet", "en": "The goal tree"},
    "goaltree_description": {
        "sv": "Från länsstrategins fokusområden via lokala prioriteringar till årets aktiviteter.",
        "en": "From the county strategy's focus areas through local priorities to the year's "
              "activities.",
    },
    "researchers_heading": {"sv": "För forskare", "en": "For researchers"},
    "sparql_endpoint": {"sv": "SPARQL 1.1-endpoint (endast läsning)",
                        "en": "SPARQL 1.1 endpoint (read-only)"},
    "api_docs": {"sv": "API-dokumentation (OpenAPI)", "en": "API documentation (OpenAPI)"},
    "health": {"sv": "Driftstatus", "en": "Health"},
    "sparql_editor": {"sv": "Frågeeditor (YASGUI)", "en": "Query editor (YASGUI)"},
    "sparql_guide": {"sv": "guide med exempel", "en": "guide with examples"},
    "ontology_docs": {"sv": "Ontologins dokumentation", "en": "Ontology documentation"},
    "dumps": {"sv": "Hela datamängden", "en": "Whole dataset"},
    "prefixes": {"sv": "Prefix", "en": "Prefixes"},
    "triples_in": {"sv": "tripler i", "en": "triples in"},
    "version": {"sv": "version", "en": "version"},
    "run_query": {"sv": "Visa svaret", "en": "Show the answer"},
    "required": {"sv": "obligatorisk", "en": "required"},
    "choose": {"sv": "– välj –", "en": "– choose –"},
    "any": {"sv": "– alla –", "en": "– any –"},
    "multiple_hint": {
        "sv": "Håll ned Ctrl (⌘ på Mac) för att välja flera.",
        "en": "Hold Ctrl (⌘ on a Mac) to choose several.",
    },
    "results": {"sv": "Svar", "en": "Answer"},
    "question": {"sv": "Fråga", "en": "Question"},
    "rows": {"sv": "rader", "en": "rows"},
    "row": {"sv": "rad", "en": "row"},
    "no_rows": {"sv": "Inga träffar.", "en": "No matches."},
    "download": {"sv": "Ladda ner", "en": "Download"},
    "print": {"sv": "Skriv ut", "en": "Print"},
    "show_sparql": {"sv": "Visa SPARQL-frågan", "en": "Show the SPARQL query"},
    "fill_in_form": {
        "sv": "Fyll i formuläret och tryck på ”Visa svaret”.",
        "en": "Fill in the form and press “Show the answer”.",
    },
    "error": {"sv": "Fel", "en": "Error"},
    "not_found": {"sv": "Hittades inte", "en": "Not found"},
    "properties": {"sv": "Uppgifter", "en": "Facts"},
    "property": {"sv": "Egenskap", "en": "Property"},
    "value": {"sv": "Värde", "en": "Value"},
    "sources": {"sv": "Källor", "en": "Sources"},
    "source_document": {"sv": "Dokument", "en": "Document"},
    "section": {"sv": "Avsnitt", "en": "Section"},
    "page": {"sv": "Sida", "en": "Page"},
    "named_graph": {"sv": "Namngiven graf", "en": "Named graph"},
    "incoming": {"sv": "Hänvisas till av", "en": "Referred to by"},
    "cited_by": {"sv": "Uppgifter med detta dokument som källa", "en": "Facts sourced from this document"},
    "inferred": {"sv": "Härledda uppgifter", "en": "Inferred facts"},
    "other_formats": {"sv": "Som data", "en": "As data"},
    "type": {"sv": "Typ", "en": "Type"},
    "status": {"sv": "Status", "en": "Status"},
    "year": {"sv": "År", "en": "Year"},
    "all_years": {"sv": "Alla år", "en": "All years"},
    "show": {"sv": "Visa", "en": "Show"},
    "text_alternative": {"sv": "Samma uppgifter som text", "en": "The same facts as text"},
    "county_level": {"sv": "Länsnivå", "en": "County level"},
    "local_level": {"sv": "Lokal nivå", "en": "Local level"},
    "other_level": {"sv": "Nivå ej angiven", "en": "Level not stated"},
    "political_tier": {"sv": "Politisk nivå", "en": "Political tier"},
    "civil_servant_tier": {"sv": "Tjänstepersonsnivå", "en": "Civil-servant tier"},
    "other_tier": {"sv": "Övriga", "en": "Others"},
    "grants": {"sv": "befogenhet", "en": "power"},
    "withholds": {"sv": "inte", "en": "not"},
    "body": {"sv": "Organ", "en": "Body"},
    "area": {"sv": "Område", "en": "Area"},
    "activities": {"sv": "aktiviteter", "en": "activities"},
    "total": {"sv": "Totalt", "en": "Total"},
    "heatmap_legend": {
        "sv": "Talet i rutan är antalet aktiviteter; mörkare ruta = fler. Klicka på en ruta för "
              "att se aktiviteterna.",
        "en": "The number in a cell is the number of activities; darker = more. Click a cell to "
              "see the activities.",
    },
    "county_strategy": {"sv": "Länsstrategi", "en": "County strategy"},
    "local_priority": {"sv": "Lokal prioritering", "en": "Local priority"},
    "local_focus_area": {"sv": "Lokalt fokusområde", "en": "Local focus area"},
    "activity": {"sv": "Aktivitet", "en": "Activity"},
    "not_traced": {"sv": "(ingen koppling till länsstrategin)", "en": "(not traced to the county strategy)"},
    # the plan validation page (/validate)
    "validate_title": {"sv": 'Kontrollera en aktivitetslista', "en": 'Check an activity list'},
    "validate_lead": {"sv": 'Ladda upp en aktivitetslista eller samverkansberättelse (CSV, Excel eller RDF). Den kontrolleras mot grafens organ, mål och regler; inget sparas.', "en": "Upload an activity list or follow-up report (CSV, Excel or RDF). It is checked against the graph's bodies, goals and rules; nothing is stored."},
    "validate_file": {"sv": 'Fil', "en": 'File'},
    "validate_file_hint": {"sv": 'Kolumner: Prioriterat område, Lokalt fokusområde, Aktivitet, Uppföljning, Ansvar (och Delaktiga, År, Status). Mall: data/templates/aktivitetslista-mall.xlsx.', "en": 'Columns: Prioriterat område, Lokalt fokusområde, Aktivitet, Uppföljning, Ansvar (and Delaktiga, År, Status). Template: data/templates/aktivitetslista-mall.xlsx.'},
    "validate_meta": {"sv": 'Metadatafil (frivillig)', "en": 'Metadata file (optional)'},
    "validate_details": {"sv": 'Uppgifter om planen (frivilliga)', "en": 'About the plan (optional)'},
    "validate_municipality": {"sv": 'Kommun', "en": 'Municipality'},
    "validate_year": {"sv": 'År', "en": 'Year'},
    "validate_kind": {"sv": 'Typ', "en": 'Kind'},
    "validate_activity_list": {"sv": 'Aktivitetslista', "en": 'Activity list'},
    "validate_follow_up": {"sv": 'Samverkansberättelse (uppföljning)', "en": 'Follow-up report'},
    "validate_plan": {"sv": 'Samverkansplan', "en": 'Collaboration plan'},
    "validate_doc_title": {"sv": 'Titel', "en": 'Title'},
    "validate_date": {"sv": 'Datum (ÅÅÅÅ-MM-DD)', "en": 'Date (YYYY-MM-DD)'},
    "validate_diary_number": {"sv": 'Diarienummer', "en": 'Diary number'},
    "validate_adopted_by": {"sv": 'Fastställd av', "en": 'Adopted by'},
    "validate_adopted_on": {"sv": 'Fastställd datum', "en": 'Adopted on'},
    "validate_follows_up": {"sv": 'Följer upp (lista)', "en": 'Follows up (list)'},
    "validate_strict": {"sv": 'Strikt: varningar räknas som fel', "en": 'Strict: warnings count as violations'},
    "validate_submit": {"sv": 'Kontrollera', "en": 'Check'},
    "validate_unusable": {"sv": 'Filen kan inte användas', "en": 'The file cannot be used'},
    "validate_api": {"sv": 'Samma kontroll som API: POST /validate (JSON). Import: POST /import med admin-token, eller hsvo import på kommandoraden.', "en": 'The same check as an API: POST /validate (JSON). Import: POST /import with the admin token, or hsvo import on the command line.'},
}

# Headings for result columns that many queries share; a query's header can name its own.
COLUMN_LABELS: dict[str, dict[str, str]] = {
    "activity": {"sv": "Aktivitet", "en": "Activity"},
    "title": {"sv": "Titel", "en": "Title"},
    "label": {"sv": "Namn", "en": "Name"},
    "year": {"sv": "År", "en": "Year"},
    "priorityArea": {"sv": "Prioriterat område", "en": "Prioritised area"},
    "localFocusArea": {"sv": "Lokalt fokusområde", "en": "Local focus area"},
    "countyArea": {"sv": "Länets fokusområde", "en": "County focus area"},
    "indicator": {"sv": "Uppföljning", "en": "Follow-up indicator"},
    "responsible": {"sv": "Ansvar", "en": "Responsible"},
    "participating": {"sv": "Delaktiga", "en": "Participating"},
    "body": {"sv": "Organ", "en": "Body"},
    "bodyName": {"sv": "Organ", "en": "Body"},
    "status": {"sv": "Status", "en": "Status"},
    "summary": {"sv": "Sammanfattning", "en": "Summary"},
    "document": {"sv": "Dokument", "en": "Document"},
    "date": {"sv": "Datum", "en": "Date"},
    "kind": {"sv": "Slag", "en": "Kind"},
    "role": {"sv": "Roll", "en": "Role"},
    "source": {"sv": "Källa", "en": "Source"},
    "section": {"sv": "Avsnitt", "en": "Section"},
    "page": {"sv": "Sida", "en": "Page"},
}


def pick_language(query_lang: str | None, cookie_lang: str | None) -> str:
    """``?lang=`` wins, then the cookie, then Swedish; unknown codes are ignored."""
    for candidate in (query_lang, cookie_lang):
        if candidate and candidate.strip().lower() in LANGUAGES:
            return candidate.strip().lower()
    return DEFAULT_LANGUAGE


def localise(texts: Mapping[str, str], lang: str) -> str:
    """The text in ``lang``, falling back to Swedish, then to any language there is."""
    return texts.get(lang) or texts.get(DEFAULT_LANGUAGE) or next(iter(texts.values()), "")


class Translator:
    """``t("key")`` in templates: the message in the request's language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str) -> str:
        if key not in MESSAGES:
            raise KeyError(f"no message {key!r} in hsvo_graph.web.i18n.MESSAGES")
        return MESSAGES[key][self.lang]

    def column(self, name: str, own: Mapping[str, Mapping[str, str]] | None = None) -> str:
        """Heading of a result column: the query's own, a shared one, or the variable name."""
        if own and name in own:
            return localise(own[name], self.lang)
        if name in COLUMN_LABELS:
            return COLUMN_LABELS[name][self.lang]
        return name

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCT = "http://purl.org/dc/terms/"
_PROV = "http://www.w3.org/ns/prov#"
_ORG = "http://www.w3.org/ns/org#"
_OWL = "http://www.w3.org/2002/07/owl#"

# Names of the reused vocabularies' terms, which are not loaded into the graph (the
# project's own terms carry their labels in ontology/hsvo.ttl).
TERM_LABELS: dict[str, dict[str, str]] = {
    _RDF + "type": {"sv": "typ", "en": "type"},
    _RDFS + "label": {"sv": "namn", "en": "name"},
    _RDFS + "comment": {"sv": "beskrivning", "en": "comment"},
    _RDFS + "subClassOf": {"sv": "underklass till", "en": "subclass of"},
    _RDFS + "subPropertyOf": {"sv": "underegenskap till", "en": "subproperty of"},
    _SKOS + "prefLabel": {"sv": "föredraget namn", "en": "preferred label"},
    _SKOS + "altLabel": {"sv": "alternativt namn", "en": "alternative label"},
    _SKOS + "notation": {"sv": "kod", "en": "code"},
    _SKOS + "broader": {"sv": "överordnat", "en": "broader"},
    _SKOS + "narrower": {"sv": "underordnat", "en": "narrower"},
    _SKOS + "broadMatch": {"sv": "motsvarar bredare", "en": "broad match"},
    _SKOS + "inScheme": {"sv": "ingår i", "en": "in scheme"},
    _SKOS + "topConceptOf": {"sv": "toppbegrepp i", "en": "top concept of"},
    _SKOS + "hasTopConcept": {"sv": "har toppbegrepp", "en": "has top concept"},
    _SKOS + "Concept": {"sv": "begrepp", "en": "concept"},
    _SKOS + "ConceptScheme": {"sv": "begreppsschema", "en": "concept scheme"},
    _DCT + "title": {"sv": "titel", "en": "title"},
    _DCT + "issued": {"sv": "utfärdat", "en": "issued"},
    _DCT + "description": {"sv": "beskrivning", "en": "description"},
    _DCT + "source": {"sv": "källa", "en": "source"},
    _DCT + "hasPart": {"sv": "har del", "en": "has part"},
    _DCT + "isPartOf": {"sv": "del av", "en": "part of"},
    _DCT + "identifier": {"sv": "identifierare", "en": "identifier"},
    _DCT + "isReplacedBy": {"sv": "ersatt av", "en": "replaced by"},
    _DCT + "replaces": {"sv": "ersätter", "en": "replaces"},
    _DCT + "audience": {"sv": "målgrupp", "en": "audience"},
    _DCT + "alternative": {"sv": "alternativ titel", "en": "alternative title"},
    _DCT + "tableOfContents": {"sv": "innehållsförteckning", "en": "table of contents"},
    _DCT + "created": {"sv": "skapat", "en": "created"},
    _DCT + "date": {"sv": "datum", "en": "date"},
    _DCT + "creator": {"sv": "upphov", "en": "creator"},
    _DCT + "publisher": {"sv": "utgivare", "en": "publisher"},
    _PROV + "wasAttributedTo": {"sv": "tillskrivs", "en": "attributed to"},
    _PROV + "wasDerivedFrom": {"sv": "härlett från", "en": "derived from"},
    _SKOS + "scopeNote": {"sv": "användning", "en": "scope note"},
    _SKOS + "definition": {"sv": "definition", "en": "definition"},
    _SKOS + "exactMatch": {"sv": "motsvarar exakt", "en": "exact match"},
    _SKOS + "closeMatch": {"sv": "motsvarar nära", "en": "close match"},
    _PROV + "hadPrimarySource": {"sv": "källa", "en": "primary source"},
    _PROV + "qualifiedPrimarySource": {"sv": "källa (avsnitt och sida)", "en": "source (section and page)"},
    _PROV + "entity": {"sv": "dokument", "en": "document"},
    _PROV + "wasAssociatedWith": {"sv": "genomfört av", "en": "associated with"},
    _PROV + "PrimarySource": {"sv": "källa", "en": "primary source"},
    _PROV + "Activity": {"sv": "aktivitet (PROV)", "en": "activity (PROV)"},
    _ORG + "Organization": {"sv": "organisation", "en": "organization"},
    _ORG + "OrganizationalUnit": {"sv": "organisatorisk enhet", "en": "organizational unit"},
    _ORG + "FormalOrganization": {"sv": "formell organisation", "en": "formal organization"},
    _ORG + "OrganizationalCollaboration": {"sv": "samverkan", "en": "organizational collaboration"},
    _ORG + "unitOf": {"sv": "enhet i", "en": "unit of"},
    _ORG + "hasUnit": {"sv": "har enhet", "en": "has unit"},
    _ORG + "subOrganizationOf": {"sv": "del av organisation", "en": "sub-organization of"},
    _ORG + "hasSubOrganization": {"sv": "har delorganisation", "en": "has sub-organization"},
    _ORG + "hasMember": {"sv": "har medlem", "en": "has member"},
    _ORG + "memberOf": {"sv": "medlem i", "en": "member of"},
    _ORG + "Role": {"sv": "roll (ORG)", "en": "role (ORG)"},
    _ORG + "ChangeEvent": {"sv": "förändring", "en": "change event"},
    _OWL + "sameAs": {"sv": "samma som", "en": "same as"},
}
