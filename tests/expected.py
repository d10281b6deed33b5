"""Facts counted and copied by hand from the seed documents (not from data/), so that a
test fails when the data drifts from the source.

Aktivitetslista 2025 = seed 000, Bilaga 1 of "Samverkansplan HSVO Uppsala 2024–2026",
pages 10–15.
"""

# Under "Prioriterat område – nära vård", Ansvar includes ÄLN (pages 13–14), in list order.
ALN_NARA_VARD_2025 = [
    "Förtydliga styrningen i HSVO Uppsala så att mandat blir tydligt samt hur "
    "kommunikationskanaler, beslutsprocesser och ansvarsfördelning ser ut",
    "Skapa rutiner och bättre förutsättningar för en god kommunikation och förankring av "
    "beslut inom respektive huvudmannaorganisation",
    "Tydliggöra vårdnivån på närvårdsplatser i relation till korttidsplatser enligt SoL",
    # title = lead text of the cell; the four bullets are hsvo:TargetGroupItem values
    "Utveckla teamsamverkan/läkarmedverkan med fokus på målgrupper inom",
    "Genom analyser av avvikelser och trender stärka samverkansprocesser, exempelvis in- och "
    "utskrivning och SIP",
    "Genomföra pilot av ramverk för uppföljning av omställningen till en nära vård",
    "Medverka i nationella nätverk för att bevaka och påverka nationellt utvecklingsarbete",
]

# The same rows as a plan spreadsheet holds them (data/templates/examples): the Aktiviteter
# cell as printed, bullets included; the graph's title is the cell's lead text.
ALN_NARA_VARD_2025_CELLS = [
    "Utveckla teamsamverkan/läkarmedverkan med fokus på målgrupper inom: • LSS • "
    "Socialpsykiatri • Ordinärt boende • I samband med utskrivning av personer med komplexa behov"
    if title == "Utveckla teamsamverkan/läkarmedverkan med fokus på målgrupper inom" else title
    for title in ALN_NARA_VARD_2025
]

# "Prioriterat område – Kompetensförsörjning" (pages 14–15); both name VS in Ansvar.
VS_KOMPETENS_2025 = [
    "Medverka i framtagande av struktur för omsorgsutbildningar",
    "Identifiera samverkansbehov utifrån respektive parts kompetensförsörjningsplaner",
]

# 32 table rows; two rows hold two activities with their own indicators -> 34 activities.
ACTIVITIES_2025 = 34

# Rows whose only responsible body is Tjänsteledning HSVO Uppsala.
TL_ONLY_2025 = [
    "Följa upp kännedom och samsyn kring den gemensamma målbilden samt identifiera "
    "utvecklingsområden",
    "Bevaka resultatet i översynen av kunskapsstyrningssystemet i Uppsala län",
    "Utveckla uppstartat samverkansforum kring kris- och beredskapsfrågor och identifiera "
    "samverkansbehov",
    "Bevaka arbetet med Dokumenterad överenskommelse (tidigare patientkontrakt) och "
    "sammanhållen plan 1177",
]

# Activities per local focus area heading of the list.
PER_LOCAL_FOCUS_AREA_2025 = {
    "Hälsofrämjande, förebyggande och rehabiliterande insatser": 8,
    "Psykisk hälsa": 3,
    "Stärkt funktionsrättsperspektiv": 2,
    "Normbrytande beteende och kriminalitet": 1,
    "Hedersrelaterat våld och våld i nära relation": 1,
    "Nationellt arbete, hälsofrämjande och förebyggande": 1,
    "Omställning till en nära vård": 7,
    "Samsjuklighet": 1,
    "Kunskapsstyrning": 2,
    "Nationellt arbete, nära vård": 1,
    "Proaktiv samverkan kring kompetensförsörjning och bemanning": 2,
    "Beredskap och krishantering inkluderas i HSVO Uppsala": 1,
    "Invånartjänster och digitalisering": 4,
}

BOARDS = {
    "AMN": ("Arbetsmarknadsnämnden", "Uppsala kommun"),
    "OSN": ("Omsorgsnämnden", "Uppsala kommun"),
    "SCN": ("Socialnämnden", "Uppsala kommun"),
    "UBN": ("Utbildningsnämnden", "Uppsala kommun"),
    "ÄLN": ("Äldrenämnden", "Uppsala kommun"),
    "SHS": ("Sjukhusstyrelsen", "Region Uppsala"),
    "VS": ("Vårdstyrelsen", "Region Uppsala"),
}
