"""The two languages of the web pages: which one a request gets, and the words for each.

Swedish is the default (the users are Swedish strategists); a browser that prefers English
(``Accept-Language``) gets English, ``?lang=en`` switches to English and a cookie keeps the
choice for the following pages.
"""

import functools
import re
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
    "error_details": {"sv": "Tekniskt meddelande (på engelska)", "en": "Technical message"},
    "problem_400": {"sv": "Frågan kunde inte förstås.", "en": "The request could not be understood."},
    "problem_401": {"sv": "Det här kräver en giltig administratörsnyckel (token).",
                    "en": "This needs a valid admin token."},
    "problem_403": {"sv": "Det är inte tillåtet här.", "en": "That is not allowed here."},
    "problem_404": {"sv": "Det finns ingen sådan sida, fråga eller post i grafen.",
                    "en": "There is no such page, question or entry in the graph."},
    "problem_405": {"sv": "Adressen finns, men går inte att använda på det sättet (till exempel att "
                          "skicka ett formulär till en sida som bara kan visas).",
                    "en": "The address exists, but cannot be used that way (for example, sending a "
                          "form to a page that can only be shown)."},
    "problem_409": {"sv": "Det krockar med något som redan finns eller pågår. Läs in sidan igen och försök på nytt.",
                    "en": "That clashes with something that already exists or is under way. Reload the "
                          "page and try again."},
    "problem_413": {"sv": "Det som skickades är för stort.", "en": "What was sent is too large."},
    "problem_415": {"sv": "Filen eller innehållet har ett format som inte tas emot här.",
                    "en": "The file or content is in a format that is not accepted here."},
    "problem_429": {"sv": "För många förfrågningar på kort tid. Vänta en stund och försök igen.",
                    "en": "Too many requests in a short time. Wait a while and try again."},
    "problem_503": {"sv": "Tjänsten kan inte svara just nu (databasen går inte att nå eller data byts ut). "
                          "Försök igen om en stund.",
                    "en": "The service cannot answer right now (the database cannot be reached or the "
                          "data is being replaced). Try again in a while."},
    "problem_502": {"sv": "Databasen svarade inte som väntat. Försök igen om en stund.",
                    "en": "The database did not answer as expected. Try again in a while."},
    "problem_500": {"sv": "Något gick fel i tjänsten.", "en": "Something went wrong in the service."},
    # the admin API's refusals (api.errors.Refused), to programs as to pages
    "admin_token_required": {
        "sv": "Det här kräver en giltig administratörsnyckel (token), skickad som Authorization: Bearer <token>.",
        "en": "This needs a valid admin token, sent as Authorization: Bearer <token>.",
    },
    "admin_writes_disabled": {
        "sv": "Skrivningar över HTTP är avstängda: servern har ingen administratörsnyckel (HSVO_ADMIN_TOKEN).",
        "en": "Writes over HTTP are disabled: the server has no admin token (HSVO_ADMIN_TOKEN).",
    },
    "admin_no_plan": {"sv": "Det finns ingen importerad plan {key}.", "en": "There is no imported plan {key}."},
    "admin_no_plan_in_force": {"sv": "Ingen importerad plan {key} gäller.",
                               "en": "No imported plan {key} is in force."},
    "problem_timeout": {
        "sv": "Frågan tog längre tid än tidsgränsen på {limit} s och avbröts. Pröva med färre "
              "värden eller ett snävare urval.",
        "en": "The question took longer than the time limit of {limit} s and was stopped. Try "
              "fewer values or a narrower choice.",
    },
    "problem_busy": {"sv": "Tjänsten har många frågor just nu. Försök igen om en stund.",
                     "en": "The service has many questions right now. Try again in a while."},
    "param_missing": {"sv": "{label}: fyll i ett värde.", "en": "{label}: fill in a value."},
    "param_one_value": {"sv": "{label}: välj ett enda värde (nu {count}).",
                        "en": "{label}: choose a single value (now {count})."},
    "param_year": {"sv": "{label}: ange ett år med fyra siffror, till exempel 2025 (nu: {value}).",
                   "en": "{label}: give a year in four digits, such as 2025 (now: {value})."},
    "param_iri": {"sv": "{label}: ange en fullständig IRI, till exempel https://w3id.org/hsvo-graph/id/… "
                        "(nu: {value}).",
                  "en": "{label}: give a full IRI, such as https://w3id.org/hsvo-graph/id/… (now: {value})."},
    "param_empty": {"sv": "{label}: värdet är tomt.", "en": "{label}: the value is empty."},
    "param_unknown": {"sv": "Frågan har inga fält som heter {names}.",
                      "en": "The question has no fields named {names}."},
    "param_year_without_data": {
        "sv": "{label}: det finns inga aktiviteter år {value}; välj ett av åren {years}.",
        "en": "{label}: there are no activities in {value}; choose one of the years {years}.",
    },
    "param_no_such_value": {
        "sv": "{label}: det finns inget sådant värde (nu: {value}); välj bland dem som sidan erbjuder.",
        "en": "{label}: there is no such value (now: {value}); choose from those the page offers.",
    },
    "param_too_long": {"sv": "{label}: skriv högst {limit} tecken (nu {length}).",
                       "en": "{label}: write at most {limit} characters (now {length})."},
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
    "table_filter": {"sv": "Filtrera tabellen", "en": "Filter the table"},
    "rows_shown": {"sv": "rader visas", "en": "rows shown"},
    "other_questions": {"sv": "Övriga frågor", "en": "Other questions"},
    "search_questions": {"sv": "Sök bland frågorna", "en": "Search the questions"},
    "no_matching_questions": {"sv": "Ingen fråga matchar.", "en": "No question matches."},
    "pictures_heading": {"sv": "Bilder", "en": "Pictures"},
    "orgchart_title": {"sv": "Organisationen", "en": "The organisation"},
    "orgchart_description": {
        "sv": "Samverkansorganen på läns- och lokal nivå, politiska och på tjänstepersonsnivå, "
              "med deras mandat.",
        "en": "The collaboration bodies at county and local level, political and civil-servant, "
              "with their mandates.",
    },
    "orgchart_year_note": {
        "sv": "Organ som fanns det valda året; linjerna visar vilka organ som ingår i eller stöder andra.",
        "en": "Bodies that existed in the chosen year; the lines show which bodies are part of or support others.",
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
    "data_version": {"sv": "data från", "en": "data as of"},
    "version": {"sv": "version", "en": "version"},
    "run_query": {"sv": "Visa svaret", "en": "Show the answer"},
    "required": {"sv": "obligatorisk", "en": "required"},
    "choose": {"sv": "– välj –", "en": "– choose –"},
    "any": {"sv": "– alla –", "en": "– any –"},
    "search_hint": {
        "sv": "Skriv några bokstäver och välj bland förslagen ({count} att välja mellan).",
        "en": "Type a few letters and pick from the suggestions ({count} to choose from).",
    },
    "search_hint_multiple": {
        "sv": "Skriv några bokstäver och välj bland förslagen ({count} att välja mellan); de valda står ovanför, bocka av ett för att ta bort det.",
        "en": "Type a few letters and pick from the suggestions ({count} to choose from); the chosen ones are listed above, untick one to remove it.",
    },
    "multiple_hint": {
        "sv": "Välj ett eller flera.",
        "en": "Choose one or more.",
    },
    "downloaded": {"sv": "Hämtad", "en": "Downloaded"},
    "about_sheet": {"sv": "Om frågan", "en": "About the question"},
    "link_column": {"sv": "{heading} (länk)", "en": "{heading} (link)"},
    "outcome_of": {"sv": "utfall för {name}", "en": "outcome of {name}"},
    "searched_for": {"sv": "Du sökte efter", "en": "You searched for"},
    "try_instead": {"sv": "Prova i stället", "en": "Try instead"},
    "without": {"sv": "utan villkoret", "en": "without the condition"},
    "try_other_values": {
        "sv": "Välj andra värden i formuläret ovan, eller ett annat år.",
        "en": "Choose other values in the form above, or another year.",
    },
    "printed_from": {"sv": "Utskrift från", "en": "Printed from"},
    "source_note": {
        "sv": "Källa: HSVO-grafen. Varje rad länkar till en sida som anger dokument, avsnitt och sida för varje uppgift.",
        "en": "Source: the HSVO graph. Each row links to a page giving the document, section and page of every fact.",
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
    "heatmap_key": {"sv": "Färgnyckel, antal aktiviteter", "en": "Colour key, number of activities"},
    "heatmap_capped": {
        "sv": "Här visas de {bodies} organ och de {areas} områden som har flest aktiviteter, av "
              "{all_bodies} organ och {all_areas} områden det här året. Ett organs aktiviteter "
              "visas på organets sida.",
        "en": "Shown here are the {bodies} bodies and the {areas} areas with the most activities, "
              "of {all_bodies} bodies and {all_areas} areas this year. A body's page shows its "
              "activities.",
    },
    "goaltree_capped": {
        "sv": "Bilden och listan visar de första {shown} av {all} aktiviteter, i målträdets "
              "ordning; frågan Målträdet (länken ovan) har dem alla.",
        "en": "The picture and the list show the first {shown} of {all} activities, in the goal "
              "tree's order; the Goal tree question (the link above) has them all.",
    },
    "at_least": {"sv": "minst {n}", "en": "at least {n}"},
    "county_strategy": {"sv": "Länsstrategi", "en": "County strategy"},
    "local_priority": {"sv": "Lokal prioritering", "en": "Local priority"},
    "local_focus_area": {"sv": "Lokalt fokusområde", "en": "Local focus area"},
    "activity": {"sv": "Aktivitet", "en": "Activity"},
    "not_traced": {"sv": "(ingen koppling till länsstrategin)", "en": "(not traced to the county strategy)"},
    # the follow-up dashboard, body profiles, comparison, glossary
    "nav_followup": {"sv": "Uppföljning", "en": "Follow-up"},
    "followup_title": {"sv": "Hur går aktiviteterna?", "en": "How are the activities going?"},
    "followup_lead": {
        "sv": "Status för aktiviteterna per prioriterat område, ansvarigt organ och år. Klicka på ett tal för att se aktiviteterna bakom det.",
        "en": "Status of the activities per prioritised area, responsible body and year. Click a number to see the activities behind it.",
    },
    "followup_trend": {"sv": "Utvecklingen år för år", "en": "Year by year"},
    "followup_by_area": {"sv": "Per prioriterat område", "en": "Per prioritised area"},
    "followup_by_body": {"sv": "Per ansvarigt organ", "en": "Per responsible body"},
    "followup_drill_hint": {
        "sv": "Klicka på ett tal i tabellerna för att lista aktiviteterna.",
        "en": "Click a number in the tables to list the activities.",
    },
    "not_reported": {"sv": "ej rapporterad", "en": "not reported"},
    "distribution": {"sv": "Fördelning", "en": "Distribution"},
    "plan": {"sv": "Kommun (plan)", "en": "Municipality (plan)"},
    "priority_area": {"sv": "Prioriterat område", "en": "Prioritised area"},
    "responsible_body": {"sv": "Ansvarigt organ", "en": "Responsible body"},
    "activities_heading": {"sv": "Aktiviteter", "en": "Activities"},
    "clear_filters": {"sv": "Visa alla", "en": "Show all"},
    "filter_plan": {"sv": "Plan", "en": "Plan"},
    "filter_year": {"sv": "År", "en": "Year"},
    "filter_area": {"sv": "Område", "en": "Area"},
    "filter_body": {"sv": "Organ", "en": "Body"},
    "filter_status": {"sv": "Status", "en": "Status"},
    "profile_kicker": {"sv": "Organ", "en": "Body"},
    "profile_mandate": {"sv": "Mandat: vad organet får och inte får göra", "en": "Mandate: what the body may and may not do"},
    "profile_names": {"sv": "Namn över tid", "en": "Names over time"},
    "profile_involvement": {"sv": "Ansvar och delaktighet år för år", "en": "Responsible for and taking part in, year by year"},
    "profile_documents": {"sv": "Beslut och dokument", "en": "Decisions and documents"},
    "profile_questions": {"sv": "Frågor om organet", "en": "Questions about the body"},
    "profile_open_question": {"sv": "Öppna som fråga (filtrera, ladda ner)", "en": "Open as a question (filter, download)"},
    "profile_all_facts": {"sv": "Alla uppgifter med källor", "en": "All facts with sources"},
    "profile_contents": {"sv": "Innehåll", "en": "Contents"},
    "profile_page": {"sv": "Organets profil", "en": "The body's profile"},
    "profile_kind": {"sv": "Slag", "en": "Kind"},
    "profile_level": {"sv": "Nivå", "en": "Level"},
    "profile_tier": {"sv": "Skikt", "en": "Tier"},
    "profile_principal": {"sv": "Huvudman", "en": "Principal"},
    "profile_from": {"sv": "Från", "en": "From"},
    "profile_until": {"sv": "Till", "en": "Until"},
    "nav_compare": {"sv": "Jämför", "en": "Compare"},
    "compare_title": {"sv": "Jämför planer och år", "en": "Compare plans and years"},
    "compare_lead": {
        "sv": "En kommuns samverkansplan bredvid en annans, och ett års aktivitetslista bredvid ett annat. Det som finns i båda är markerat.",
        "en": "One municipality's collaboration plan beside another's, and one year's activity list beside another's. What both have is marked.",
    },
    "compare_plans": {"sv": "Planerna sida vid sida", "en": "The plans side by side"},
    "compare_plan_a": {"sv": "Plan till vänster", "en": "Plan on the left"},
    "compare_plan_b": {"sv": "Plan till höger", "en": "Plan on the right"},
    "compare_part": {"sv": "Del av planen", "en": "Part of the plan"},
    "compare_under": {"sv": "under", "en": "under"},
    "compare_shared": {"sv": "finns i båda", "en": "in both"},
    "compare_none": {"sv": "(inget)", "en": "(none)"},
    "compare_years": {"sv": "Ett år bredvid ett annat", "en": "One year beside another"},
    "compare_year_from": {"sv": "Från år", "en": "From year"},
    "compare_year_to": {"sv": "Till år", "en": "To year"},
    "compare_years_caption": {"sv": "Antal aktiviteter per prioriterat område", "en": "Number of activities per prioritised area"},
    "compare_change": {"sv": "Förändring", "en": "Change"},
    "compare_changes_link": {"sv": "Vad ändrades i aktivitetslistan? (aktivitet för aktivitet)", "en": "What changed in the activity list? (activity by activity)"},
    "nav_glossary": {"sv": "Ordlista", "en": "Glossary"},
    "glossary_title": {"sv": "Ordlista: förkortningar", "en": "Glossary: abbreviations"},
    "glossary_lead": {
        "sv": "Förkortningarna i grafen och dokumenten och vad de står för. Sök i listan med rutan.",
        "en": "The abbreviations in the graph and the documents and what they stand for. Search the list with the box.",
    },
    "abbreviation": {"sv": "Förkortning", "en": "Abbreviation"},
    "meaning": {"sv": "Betydelse", "en": "Meaning"},
    # the plan validation page (/validate)
    "validate_title": {"sv": 'Kontrollera en aktivitetslista', "en": 'Check an activity list'},
    "validate_lead": {"sv": 'Ladda upp en aktivitetslista eller samverkansberättelse: ett kalkylblad (CSV, Excel, OpenDocument), planens Word- eller PDF-dokument, eller RDF. Den kontrolleras mot grafens organ, mål och regler; inget sparas förrän du importerar.', "en": "Upload an activity list or follow-up report: a spreadsheet (CSV, Excel, OpenDocument), the plan's Word or PDF document, or RDF. It is checked against the graph's bodies, goals and rules; nothing is stored until you import it."},
    "validate_file": {"sv": 'Fil', "en": 'File'},
    "validate_file_hint": {"sv": 'Kolumner: Prioriterat område, Lokalt fokusområde, Aktivitet, Uppföljning, Ansvar (och Delaktiga, År, Status).', "en": 'Columns: Prioriterat område, Lokalt fokusområde, Aktivitet, Uppföljning, Ansvar (and Delaktiga, År, Status).'},
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
    "validate_api": {"sv": 'Samma kontroll finns som API: POST /validate. Import för program: POST /import med admin-token, eller hsvo import på kommandoraden.', "en": 'The same check is an API: POST /validate. Import for programs: POST /import with the admin token, or hsvo import on the command line.'},

    # --- the plan owner's page (validate*.html; issue 11): keep this block last ---------
    "plans_template": {"sv": "Mall", "en": "Template"},
    "plans_template_xlsx": {"sv": "Excel (.xlsx)", "en": "Excel (.xlsx)"},
    "plans_template_csv": {"sv": "CSV", "en": "CSV"},
    "plans_template_meta": {"sv": "metadatafil", "en": "metadata file"},
    "plans_report_xlsx": {"sv": "Ladda ner felrapporten (Excel, felen markerade i planen)", "en": "Download the error report (Excel, the problems marked in the plan)"},
    "plans_import_heading": {"sv": "Importera planen", "en": "Import the plan"},
    "plans_import_lead": {"sv": "För den som har admin-token: förhandsgranska först vad som ändras i grafen, bekräfta sedan.", "en": "For holders of the admin token: first preview what changes in the graph, then confirm."},
    "plans_import_off": {"sv": "Import via sidan är avstängd (ingen admin-token är inställd på servern).", "en": "Import from the page is off (no admin token is set on the server)."},
    "plans_token": {"sv": "Admin-token", "en": "Admin token"},
    "plans_preview": {"sv": "Förhandsgranska importen", "en": "Preview the import"},
    "plans_confirm": {"sv": "Bekräfta importen", "en": "Confirm the import"},
    "plans_new_plan": {"sv": "En ny plan: inget ersätts.", "en": "A new plan: nothing is replaced."},
    "plans_replaces": {"sv": "Ersätter den importerade versionen", "en": "Replaces the imported version"},
    "plans_added": {"sv": "Tillagda", "en": "Added"},
    "plans_removed": {"sv": "Borttagna", "en": "Removed"},
    "plans_changed": {"sv": "Ändrade", "en": "Changed"},
    "plans_no_change": {"sv": "Inga aktiviteter ändras.", "en": "No activity changes."},
    "plans_imported": {"sv": "Planen är importerad", "en": "The plan is imported"},
    "plans_not_imported": {"sv": "Inget importerades", "en": "Nothing was imported"},
    "plans_version": {"sv": "version", "en": "version"},
    "plans_list_heading": {"sv": "Importerade planer", "en": "Imported plans"},
    "plans_list_empty": {"sv": "Inga planer har importerats ännu.", "en": "No plans have been imported yet."},
    "plans_in_force": {"sv": "gäller", "en": "in force"},
    "plans_action_imported": {"sv": "importerad", "en": "imported"},
    "plans_action_replaced": {"sv": "ersatt", "en": "replaced"},
    "plans_action_removed": {"sv": "borttagen", "en": "removed"},
    "plans_error": {"sv": "Fel", "en": "Error"},
    "plans_report_title": {"sv": "Validering", "en": "Validation"},
    "plans_report_heading": {"sv": "Validering av en plan", "en": "Validation of a plan"},
    "plans_result_for": {"sv": "Resultat för", "en": "Result for"},
    "plans_count_violation_one": {"sv": "fel", "en": "violation"},
    "plans_count_violation_other": {"sv": "fel", "en": "violations"},
    "plans_count_warning_one": {"sv": "varning", "en": "warning"},
    "plans_count_warning_other": {"sv": "varningar", "en": "warnings"},
    "plans_count_info_one": {"sv": "notering", "en": "note"},
    "plans_count_info_other": {"sv": "noteringar", "en": "notes"},
    "plans_strict_note": {"sv": "strikt: varningar räknas som fel", "en": "strict: warnings count as violations"},
    "plans_plan": {"sv": "Plan", "en": "Plan"},
    "plans_notes": {"sv": "Antaganden och noteringar", "en": "Assumptions and notes"},
    "plans_column": {"sv": "kolumn", "en": "column"},
    "plans_value": {"sv": "värde", "en": "value"},
    "plans_expected": {"sv": "Förväntat", "en": "Expected"},
    "plans_closest": {"sv": "Närmast kända", "en": "Closest known"},
    "plans_technical": {"sv": "Tekniska detaljer", "en": "Technical details"},
    "plans_graph": {"sv": "Graf", "en": "Graph"},
    "plans_rule": {"sv": "Regel", "en": "Rule"},
    "plans_wrong_token": {"sv": "fel eller saknad admin-token", "en": "wrong or missing admin token"},
    "plans_preview_gone": {"sv": "förhandsgranskningen finns inte längre; ladda upp filen igen",
                           "en": "the preview is gone; upload the file again"},
    "plans_store_failed": {"sv": "lagret misslyckades; inget importerades",
                           "en": "the store failed; nothing was imported"},
    # the SPARQL editor (editor.html) and the endpoint's documentation (sparql_docs.html);
    # `code` is shown as code (the ``code`` filter)
    "editor_title": {"sv": "SPARQL-frågeredigerare", "en": "SPARQL query editor"},
    "editor_lead": {
        "sv": "Skriv en SPARQL 1.1-fråga och kör den med Ctrl+Enter mot `{endpoint}`. Varje färdig "
              "fråga finns som exempel nedan, med exempelvärden i sina `VALUES`-rader. Format, "
              "gränser, prefix och exempel:",
        "en": "Write a SPARQL 1.1 query and run it with Ctrl+Enter against `{endpoint}`. Every "
              "ready-made question is an example below, with example values bound in its `VALUES` "
              "lines. Formats, limits, prefixes and worked examples:",
    },
    "editor_docs_link": {"sv": "dokumentationen av endpointen", "en": "the endpoint documentation"},
    "editor_examples": {"sv": "Exempelfrågor", "en": "Example queries"},
    "editor_open": {"sv": "Öppna i redigeraren", "en": "Open in the editor"},
    "editor_new_tab": {"sv": "Ny flik", "en": "New tab"},
    "editor_noscript": {
        "sv": "Redigeraren behöver JavaScript; utan det kan du skicka frågor direkt till `{endpoint}`.",
        "en": "The editor needs JavaScript; without it, send queries to `{endpoint}` directly.",
    },
    "docs_title": {"sv": "SPARQL-endpointen", "en": "The SPARQL endpoint"},
    "docs_lead": {
        "sv": "Hela HSVO-grafen kan frågas med SPARQL 1.1 på `{endpoint}`, endast läsning, från "
              "webbläsare, skript och notebooks (CORS är påslaget). I en webbläsare öppnar samma "
              "adress",
        "en": "All of the HSVO graph can be queried with SPARQL 1.1 at `{endpoint}`, read-only, by "
              "browsers, scripts and notebooks (CORS is on). In a browser the same address opens",
    },
    "docs_editor_link": {"sv": "frågeredigeraren", "en": "the query editor"},
    "docs_asking": {"sv": "Att fråga", "en": "Asking"},
    "docs_query_in_url": {"sv": "frågan i URL:en (procentkodad)", "en": "query in the URL (percent-encoded)"},
    "docs_query_in_body": {"sv": "`query=…` i kroppen", "en": "`query=…` in the body"},
    "docs_query_is_body": {"sv": "frågan är kroppen", "en": "the query is the body"},
    "docs_dataset_parameters": {
        "sv": "RDF-datamängden enligt SPARQL 1.1 Protocol (ersätter FROM / FROM NAMED)",
        "en": "the RDF dataset, as in the SPARQL 1.1 Protocol (replaces FROM / FROM NAMED)",
    },
    "docs_no_inference": {
        "sv": "utelämna de härledda triplerna (`{graph}`): standardgrafen är då alla övriga grafer",
        "en": "leave out the inferred triples (`{graph}`): the default graph is then all the other graphs",
    },
    "docs_format_parameter": {"sv": "i stället för en Accept-rubrik, t.ex. format=csv",
                              "en": "instead of an Accept header, e.g. format=csv"},
    "docs_formats": {"sv": "Format", "en": "Formats"},
    "docs_formats_lead": {
        "sv": "Väljs med Accept-rubriken (q-värden räknas) eller parametern format; varje svar är "
              "UTF-8 och säger det i sin Content-Type. Inget godtagbart: 406.",
        "en": "Chosen by the Accept header (q-values count) or the format parameter; every answer "
              "is UTF-8 and says so in its Content-Type. Nothing acceptable: 406.",
    },
    "docs_answer": {"sv": "Svar", "en": "Answer"},
    "docs_media_type": {"sv": "Mediatyp", "en": "Media type"},
    "docs_limits": {"sv": "Gränser", "en": "Limits"},
    "docs_limit_time": {
        "sv": "En fråga får köra i {seconds} s; sedan stoppas den och svaret är `503` med ett meddelande.",
        "en": "A query may run for {seconds} s; then it is stopped and the answer is `503` with a message.",
    },
    "docs_limit_rows": {
        "sv": "Högst {rows} rader (eller tripler) per svar. Ett längre svar kapas där och säger det: "
              "rubriken `X-HSVO-Truncated: true`, och i SPARQL JSON även `\"truncated\": true` "
              "bredvid `head` och `results`. Bläddra med LIMIT/OFFSET.",
        "en": "At most {rows} rows (or triples) per answer. A longer answer is cut there and says "
              "so: the header `X-HSVO-Truncated: true`, and in SPARQL JSON also `\"truncated\": "
              "true` beside `head` and `results`. Use LIMIT/OFFSET to page.",
    },
    "docs_limit_size": {"sv": "En fråga på högst {bytes} byte (annars `413`/`414`).",
                        "en": "A query of at most {bytes} bytes (`413`/`414` otherwise)."},
    "docs_limit_refused": {
        "sv": "Ingen SPARQL Update (`400`), ingen LOAD (`400`), ingen SERVICE (`403`). Felaktig "
              "fråga: `400` med parserns meddelande.",
        "en": "No SPARQL Update (`400`), no LOAD (`400`), no SERVICE (`403`). Malformed query: "
              "`400` with the parser's message.",
    },
    "docs_dataset": {"sv": "Datamängden", "en": "The dataset"},
    "docs_dataset_lead": {
        "sv": "Standardgrafen är unionen av dessa namngivna grafer: en per källdokument, ontologin "
              "och de härledda triplerna. Fråga `GRAPH ?g { … }` för att se vilket dokument som "
              "säger vad.",
        "en": "The default graph is the union of these named graphs: one per source document, the "
              "ontology, and the inferred triples. Ask `GRAPH ?g { … }` to know which document "
              "says what.",
    },
    "docs_service_description": {"sv": "Tjänstebeskrivning (RDF)", "en": "Service description (RDF)"},
    "docs_writes": {
        "sv": "Skrivningar (SPARQL Update på /admin/update, Graph Store-skrivningar på /admin/store) "
              "kräver administratörsnyckeln och är avstängda som standard.",
        "en": "Writes (SPARQL Update at /admin/update, Graph Store writes at /admin/store) need the "
              "admin token and are off by default.",
    },
    "docs_prefixes_lead": {"sv": "Deklarera dem i frågan (redigeraren gör det åt dig):",
                           "en": "Declare them in your query (the editor does it for you):"},
    "docs_examples": {"sv": "Exempel", "en": "Worked examples"},
    "docs_examples_lead": {"sv": "Varje utdata nedan gav tjänsten när sidan laddades.",
                           "en": "Each output below was produced by this service when the page was loaded."},
    "docs_run": {"sv": "Kör", "en": "Run"},
    "docs_output": {"sv": "Utdata", "en": "Output"},
    "docs_more_lines": {"sv": "… ({count} rader till)", "en": "… ({count} more lines)"},
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


# General abbreviations the documents use without explaining them (the graph's own
# abbreviations, of bodies, come from hsvo:abbreviation).
ABBREVIATIONS: dict[str, dict[str, str]] = {
    "HSVO": {"sv": "hälsa, stöd, vård och omsorg", "en": "health, support, care and welfare"},
    "SIP": {"sv": "samordnad individuell plan", "en": "coordinated individual plan"},
    "NSU": {"sv": "Närvårdssamverkan Uppsala", "en": "Close-care collaboration Uppsala"},
    "FoU": {"sv": "forskning och utveckling", "en": "research and development"},
    "HSL": {"sv": "hälso- och sjukvårdslagen", "en": "the Health and Medical Services Act"},
    "SoL": {"sv": "socialtjänstlagen", "en": "the Social Services Act"},
    "LSS": {"sv": "lagen om stöd och service till vissa funktionshindrade",
            "en": "the Act concerning Support and Service for Persons with Certain Functional Impairments"},
}

# The start page groups the questions by theme: a question goes under the first theme one
# of its tags (in the order of its header) belongs to.
THEMES: tuple[tuple[dict[str, str], frozenset[str]], ...] = (
    ({"sv": "Aktiviteter och hur de går", "en": "Activities and how they are going"},
     frozenset({"aktiviteter", "uppföljning", "status", "förändring"})),
    ({"sv": "Organ, mandat och namn", "en": "Bodies, mandates and names"},
     frozenset({"organ", "mandat", "beslut", "namnbyten", "roller"})),
    ({"sv": "Mål och fokusområden", "en": "Goals and focus areas"},
     frozenset({"mål", "fokusområden", "delmål", "strategi", "lokala planer"})),
    ({"sv": "Dokument och sökning", "en": "Documents and search"}, frozenset({"dokument", "sök"})),
)

# One short plain-language line per question card on the start page (the question's own
# description, longer and more exact, is on its page).
CARD_TEXTS: dict[str, dict[str, str]] = {
    "activities_by_body_and_area": {"sv": "Välj ett organ och ett område och se aktiviteterna.",
                                    "en": "Pick a body and an area and see the activities."},
    "activities_missing_indicator": {"sv": "Aktiviteter som inte går att följa upp, eller som stoppats.",
                                     "en": "Activities that cannot be followed up, or were stopped."},
    "activity_list_changes": {"sv": "Vad som kom till, försvann eller ändrades mellan två år.",
                              "en": "What was added, dropped or changed between two years."},
    "bodies_and_mandates": {"sv": "Vad varje organ får bestämma, med citat ur dokumenten.",
                            "en": "What each body may decide, quoted from the documents."},
    "body_involvement_by_year": {"sv": "Ett organs uppdrag år för år, med status.",
                                 "en": "A body's tasks year by year, with status."},
    "body_names_over_time": {"sv": "Vad ett organ hette ett visst år.",
                             "en": "What a body was called in a given year."},
    "documents_and_decisions": {"sv": "Styrdokument och beslut i tidsordning.",
                                "en": "Governing documents and decisions in order of time."},
    "goal_tree": {"sv": "Från länets mål till årets aktiviteter.",
                  "en": "From the county's goals to this year's activities."},
    "recurring_activities": {"sv": "Aktiviteter som finns med flera år i rad.",
                             "en": "Activities that come back year after year."},
    "renamings": {"sv": "Organ och roller som bytt namn eller ersatts.",
                  "en": "Bodies and roles that were renamed or replaced."},
    "role_current_name": {"sv": "Vad en roll heter i dag.", "en": "What a role is called today."},
    "search": {"sv": "Sök ett ord i alla namn och titlar.", "en": "Search a word in all names and titles."},
    "stopped_activities": {"sv": "Aktiviteter som stoppades, och varför.",
                           "en": "Activities that were stopped, and why."},
    "subgoal_wording_differences": {"sv": "Hur en kommuns delmål skiljer sig från länets.",
                                    "en": "How a municipality's sub-goals differ from the county's."},
}

# Values that queries return as plain text codes (not IRIs with labels): shown, and
# exported from a page, in the page language.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "granted": {"sv": "har befogenheten", "en": "granted"},
    "withheld": {"sv": "har uttryckligen inte befogenheten", "en": "withheld"},
    "exercised": {"sv": "har utövat befogenheten", "en": "exercised"},
    "responsible": {"sv": "ansvarig", "en": "responsible"},
    "participating": {"sv": "delaktig", "en": "participating"},
    "added": {"sv": "tillkommen", "en": "added"},
    "removed": {"sv": "borttagen", "en": "removed"},
    "changed": {"sv": "ändrad", "en": "changed"},
    "unchanged": {"sv": "oförändrad", "en": "unchanged"},
    "saknar uppföljning": {"sv": "saknar uppföljning", "en": "no follow-up indicator"},
    "stoppad eller avskriven": {"sv": "stoppad eller avskriven", "en": "stopped or written off"},
    "fortsätter": {"sv": "fortsätter", "en": "continues"},
    "fortsätter med ny formulering": {"sv": "fortsätter med ny formulering", "en": "continues, reworded"},
    "utgår": {"sv": "utgår", "en": "ends"},
    "ny": {"sv": "ny", "en": "new"},
    "true": {"sv": "ja", "en": "yes"},
    "false": {"sv": "nej", "en": "no"},
}

# Words that must not appear on a page in the other language (checked by a crawl of
# every page, tests/test_web_language.py): the interface words and value codes most
# likely to leak through.
FOREIGN_WORDS: dict[str, tuple[str, ...]] = {
    "sv": ("granted", "withheld", "exercised", "preferred label", "Download", "Print",
           "Show the answer", "No matches", "Sources", "Facts", "Referred to by", "triples",
           "Body", "Activities", "Status report", "not reported", "ongoing", "completed",
           "stopped", "Hold Ctrl", "Glossary", "Follow-up", "Compare"),
    "en": ("Ladda ner", "Skriv ut", "Visa svaret", "Inga träffar", "Källor", "Uppgifter",
           "Hänvisas till av", "tripler", "obligatorisk", "har befogenheten", "föredraget namn",
           "Håll ned Ctrl", "Ordlista", "Jämför", "pågår", "genomförd",
           "stoppad", "ej rapporterad", "Hoppa till innehållet",
           "fortsätter", "utgår", "beslutande", "rådgivande", "delaktig", "ansvarig"),
}


def pick_language(query_lang: str | None, cookie_lang: str | None, accept_language: str | None = None) -> str:
    """``?lang=`` wins, then the cookie, then the browser's ``Accept-Language``, then Swedish.
    A region tag counts as its language (``en-GB`` is English); an unknown code (``de``) is
    ignored, so the language the next source gives stays."""
    for candidate in (query_lang, cookie_lang):
        if (code := language_code(candidate)) is not None:
            return code
    return accepted_language(accept_language or "")


def language_code(tag: str | None) -> str | None:
    """The page language a language tag names (``en``, ``EN-gb``, ``sv_FI``), or None."""
    primary = (tag or "").strip().lower().replace("_", "-").split("-", 1)[0]
    return primary if primary in LANGUAGES else None


@functools.lru_cache(maxsize=256)
def accepted_language(header: str) -> str:
    """The page language an ``Accept-Language`` header prefers: the one of highest q-value
    (the first listed on a tie; ``q=0`` refuses), Swedish when it names neither. Kept per
    header: browsers send the same few on every request."""
    best, best_q = DEFAULT_LANGUAGE, 0.0
    for item in header.split(","):
        tag, _, params = item.partition(";")
        code = language_code(tag)
        if code is None:
            continue
        match = re.search(r"q\s*=\s*([0-9.]+)", params)
        try:
            q = float(match.group(1)) if match else 1.0
        except ValueError:
            continue
        if q > best_q:
            best, best_q = code, q
    return best


def capfirst(text: str) -> str:
    """Upper-case the first letter only (Jinja's ``capitalize`` lower-cases the rest: HSVO)."""
    return text[:1].upper() + text[1:]


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

    def number(self, value: int) -> str:
        """A whole number as the page's language writes it: 2 088 (a no-break space) in
        Swedish, 2,088 in English."""
        return f"{value:,}".replace(",", "\u00a0" if self.lang == "sv" else ",")

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
_FOAF = "http://xmlns.com/foaf/0.1/"
_CV = "http://data.europa.eu/m8g/"

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
    _SKOS + "editorialNote": {"sv": "redaktionell anmärkning", "en": "editorial note"},
    _DCT + "relation": {"sv": "relaterad till", "en": "related to"},
    _DCT + "references": {"sv": "hänvisar till", "en": "references"},
    _FOAF + "Document": {"sv": "dokument", "en": "document"},
    _CV + "PublicOrganisation": {"sv": "offentlig organisation", "en": "public organisation"},
    _PROV + "wasInfluencedBy": {"sv": "påverkad av", "en": "influenced by"},
    _PROV + "wasInformedBy": {"sv": "bygger på", "en": "informed by"},
    _SKOS + "hiddenLabel": {"sv": "sökbart namn", "en": "hidden label"},
    _FOAF + "page": {"sv": "webbsida", "en": "web page"},
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
