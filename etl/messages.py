"""The ETL's messages to the people who fill its templates, in English, French and Dutch.

A problem's reason is a ``Message``: a ``str`` (its English text, so every existing use of a reason as
text keeps working) that also carries a stable ``code`` and its ``params``, so the command line can say
it again in the reader's language (``python -m etl validate|preview|load --lang fr|nl|en``).
``render(code, params, lang)`` fills the catalogue's text for that language: a ``float`` parameter is
written with that language's decimal mark (Babel), a ``Message`` parameter is rendered in the same
language, anything else as it is.

``MESSAGES`` is the catalogue: code -> (English, French, Dutch), with the same ``{placeholders}`` in
the three (a test checks it). Problems in files only maintainers edit (catalogue, publisher files,
boundaries) are plain English text without a code.
"""
from __future__ import annotations

import string

from babel.numbers import format_decimal

LANGUAGES = ("en", "fr", "nl")

MESSAGES: dict[str, tuple[str, str, str]] = {
    # ------------------------------------------------------------------ the file as a whole
    "file_not_found": (
        "file not found",
        "fichier introuvable",
        "bestand niet gevonden"),
    "file_empty": (
        "file is empty",
        "le fichier est vide",
        "het bestand is leeg"),
    "file_too_big": (
        "file is {size_mb} MB, over the {cap_mb} MB cap for one input; split it or raise BSIM_MAX_INPUT_MB",
        "le fichier fait {size_mb} Mo, au-delà de la limite de {cap_mb} Mo par fichier ; scindez-le ou "
        "relevez BSIM_MAX_INPUT_MB",
        "het bestand is {size_mb} MB, meer dan de grens van {cap_mb} MB per bestand; splits het of verhoog "
        "BSIM_MAX_INPUT_MB"),
    "upload_too_big": (
        "file is {size_mb} MB, over the {cap_mb} MB upload cap",
        "le fichier fait {size_mb} Mo, au-delà de la limite de {cap_mb} Mo pour un envoi",
        "het bestand is {size_mb} MB, meer dan de grens van {cap_mb} MB voor een upload"),
    "upload_suffix": (
        "only .csv and .xlsx files are accepted",
        "seuls les fichiers .csv et .xlsx sont acceptés",
        "alleen .csv- en .xlsx-bestanden worden aanvaard"),
    "not_text": (
        "not UTF-8, UTF-16 nor Windows-1252 text (undecodable byte at offset {offset}); save it as CSV UTF-8",
        "ce n'est pas du texte UTF-8, UTF-16 ni Windows-1252 (octet illisible à la position {offset}) ; "
        "enregistrez-le au format CSV UTF-8",
        "dit is geen UTF-8-, UTF-16- of Windows-1252-tekst (onleesbare byte op positie {offset}); sla het op "
        "als CSV UTF-8"),
    "no_data_rows": (
        "file has a header but no data rows",
        "le fichier a une ligne d'en-tête mais aucune ligne de données",
        "het bestand heeft een kopregel maar geen gegevensrijen"),
    "workbook_unreadable": (
        "cannot read the workbook: {error}",
        "impossible de lire le classeur : {error}",
        "de werkmap kan niet gelezen worden: {error}"),
    "not_a_template": (
        "not a known template: expected the five-tips assessment template or a member template (check the "
        "header row)",
        "ce n'est pas un modèle connu : le modèle d'évaluation des cinq pistes ou un modèle de données des "
        "membres est attendu (vérifiez la ligne d'en-tête)",
        "geen bekend sjabloon: het beoordelingssjabloon van de vijf tips of een sjabloon voor "
        "ledengegevens wordt verwacht (controleer de kopregel)"),
    "not_a_template_sheet": (
        "sheet '{sheet}' is not a known template: expected the five-tips assessment template or a member "
        "template (check its header row)",
        "la feuille « {sheet} » n'est pas un modèle connu : le modèle d'évaluation des cinq pistes ou un "
        "modèle de données des membres est attendu (vérifiez sa ligne d'en-tête)",
        "het blad '{sheet}' is geen bekend sjabloon: het beoordelingssjabloon van de vijf tips of een "
        "sjabloon voor ledengegevens wordt verwacht (controleer de kopregel)"),
    "unrecognised": (
        "unrecognised file: not a facts, communes, operators, Statbel or boundary file (check the header)",
        "fichier non reconnu : ce n'est pas un fichier de faits, de communes, d'opérateurs, de Statbel ni "
        "de limites (vérifiez l'en-tête)",
        "onbekend bestand: geen feiten-, gemeenten-, operatoren-, Statbel- of grenzenbestand (controleer "
        "de kopregel)"),
    "not_member_template": (
        "not a member template: the header needs 'stream' (re-use flows), a jobs column (integration_workers, "
        "art60_placements, fte, exits_to_work) or 'name' (operator sites) — see data/templates/README.md",
        "ce n'est pas un modèle de données des membres : l'en-tête doit avoir « flux » (flux de réemploi), une "
        "colonne d'emplois (travailleurs en insertion, article 60, ETP, sorties vers l'emploi) ou « nom » "
        "(sites) — voir data/templates/README.md",
        "geen sjabloon voor ledengegevens: de kopregel moet 'stroom' (hergebruikstromen), een kolom over "
        "banen (werknemers in inschakeling, artikel 60, VTE, uitstroom naar werk) of 'naam' (sites) "
        "bevatten — zie data/templates/README.md"),
    "already_loaded": (
        "this file is already loaded (the same bytes as {path}, loaded {when}): loading it again would count "
        "its rows twice; nothing was changed",
        "ce fichier est déjà chargé (les mêmes octets que {path}, chargé {when}) : le charger à nouveau "
        "compterait ses lignes deux fois ; rien n'a été modifié",
        "dit bestand is al geladen (dezelfde bytes als {path}, geladen {when}): het opnieuw laden zou zijn "
        "rijen dubbel tellen; er is niets gewijzigd"),
    "already_submitted": (
        "this file is already waiting for review (the same bytes as {name}, submitted on {time} UTC): sending it "
        "again would count its rows twice; nothing was changed",
        "ce fichier attend déjà une relecture (les mêmes octets que {name}, envoyé le {time} UTC) : l'envoyer à "
        "nouveau compterait ses lignes deux fois ; rien n'a été modifié",
        "dit bestand wacht al op nazicht (dezelfde bytes als {name}, ingediend op {time} UTC): het opnieuw "
        "indienen zou zijn rijen dubbel tellen; er is niets gewijzigd"),
    "same_file_in_upload": (
        "the same bytes as {name}, sent in this upload too: its rows would be counted twice; send the file once",
        "les mêmes octets que {name}, envoyé lui aussi dans cet envoi : ses lignes seraient comptées deux fois ; "
        "envoyez le fichier une seule fois",
        "dezelfde bytes als {name}, dat ook in deze upload zit: zijn rijen zouden dubbel geteld worden; stuur "
        "het bestand één keer"),
    "already_loaded_unknown_time": (
        "at an earlier build",
        "lors d'une construction précédente",
        "bij een eerdere opbouw"),
    "already_loaded_time": (
        "on {time} UTC",
        "le {time} UTC",
        "op {time} UTC"),
    # ------------------------------------------------------------------ workbooks
    "hidden_sheet": (
        "the workbook has a hidden sheet '{sheet}' with data: hidden sheets are never read, so what it says "
        "would not be published; delete it, or unhide it and move its rows into the template sheet",
        "le classeur contient une feuille masquée « {sheet} » avec des données : une feuille masquée n'est "
        "jamais lue, son contenu ne serait donc pas publié ; supprimez-la, ou affichez-la et déplacez ses "
        "lignes dans la feuille du modèle",
        "de werkmap bevat een verborgen blad '{sheet}' met gegevens: verborgen bladen worden nooit gelezen, "
        "dus wat erin staat zou niet gepubliceerd worden; verwijder het, of maak het zichtbaar en verplaats "
        "de rijen naar het blad van het sjabloon"),
    "several_sheets": (
        "the workbook has data on several sheets ({sheets}): only one sheet is read; keep all rows on the "
        "template sheet and delete the other sheets",
        "le classeur contient des données sur plusieurs feuilles ({sheets}) : une seule feuille est lue ; "
        "mettez toutes les lignes dans la feuille du modèle et supprimez les autres feuilles",
        "de werkmap bevat gegevens op meerdere bladen ({sheets}): er wordt maar één blad gelezen; zet alle "
        "rijen op het blad van het sjabloon en verwijder de andere bladen"),
    "formula_no_value": (
        "formula without a computed value — open and save the file in a spreadsheet program",
        "formule sans valeur calculée — ouvrez le fichier dans un tableur et enregistrez-le",
        "formule zonder berekende waarde — open het bestand in een rekenbladprogramma en sla het op"),
    "cell_error": (
        "the cell shows the error {error}: correct the formula or type the value",
        "la cellule affiche l'erreur {error} : corrigez la formule ou tapez la valeur",
        "de cel toont de fout {error}: verbeter de formule of typ de waarde in"),
    # ------------------------------------------------------------------ header, rows, cells
    "header_blank_cell": (
        "a column has no name in the header",
        "une colonne n'a pas de nom dans l'en-tête",
        "een kolom heeft geen naam in de kopregel"),
    "header_duplicate": (
        "column name appears twice in the header",
        "ce nom de colonne apparaît deux fois dans l'en-tête",
        "deze kolomnaam staat twee keer in de kopregel"),
    "header_same_meaning": (
        "two header cells mean the same column '{column}'",
        "deux cellules de l'en-tête désignent la même colonne « {column} »",
        "twee cellen van de kopregel betekenen dezelfde kolom '{column}'"),
    "column_missing": (
        "required column is missing (header has: {columns})",
        "colonne obligatoire absente (l'en-tête contient : {columns})",
        "verplichte kolom ontbreekt (de kopregel bevat: {columns})"),
    "column_unexpected": (
        "unexpected column (expected: {columns})",
        "colonne inattendue (colonnes attendues : {columns})",
        "onverwachte kolom (verwacht: {columns})"),
    "ragged_row": (
        "row has {fields} fields but the header has {header} (is the separator '{sep}' used inside a value "
        "without quotes?)",
        "la ligne a {fields} champs mais l'en-tête en a {header} (le séparateur « {sep} » est-il utilisé "
        "dans une valeur sans guillemets ?)",
        "de rij heeft {fields} velden maar de kopregel {header} (wordt het scheidingsteken '{sep}' in een "
        "waarde zonder aanhalingstekens gebruikt?)"),
    "value_outside_header": (
        "a value ('{text}') is in column {letter}, which has no name in the header: name the column or delete "
        "the value",
        "une valeur (« {text} ») se trouve dans la colonne {letter}, qui n'a pas de nom dans l'en-tête : "
        "nommez la colonne ou supprimez la valeur",
        "een waarde ('{text}') staat in kolom {letter}, die geen naam heeft in de kopregel: geef de kolom "
        "een naam of verwijder de waarde"),
    "totals_row": (
        "this looks like a totals row ('{text}'): delete it — the monitor adds up the rows itself, and a "
        "total must never be counted as a site or a figure",
        "cette ligne ressemble à une ligne de totaux (« {text} ») : supprimez-la — le moniteur additionne "
        "lui-même les lignes, et un total ne doit jamais être compté comme un site ou un chiffre",
        "deze rij lijkt een totaalrij ('{text}'): verwijder ze — de monitor telt de rijen zelf op, en een "
        "totaal mag nooit als een site of een cijfer meetellen"),
    "totals_formula_row": (
        "this row adds up other rows ({formula}): delete it — the monitor adds up the rows itself, and a total "
        "must never be counted as a site or a figure",
        "cette ligne additionne d'autres lignes ({formula}) : supprimez-la — le moniteur additionne lui-même "
        "les lignes, et un total ne doit jamais être compté comme un site ou un chiffre",
        "deze rij telt andere rijen op ({formula}): verwijder ze — de monitor telt de rijen zelf op, en een "
        "totaal mag nooit als een site of een cijfer meetellen"),
    "control_char": (
        "contains an invisible control character ({char}) that would break pages and exports; delete it "
        "(it often comes with text pasted from another program)",
        "contient un caractère de contrôle invisible ({char}) qui casserait les pages et les exports ; "
        "supprimez-le (il vient souvent d'un texte collé depuis un autre programme)",
        "bevat een onzichtbaar stuurteken ({char}) dat pagina's en exports zou breken; verwijder het (het "
        "komt vaak mee met tekst die uit een ander programma is geplakt)"),
    "replacement_char": (
        "contains '\ufffd', a character lost when the file was converted earlier: retype the text",
        "contient « \ufffd », un caractère perdu lors d'une conversion antérieure du fichier : retapez le texte",
        "bevat '\ufffd', een teken dat bij een eerdere omzetting van het bestand verloren ging: typ de tekst "
        "opnieuw"),
    "value_required": (
        "value is required",
        "valeur obligatoire",
        "waarde is verplicht"),
    "duplicate_row": (
        "duplicate of row {first} (same {columns}: {values})",
        "doublon de la ligne {first} (même {columns} : {values})",
        "dubbel van rij {first} (zelfde {columns}: {values})"),
    # ------------------------------------------------------------------ numbers
    "not_a_number": (
        "'{text}' is not a number",
        "« {text} » n'est pas un nombre",
        "'{text}' is geen getal"),
    "not_finite": (
        "'{text}' is not a finite number",
        "« {text} » n'est pas un nombre fini",
        "'{text}' is geen eindig getal"),
    "number_bad_spaces": (
        "'{text}' has spaces that are not thousands groups of three digits: remove them",
        "« {text} » contient des espaces qui ne séparent pas des groupes de trois chiffres : supprimez-les",
        "'{text}' bevat spaties die geen groepen van drie cijfers scheiden: verwijder ze"),
    "number_is_date": (
        "'{text}' is a date, not a number: format the cell as a number",
        "« {text} » est une date, pas un nombre : mettez la cellule au format nombre",
        "'{text}' is een datum, geen getal: zet de cel in de getalnotatie"),
    "number_ambiguous": (
        "'{text}' could be {as_thousands} or {as_decimal}, and nothing else in this file shows whether '{mark}' "
        "is the decimal mark: write {plain} if it is a whole number, or {longer} if it has decimals",
        "« {text} » peut valoir {as_thousands} ou {as_decimal}, et rien d'autre dans ce fichier n'indique si "
        "« {mark} » est le séparateur décimal : écrivez {plain} s'il s'agit d'un nombre entier, ou {longer} "
        "s'il a des décimales",
        "'{text}' kan {as_thousands} of {as_decimal} zijn, en niets anders in dit bestand toont of '{mark}' het "
        "decimaalteken is: schrijf {plain} als het een geheel getal is, of {longer} als het decimalen heeft"),
    "number_ambiguous_mixed": (
        "'{text}' could be {as_thousands} or {as_decimal}, and this file uses both '.' ('{dot}', row {dot_row}) "
        "and ',' ('{comma}', row {comma_row}) as decimal marks: use one decimal mark throughout the file",
        "« {text} » peut valoir {as_thousands} ou {as_decimal}, et ce fichier utilise à la fois « . » "
        "(« {dot} », ligne {dot_row}) et « , » (« {comma} », ligne {comma_row}) comme séparateur décimal : "
        "utilisez un seul séparateur décimal dans tout le fichier",
        "'{text}' kan {as_thousands} of {as_decimal} zijn, en dit bestand gebruikt zowel '.' ('{dot}', rij "
        "{dot_row}) als ',' ('{comma}', rij {comma_row}) als decimaalteken: gebruik één decimaalteken in het "
        "hele bestand"),
    "value_missing_empty": (
        "value is missing (empty); leave the row out rather than mark a figure as unknown",
        "valeur manquante (vide) ; omettez la ligne plutôt que de marquer un chiffre comme inconnu",
        "waarde ontbreekt (leeg); laat de rij weg in plaats van een cijfer als onbekend aan te duiden"),
    "value_missing_marker": (
        "value is missing ('{text}'); leave the row out rather than mark a figure as unknown",
        "valeur manquante (« {text} ») ; omettez la ligne plutôt que de marquer un chiffre comme inconnu",
        "waarde ontbreekt ('{text}'); laat de rij weg in plaats van een cijfer als onbekend aan te duiden"),
    "negative_count": (
        "negative value {text} for a count",
        "valeur négative {text} pour un nombre de personnes ou de tonnes",
        "negatieve waarde {text} voor een aantal"),
    "not_whole": (
        "'{text}' should be a whole number",
        "« {text} » doit être un nombre entier",
        "'{text}' moet een geheel getal zijn"),
    # ------------------------------------------------------------------ dates
    "not_a_date": (
        "'{text}' is not a date (use YYYY-MM-DD)",
        "« {text} » n'est pas une date (utilisez AAAA-MM-JJ)",
        "'{text}' is geen datum (gebruik JJJJ-MM-DD)"),
    "date_serial": (
        "'{text}' is a spreadsheet date number ({date}?) in a cell not formatted as a date: format the column "
        "as a date, or type the date as YYYY-MM-DD",
        "« {text} » est un numéro de date de tableur ({date} ?) dans une cellule qui n'est pas au format date : "
        "mettez la colonne au format date, ou tapez la date sous la forme AAAA-MM-JJ",
        "'{text}' is een datumnummer van een rekenblad ({date}?) in een cel zonder datumnotatie: zet de kolom "
        "in de datumnotatie, of typ de datum als JJJJ-MM-DD"),
    "date_future": (
        "date {date} is in the future",
        "la date {date} est dans le futur",
        "de datum {date} ligt in de toekomst"),
    "date_before_1990": (
        "date {date} is before 1990",
        "la date {date} est antérieure à 1990",
        "de datum {date} ligt vóór 1990"),
    # ------------------------------------------------------------------ communes and codes
    "nis_not_5_digits": (
        "'{text}' is not a 5-digit NIS code",
        "« {text} » n'est pas un code INS à 5 chiffres",
        "'{text}' is geen NIS-code van 5 cijfers"),
    "nis_arrondissement": (
        "21000 is the arrondissement; use the region code 04000 or a commune 21001-21019",
        "21000 est l'arrondissement ; utilisez le code de la région 04000 ou une commune 21001-21019",
        "21000 is het arrondissement; gebruik de gewestcode 04000 of een gemeente 21001-21019"),
    "nis_unknown_brussels": (
        "unknown NIS code {code}: Brussels communes are 21001-21019",
        "code INS inconnu {code} : les communes bruxelloises sont 21001-21019",
        "onbekende NIS-code {code}: de Brusselse gemeenten zijn 21001-21019"),
    "nis_outside": (
        "NIS code {code} is outside the Brussels-Capital Region (or a code retired by the 2019/2025 municipal "
        "mergers); only 21001-21019 and the region 04000 are accepted",
        "le code INS {code} est hors de la Région de Bruxelles-Capitale (ou supprimé par les fusions de "
        "communes de 2019/2025) ; seuls 21001-21019 et la région 04000 sont acceptés",
        "de NIS-code {code} ligt buiten het Brussels Hoofdstedelijk Gewest (of verdween bij de "
        "gemeentefusies van 2019/2025); alleen 21001-21019 en het gewest 04000 worden aanvaard"),
    "commune_unknown": (
        "'{text}' is not one of the 19 Brussels communes{suggestion}: write its NIS code (21001–21019) or its "
        "name in French, Dutch or English: {names}",
        "« {text} » n'est pas une des 19 communes bruxelloises{suggestion} : écrivez son code INS "
        "(21001–21019) ou son nom en français, néerlandais ou anglais : {names}",
        "'{text}' is geen van de 19 Brusselse gemeenten{suggestion}: schrijf de NIS-code (21001–21019) of de "
        "naam in het Frans, Nederlands of Engels: {names}"),
    "did_you_mean": (
        " (did you mean {name}?)",
        " (vouliez-vous dire {name} ?)",
        " (bedoelt u {name}?)"),
    "postal_outside": (
        "postal code {code} is not a Brussels-Capital Region postal code: the site is outside the region",
        "le code postal {code} n'est pas un code postal de la Région de Bruxelles-Capitale : le site est hors "
        "de la région",
        "postcode {code} is geen postcode van het Brussels Hoofdstedelijk Gewest: de site ligt buiten het "
        "gewest"),
    "postal_shared": (
        "postal code {code} is shared by {communes}: give the commune or the coordinates",
        "le code postal {code} est partagé par {communes} : indiquez la commune ou les coordonnées",
        "postcode {code} wordt gedeeld door {communes}: geef de gemeente of de coördinaten"),
    "postal_not_commune": (
        "postal code {code} belongs to {communes}, not {commune}",
        "le code postal {code} appartient à {communes}, pas à {commune}",
        "postcode {code} hoort bij {communes}, niet bij {commune}"),
    "and": (
        " and ",
        " et ",
        " en "),
    "location_missing": (
        "give the commune, the postal code or the coordinates",
        "indiquez la commune, le code postal ou les coordonnées",
        "geef de gemeente, de postcode of de coördinaten"),
    "lon_lat_both": (
        "give both lon and lat, or neither",
        "indiquez à la fois la longitude et la latitude, ou aucune des deux",
        "geef zowel lengte- als breedtegraad, of geen van beide"),
    "coords_outside": (
        "coordinates ({lon}, {lat}) are outside the Brussels-Capital Region (WGS84 longitude, latitude expected)",
        "les coordonnées ({lon}, {lat}) sont hors de la Région de Bruxelles-Capitale (longitude, latitude "
        "WGS84 attendues)",
        "de coördinaten ({lon}, {lat}) liggen buiten het Brussels Hoofdstedelijk Gewest (WGS84-lengte- en "
        "breedtegraad verwacht)"),
    "coords_swapped": (
        "coordinates ({lon}, {lat}) are outside the Brussels-Capital Region, but inside it with lon and lat "
        "swapped: swapped? In Brussels the longitude is about 4.2–4.5 and the latitude about 50.7–50.9",
        "les coordonnées ({lon}, {lat}) sont hors de la Région de Bruxelles-Capitale, mais dedans si l'on "
        "inverse longitude et latitude : inversées ? À Bruxelles, la longitude vaut environ 4,2–4,5 et la "
        "latitude environ 50,7–50,9",
        "de coördinaten ({lon}, {lat}) liggen buiten het Brussels Hoofdstedelijk Gewest, maar erbinnen met "
        "lengte- en breedtegraad omgewisseld: omgewisseld? In Brussel is de lengtegraad ongeveer 4,2–4,5 en "
        "de breedtegraad ongeveer 50,7–50,9"),
    "coords_lambert": (
        "coordinates ({lon}, {lat}) look like Belgian Lambert 72 metres, not degrees: give the WGS84 longitude "
        "and latitude in decimal degrees (e.g. 4.3522, 50.8467)",
        "les coordonnées ({lon}, {lat}) ressemblent à des mètres Lambert belge 72, pas à des degrés : indiquez "
        "la longitude et la latitude WGS84 en degrés décimaux (par ex. 4,3522 ; 50,8467)",
        "de coördinaten ({lon}, {lat}) lijken Belgische Lambert 72-meters, geen graden: geef de WGS84-lengte- "
        "en breedtegraad in decimale graden (bv. 4,3522; 50,8467)"),
    "coords_no_commune": (
        "coordinates ({lon}, {lat}) lie outside every Brussels commune: the site is outside the region",
        "les coordonnées ({lon}, {lat}) ne tombent dans aucune commune bruxelloise : le site est hors de la "
        "région",
        "de coördinaten ({lon}, {lat}) liggen in geen enkele Brusselse gemeente: de site ligt buiten het "
        "gewest"),
    "coords_not_commune": (
        "coordinates lie in {where} but the commune column says {commune}",
        "les coordonnées tombent dans {where} mais la colonne commune indique {commune}",
        "de coördinaten liggen in {where} maar de gemeentekolom zegt {commune}"),
    "coords_not_postal": (
        "coordinates lie in {where} but postal code {code} belongs to {communes}",
        "les coordonnées tombent dans {where} mais le code postal {code} appartient à {communes}",
        "de coördinaten liggen in {where} maar postcode {code} hoort bij {communes}"),
    # ------------------------------------------------------------------ member templates
    "name_required": (
        "name is required",
        "le nom est obligatoire",
        "de naam is verplicht"),
    "site_id_required": (
        "site_id is required",
        "l'identifiant du site est obligatoire",
        "de site-id is verplicht"),
    "site_id_chars": (
        "site_id '{text}' may only use letters, digits, '_', '.', '-' (40 at most)",
        "l'identifiant « {text} » ne peut contenir que des lettres, des chiffres, « _ », « . », « - » (40 au "
        "plus)",
        "de site-id '{text}' mag alleen letters, cijfers, '_', '.', '-' bevatten (hoogstens 40)"),
    "category_code": (
        "category '{text}' must be a snake_case code (e.g. reuse_shop)",
        "la catégorie « {text} » doit être un code en minuscules avec des « _ » (par ex. reuse_shop)",
        "de categorie '{text}' moet een code in kleine letters met '_' zijn (bv. reuse_shop)"),
    "year_range": (
        "year {year} is outside {first}–{last}",
        "l'année {year} est hors de la période {first}–{last}",
        "het jaar {year} ligt buiten {first}–{last}"),
    "no_figure": (
        "no figure on this row: give at least one of {columns}",
        "aucun chiffre sur cette ligne : indiquez au moins une des colonnes {columns}",
        "geen cijfer op deze rij: geef minstens een van {columns}"),
    "implausible_persons": (
        "{value} is implausible for one site in one year (bound: {bound}); check the unit or split the site",
        "{value} est invraisemblable pour un site en une année (limite : {bound}) ; vérifiez l'unité ou "
        "scindez le site",
        "{value} is onwaarschijnlijk voor één site in één jaar (grens: {bound}); controleer de eenheid of "
        "splits de site"),
    "implausible_tonnes": (
        "{value} t is implausible for one site, stream and year (bound: {bound} t); tonnes, not kg?",
        "{value} t est invraisemblable pour un site, un flux et une année (limite : {bound} t) ; des tonnes, "
        "pas des kg ?",
        "{value} t is onwaarschijnlijk voor één site, stroom en jaar (grens: {bound} t); ton, geen kg?"),
    "fte_over_persons": (
        "fte {fte} is more than the {persons} persons in integration and article 60§7",
        "{fte} ETP, c'est plus que les {persons} personnes en insertion et en article 60§7",
        "{fte} VTE is meer dan de {persons} personen in inschakeling en artikel 60§7"),
    "unknown_stream": (
        "unknown stream '{text}' (accepted: {accepted})",
        "flux inconnu « {text} » (acceptés : {accepted})",
        "onbekende stroom '{text}' (aanvaard: {accepted})"),
    "reused_over_collected": (
        "reused_t {reused} is more than collected_t {collected}",
        "le réemploi ({reused} t) dépasse la collecte ({collected} t)",
        "het hergebruik ({reused} t) is groter dan de inzameling ({collected} t)"),
    "reused_recycled_over_collected": (
        "reused_t + recycled_t = {total} is more than collected_t {collected}",
        "réemploi + recyclage = {total} t, plus que la collecte ({collected} t)",
        "hergebruik + recyclage = {total} t, meer dan de inzameling ({collected} t)"),
    "site_id_defined_twice": (
        "site_id '{site}' is already defined in {file} row {row}",
        "l'identifiant « {site} » est déjà défini dans {file}, ligne {row}",
        "de site-id '{site}' is al gedefinieerd in {file}, rij {row}"),
    "unknown_site_id": (
        "unknown site_id '{site}': it is in no operator-sites file of {where}",
        "identifiant de site inconnu « {site} » : il ne figure dans aucun fichier de sites de {where}",
        "onbekende site-id '{site}': hij staat in geen enkel sitebestand van {where}"),
    "reported_in_other_file": (
        "the same {columns} is already reported in another file",
        "le même {columns} est déjà déclaré dans un autre fichier",
        "dezelfde {columns} is al in een ander bestand gemeld"),
    # ------------------------------------------------------------------ assessments
    "unknown_criterion": (
        "unknown criterion '{text}'",
        "critère inconnu « {text} »",
        "onbekend criterium '{text}'"),
    "not_a_status": (
        "'{text}' is not a status ({listed})",
        "« {text} » n'est pas un statut ({listed})",
        "'{text}' is geen status ({listed})"),
    "evidence_not_url": (
        "evidence must be a web address starting with http:// or https://",
        "la preuve doit être une adresse web commençant par http:// ou https://",
        "het bewijs moet een webadres zijn dat begint met http:// of https://"),
    "evidence_needed": (
        "status '{status}' needs an evidence link",
        "le statut « {status} » demande un lien vers une preuve",
        "de status '{status}' vraagt een link naar een bewijs"),
    "unknown_source_page": (
        "unknown source '{text}' (see the sources page)",
        "source inconnue « {text} » (voir la page des sources)",
        "onbekende bron '{text}' (zie de pagina met bronnen)"),
    "note_too_long": (
        "note is longer than 2,000 characters",
        "la remarque dépasse 2 000 caractères",
        "de opmerking is langer dan 2.000 tekens"),
    "duplicate_assessment": (
        "duplicate of row {first} (same commune, criterion and date)",
        "doublon de la ligne {first} (même commune, critère et date)",
        "dubbel van rij {first} (zelfde gemeente, criterium en datum)"),
    "already_assessed": (
        "{code} {criterion} on {date} is already assessed by {other}",
        "{code} {criterion} au {date} est déjà évalué par {other}",
        "{code} {criterion} op {date} is al beoordeeld door {other}"),
    # ------------------------------------------------------------------ command line
    "upload_refused": (
        "upload refused",
        "envoi refusé",
        "upload geweigerd"),
    "input_problems": (
        "input files have problems",
        "des fichiers d'entrée ont des problèmes",
        "invoerbestanden hebben problemen"),
    "cli_db_unchanged": (
        "{headline}; the published database was not changed",
        "{headline} ; la base de données publiée n'a pas été modifiée",
        "{headline}; de gepubliceerde databank is niet gewijzigd"),
    "assessments_by_editors": (
        "five-tips assessments are entered by the federation's editors; a member organisation submits its sites, "
        "jobs and re-use flows",
        "les évaluations des cinq pistes sont saisies par les éditeurs de la fédération ; une organisation membre "
        "envoie ses sites, ses emplois et ses flux de réemploi",
        "de beoordelingen van de vijf tips worden door de redacteurs van de federatie ingevoerd; een "
        "lidorganisatie dient haar sites, banen en hergebruikstromen in"),
    "not_member_upload": (
        "not a member template",
        "ce n'est pas un modèle de données des membres",
        "geen sjabloon voor ledengegevens"),
    "own_organisation": (
        "write '{organisation}' here: you submit for {organisation} only",
        "écrivez « {organisation} » ici : vous envoyez des données pour {organisation} uniquement",
        "schrijf hier '{organisation}': u dient alleen gegevens in voor {organisation}"),
    "own_organisation_says": (
        "write '{organisation}' here: you submit for {organisation} only (the file says '{org}')",
        "écrivez « {organisation} » ici : vous envoyez des données pour {organisation} uniquement (le fichier "
        "indique « {org} »)",
        "schrijf hier '{organisation}': u dient alleen gegevens in voor {organisation} (het bestand vermeldt "
        "'{org}')"),
    "site_of_another_new_id": (
        "site_id '{site}' is a site of another organisation: choose another id for your site",
        "site_id « {site} » est un site d'une autre organisation : choisissez un autre identifiant pour votre site",
        "site_id '{site}' is een site van een andere organisatie: kies een andere id voor uw site"),
    "site_of_another": (
        "site_id '{site}' is a site of another organisation",
        "site_id « {site} » est un site d'une autre organisation",
        "site_id '{site}' is een site van een andere organisatie"),
    "site_not_yours": (
        "site_id '{site}' is not one of your sites: submit it in an operator-sites file first (or in the same "
        "submission)",
        "site_id « {site} » n'est pas l'un de vos sites : envoyez-le d'abord dans un fichier de sites (ou dans le "
        "même envoi)",
        "site_id '{site}' is geen van uw sites: dien het eerst in via een sitesbestand (of in dezelfde "
        "inzending)"),
    "upload_not_yours": (
        "upload refused: not your organisation's figures",
        "envoi refusé : ce ne sont pas les chiffres de votre organisation",
        "upload geweigerd: dit zijn niet de cijfers van uw organisatie"),
    "cli_nothing_queued": (
        "{headline}; nothing was queued",
        "{headline} ; rien n'a été mis en attente de relecture",
        "{headline}; er is niets in de wachtrij gezet"),
    "cli_submitted": (
        "submission {id} is waiting for review ({n} file(s))",
        "l'envoi {id} attend une relecture ({n} fichier(s))",
        "inzending {id} wacht op nazicht ({n} bestand(en))"),
    "cli_no_preview": (
        "{headline}; no preview was built",
        "{headline} ; aucun aperçu n'a été construit",
        "{headline}; er is geen voorbeeld opgebouwd"),
    "cli_loaded": (
        "loaded {name} as {kind} (archived as {archive}, sha256 {sha}…)",
        "{name} chargé comme {kind} (archivé sous {archive}, sha256 {sha}…)",
        "{name} geladen als {kind} (gearchiveerd als {archive}, sha256 {sha}…)"),
    "cli_preview_built": (
        "preview of {name} as {kind} built in {out}",
        "aperçu de {name} comme {kind} construit dans {out}",
        "voorbeeld van {name} als {kind} opgebouwd in {out}"),
    "cli_validated": (
        "{n} file(s): {good} OK, {bad} with problems",
        "{n} fichier(s) : {good} sans problème, {bad} avec des problèmes",
        "{n} bestand(en): {good} in orde, {bad} met problemen"),
    "cli_file_problems": (
        "{file}: {n} problem(s)",
        "{file} : {n} problème(s)",
        "{file}: {n} probleem/problemen"),
    "header_below_rows": (
        "header found on row {row}; the {skipped} row(s) above it were not read",
        "en-tête trouvé à la ligne {row} ; les {skipped} ligne(s) au-dessus n'ont pas été lues",
        "kopregel gevonden op rij {row}; de {skipped} rij(en) erboven zijn niet gelezen"),
    "where_reason": (
        "{where}: {reason}",
        "{where} : {reason}",
        "{where}: {reason}"),
    "where_row": (
        "row {row}",
        "ligne {row}",
        "rij {row}"),
    "where_column": (
        "column '{column}'",
        "colonne « {column} »",
        "kolom '{column}'"),
}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _param_text(value, lang: str) -> str:
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, float):
        return format_decimal(value, format="0.######", locale={"en": "en_GB", "fr": "fr_BE", "nl": "nl_BE"}[lang])
    return str(value)


def render(code: str, params: dict, lang: str = "en") -> str:
    """The catalogue text of ``code`` in ``lang`` (en when the language is not one of ``LANGUAGES``)."""
    texts = MESSAGES[code]
    text = texts[LANGUAGES.index(lang)] if lang in LANGUAGES else texts[0]
    return text.format(**{k: _param_text(v, lang) for k, v in params.items()})


class Message(str):
    """A reason: its English text, with the ``code`` and ``params`` to say it in another language."""

    code: str
    params: dict

    def __new__(cls, code: str, /, **params):
        if code not in MESSAGES:
            raise KeyError(f"no message '{code}' in etl.messages.MESSAGES")
        obj = super().__new__(cls, render(code, params, "en"))
        obj.code = code
        obj.params = params
        return obj

    def render(self, lang: str = "en") -> str:
        return render(self.code, self.params, lang)

    def __reduce__(self):
        return (_rebuild, (self.code, self.params))


def _rebuild(code: str, params: dict) -> Message:
    return Message(code, **params)


def localise(text, lang: str = "en") -> str:
    """A reason or headline in ``lang``: a ``Message`` is rendered, plain text stays as it is."""
    return text.render(lang) if isinstance(text, Message) else str(text)


def joined(items) -> Message | str:
    """'A and B' for two names, 'A, B and C' for more, in every language (a ``Message`` for the 'and')."""
    items = [str(i) for i in items]
    if len(items) < 2:
        return items[0] if items else ""
    return _Joined(items)


class _Joined(Message):
    """A list joined with the language's 'and' (kept as a Message so it is rendered per language)."""

    def __new__(cls, items: list[str]):
        obj = str.__new__(cls, ", ".join(items[:-1]) + MESSAGES["and"][0] + items[-1])
        obj.code = "and"
        obj.params = {}
        obj.items = items
        return obj

    def render(self, lang: str = "en") -> str:
        return ", ".join(self.items[:-1]) + render("and", {}, lang) + self.items[-1]

    def __reduce__(self):
        return (_Joined, (self.items,))
