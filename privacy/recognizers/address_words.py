"""Word lists for street addresses: street types in several languages, regions, countries.

Country names come from the ``phonenumbers`` package's English region names
(installed with Presidio), plus the older and shorter names people still write.
"""

from __future__ import annotations

import functools
import re

#: Street types written after the street's name ("Smith Street", "Oak Hollow Ln").
SUFFIXES = (
    "Street|St|Avenue|Ave|Av|Boulevard|Blvd|Road|Rd|Drive|Dr|Lane|Ln|Way|Parkway|Pkwy|Court|Ct|Place|Pl"
    "|Circle|Cir|Highway|Hwy|Freeway|Fwy|Expressway|Expy|Trail|Trl|Terrace|Ter|Square|Sq|Plaza|Plz|Loop"
    "|Crossing|Alley|Pike|Turnpike|Row|Close|Crescent|Cres|Grove|Mews|Walk|Gardens|Broadway|Causeway"
    "|Parade|Esplanade|Quay|Wharf|Promenade|Bypass|Ridge"
)
#: Less common street types, also ordinary nouns of places ("Thunder Mountain", "Seven Hills"):
#: the rest of the USPS street suffixes (Publication 28, appendix C1), less those that are
#: common words on their own or mostly name office buildings ("Union", "Key", "Light", "Club",
#: "Spring", "Center", "Station": "12th floor of 2 Allen Center" is an office, not a home).
MORE_SUFFIXES = (
    "Bridge|Brook|Canyon|Cliffs?|Commons?|Corners?|Course|Cove|Creek|Crest|Curve|Dale"
    "|Estates?|Extension|Ferry|Fields?|Flats?|Ford|Forest|Forge|Fork|Fort|Gateway|Glen|Green|Harbou?r"
    "|Haven|Heights|Hills?|Hollow|Inlet|Island|Isle|Junction|Knolls?|Lakes?|Landing|Lodge|Manor"
    "|Meadows?|Mills?|Mission|Motorway|Mount|Mountain|Neck|Orchard|Oval|Overpass|Park|Passage"
    "|Path|Pines?|Plains?|Points?|Port|Prairie|Radial|Ramp|Ranch|Rapids|River|Route|Shoals?|Shores?"
    "|Skyway|Spur|Stravenue|Stream|Summit|Throughway|Trace|Track|Trafficway|Tunnel|Underpass"
    "|Valley|Viaduct|Views?|Village|Ville|Vista|Wells?|Wall"
)
#: Street types written before the name ("Via Carlo Cattaneo 130", "ul. Karpacka 69").
PREFIXES = (
    "Via|Viale|Vicolo|Piazza|Piazzale|Corso|Largo|Rue|Avenue|Avenida|Boulevard|Chemin|Allée|Impasse|Quai"
    "|Calle|Carrer|Camino|Camiño|Paseo|Plaza|Praça|Rúa|Rua|Travessa|Estrada|Rodovia|Alameda|Ulica|Aleja"
    "|Plac|Strada|Calea|Bulevardul|Trg|Odos|Leoforos|Jalan|Vía|Ronda|Cuesta|Rambla|Carrera|Travesía"
    "|Pasaje|Avinguda|Passeig|Cours|Sentier|Contrada|Ladeira|Beco|Jln|Lorong|Persiaran|Lebuh"
    # abbreviations only with their dot ("ul. Karpacka", not "Al Frank's")
    "|Avda\\.|Av\\.|Bd\\.|Ul\\.|Al\\.|Os\\.|Str\\.|Jl\\.|Gg\\.|C/"
)
#: Street-type endings of one-word names ("Schaarsteinweg 58", "Hulsterdreef 100") and
#: separate words after the name ("Gosposka ulica 47", "Eötvös út 10").
COMPOUNDS = (
    "straße|strasse|str\\.|weg|gasse|allee|allé|platz|damm|ufer|chaussee|steig|pfad|lände|vej|gade|stræde"
    "|gata|gatan|vägen|väg|veien|vegen|vegur|plein|laan|straat|dreef|kade|gracht|plaats|steenweg|baan"
    "|markt|singel|wal|kuja|katu|tie|polku|utca|út|tér|körút|ulice|ulica|iela|gatvė|tänav|cesta|sokak"
    "|caddesi|ulitsa|prospekt|u\\.|gränd|backe|stig|torg|tori|náměstí|třída|sokağı|út|utca|iela|prospektas"
)
#: Units within a building.
UNIT = r"(?i:apt|apartment|suite|ste|unit|flat|room|rm|floor|fl|bldg|building|office|#)"
#: Small words inside place and street names ("Poggiovalle di Borgorose", "Carry van Bruggenweg").
PARTICLES = frozenset(
    "de del della delle dello degli dei di da do dos das du des la le les el los las van von der den het "
    "ter ten y e u im sur sous upon op bei zu zum zur nad pod na v".split()
)
US_STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC "
    "ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR AB BC MB NB NL NS NT NU ON PE QC SK YT"
).split()
STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho"
    "|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota"
    "|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York"
    "|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina"
    "|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming"
    "|Ontario|Quebec|Alberta|British Columbia|Manitoba|Nova Scotia|Saskatchewan"
)
_OTHER_COUNTRY_NAMES = (
    "USA|U\\.S\\.A\\.|U\\.S\\.|US|UK|U\\.K\\.|Great Britain|England|Scotland|Wales|Northern Ireland|Holland"
    "|Swaziland|Eswatini|Czechia|Korea|Russia|Vietnam|Ivory Coast|Burma|East Timor|Macedonia|North Macedonia"
    "|Cape Verde|Cabo Verde|Vatican City|Palestine|Republic of Ireland|America|North America|South America"
    "|Latin America|Central America"
)


@functools.cache
def country_pattern() -> str:
    """A regex alternative of English country names, longest first (case-insensitive use)."""
    import phonenumbers
    from phonenumbers import geocoder

    names = set()
    for region in phonenumbers.SUPPORTED_REGIONS:
        example = phonenumbers.example_number(region)
        if example is not None:
            names.add(geocoder.country_name_for_number(example, "en"))
    names = {n for n in names if n and "(" not in n}
    escaped = sorted((re.escape(n) for n in names), key=len, reverse=True)
    return "|".join([*escaped, _OTHER_COUNTRY_NAMES])
