"""The second outside evaluator's generator of labelled control sightings (DESIGN §10 CSV).

    python -m tests.benchmarks.blind_cli2.generator OUT [--seed N] [--women N]

Standard library only, and written without reading the project's code (it imports
nothing from `zichtlijn`). Writes each town's export in that town's own conventions
(see `export_town`) into OUT/raw/ and the truth (never in the CSVs) into
OUT/truth.csv and OUT/women.csv. The same seed gives the same files, byte for byte.

Kept as the evaluator wrote it (gen.py); changed only to run as a module: this
docstring, the unused `json` import, `main` split into `write` (importable) and
its argument parsing, and the truth files written as UTF-8 whatever the locale.
"""
# The outside code's own style, kept so that its output stays the same byte for byte:
# ruff: noqa: E501, SIM102, B007, RUF005, RUF059, SIM300

import argparse
import csv
import datetime as dt
import io
import os
import random
import unicodedata

SEED = 20261207
WOMEN = 2300
TODAY = dt.date(2026, 12, 7)

# --------------------------------------------------------------------- names
RO_GIVEN = ["Ana", "Maria", "Elena", "Ioana", "Andreea", "Alexandra", "Cristina", "Mihaela",
            "Daniela", "Gabriela", "Florentina", "Roxana", "Denisa", "Bianca", "Alina", "Larisa",
            "Raluca", "Georgiana", "Mădălina", "Ștefania", "Nicoleta", "Loredana", "Claudia",
            "Adriana", "Simona", "Mariana", "Ionela", "Luminița", "Petronela", "Cosmina"]
RO_SUR = ["Popescu", "Ionescu", "Popa", "Radu", "Dumitru", "Stan", "Stoica", "Gheorghe", "Matei",
          "Ciobanu", "Rusu", "Munteanu", "Constantin", "Șerban", "Lazăr", "Dinu", "Tudor",
          "Moldovan", "Mureșan", "Ștefan", "Bălan", "Barbu", "Nistor", "Florea", "Toma", "Țurcanu",
          "Neagu", "Dobre", "Enache", "Mocanu"]
ROMA_SUR = ["Lăcătuș", "Căldăraru", "Rostaș", "Covaci", "Sztojka", "Lakatos", "Kolompár",
            "Ursari", "Zlătaru", "Spoitoru"]
RO_PLACES = ["București", "Craiova", "Iași", "Constanța", "Brăila", "Galați", "Timișoara",
             "Târgu Jiu", "Slatina", "Caracal", "Alexandria", "Roșiori de Vede"]

BG_GIVEN = ["Mariya", "Ivana", "Desislava", "Tsvetelina", "Galina", "Petya", "Nikolina",
            "Yordanka", "Radostina", "Gergana", "Teodora", "Kristina", "Vanya", "Silviya",
            "Stanislava", "Velichka", "Ralitsa", "Emilia", "Milena", "Denitsa"]
BG_SUR = ["Ivanova", "Petrova", "Georgieva", "Dimitrova", "Nikolova", "Todorova", "Stoyanova",
          "Angelova", "Hristova", "Atanasova", "Koleva", "Yordanova", "Mihaylova", "Asenova",
          "Kirilova", "Marinova", "Pavlova", "Vasileva", "Iliyeva", "Kostadinova"]
BG_FATHERS = ["Ivanova", "Petrova", "Georgieva", "Dimitrova", "Nikolova", "Stoyanova", "Hristova",
              "Asenova", "Yordanova", "Mitkova", "Kamenova", "Stefanova"]
BG_PLACES = ["Sliven", "Pazardzhik", "Plovdiv", "Varna", "Burgas", "Stara Zagora", "Pleven",
             "Montana", "Vidin", "Haskovo"]

HU_GIVEN = ["Anna", "Katalin", "Eszter", "Zsófia", "Krisztina", "Erzsébet", "Judit", "Éva",
            "Ágnes", "Nikolett", "Renáta", "Szilvia", "Tímea", "Vivien", "Bernadett", "Dóra"]
HU_SUR = ["Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár", "Németh",
          "Farkas", "Balogh", "Papp", "Lakatos", "Oláh", "Rácz", "Sárközi"]
HU_PLACES = ["Miskolc", "Nyíregyháza", "Debrecen", "Ózd", "Salgótarján", "Pécs", "Budapest",
             "Kaposvár"]

NG_GIVEN = ["Blessing", "Joy", "Precious", "Favour", "Gift", "Mercy", "Esther", "Faith", "Peace",
            "Happiness", "Osas", "Efe", "Ivie", "Eki", "Omosede", "Ngozi", "Chioma", "Amaka",
            "Adaeze", "Success", "Princess", "Glory"]
NG_SUR = ["Osagie", "Omoregie", "Igbinedion", "Okonkwo", "Eze", "Okafor", "Obaseki", "Uwaifo",
          "Edosomwan", "Aigbe", "Osaro", "Ehigiator", "Iyamu", "Nwosu", "Adeyemi", "Ogunleye",
          "Idahosa", "Osayande"]
NG_PLACES = ["Benin City", "Lagos", "Edo", "Warri", "Abuja", "Ekpoma", "Onitsha"]

NL_GIVEN = ["Sanne", "Lisa", "Anouk", "Fleur", "Esther", "Priscilla", "Kimberley", "Naomi",
            "Chantal", "Samantha", "Daniëlle", "Mirjam", "Demi", "Jessica", "Shirley"]
NL_SUR = ["de Vries", "Jansen", "de Jong", "van den Berg", "Bakker", "Visser", "Smit", "Meijer",
          "van Dijk", "Mulder", "de Boer", "Bos", "Vos", "Peters", "Hendriks", "van der Meer"]
NL_PLACES = ["Rotterdam", "Amsterdam", "Den Haag", "Utrecht", "Almere", "Tilburg", "Arnhem"]

LA_GIVEN1 = ["María", "Ana", "Luisa", "Daniela", "Valentina", "Yuliana", "Leidy", "Yesenia",
             "Carolina", "Paola", "Diana", "Sandra", "Yenifer", "Katherine", "Luz", "Gabriela",
             "Alejandra", "Yurani", "Marisol", "Johana"]
LA_GIVEN2 = ["José", "Fernanda", "Marcela", "Milena", "Marina", "Andrea", "Alejandra", "Camila",
             "Patricia", "Esperanza", "Carolina", "Lucía"]
LA_SUR = ["García", "López", "Rodríguez", "Martínez", "Hernández", "González", "Pérez", "Sánchez",
          "Ramírez", "Torres", "Gómez", "Díaz", "Vargas", "Castillo", "Jiménez", "Moreno", "Rojas",
          "Muñoz", "Ortiz", "Peña", "Guzmán", "Mejía", "Restrepo", "Cardona", "Ospina", "Quiñones"]
LA_PLACES = ["Medellín", "Cali", "Pereira", "Bogotá", "Santo Domingo", "Santiago de los Caballeros",
             "Caracas", "Barranquilla", "Cúcuta"]
LA_NATS = ["COL", "DOM", "VEN"]

TH_GIVEN = {  # canonical -> transliteration variants
    "Siriporn": ["Siriphon", "Siripohn", "Siriporn"],
    "Sunisa": ["Sunissa", "Suneesa"],
    "Kanokwan": ["Kanokwun", "Ganokwan"],
    "Pornthip": ["Phornthip", "Porntip", "Pornthib"],
    "Nattaya": ["Nattaya", "Natthaya", "Nataya"],
    "Wanida": ["Wanidaa", "Vanida"],
    "Chutima": ["Jutima", "Chuthima"],
    "Jiraporn": ["Chiraporn", "Jiraphon"],
    "Nipaporn": ["Nipaphon", "Nippaporn"],
    "Anchalee": ["Anchali", "Anchalie"],
    "Warunee": ["Waruni", "Varunee"],
    "Duangjai": ["Duangchai", "Duangjay"],
    "Ratchanee": ["Rachanee", "Ratchani"],
    "Supaporn": ["Suphaporn", "Supaphon"],
}
TH_NICK = ["Nok", "Ploy", "Noi", "Fon", "Joy", "Lek", "Pim", "Mai", "Bee", "Aom", "Fah", "Kwan",
           "Nan", "Som", "Dao"]
TH_SUR = {
    "Srisuk": ["Srisook", "Sri-suk"],
    "Wongsawat": ["Wongsawad", "Vongsawat"],
    "Chaiyaphum": ["Chaiyapoom", "Chaiyaphoom"],
    "Sukprasert": ["Sukprasoet", "Sookprasert"],
    "Thongchai": ["Tongchai", "Thongchay"],
    "Saengthong": ["Sangthong", "Saengtong"],
    "Boonmee": ["Bunmee", "Boonmi"],
    "Rattanakorn": ["Ratanakorn", "Rattanakon"],
    "Siriwattana": ["Siriwatana", "Siriwattanaa"],
    "Charoenphon": ["Charoenpon", "Jaroenphon"],
    "Kaewkanya": ["Kaeokanya", "Kaewkanyaa"],
    "Intharasombat": ["Intarasombat", "Intharasombut"],
    "Phromphan": ["Promphan", "Phrompan"],
    "Jaidee": ["Chaidee", "Jaidi"],
}
TH_PLACES = ["Udon Thani", "Khon Kaen", "Nakhon Ratchasima", "Bangkok", "Chiang Rai", "Ubon Ratchathani"]

CN_SUR = ["Li", "Wang", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun",
          "Lin", "Zhu", "Hu"]
CN_GIVEN = [("Xiao", "mei"), ("Li", "na"), ("Mei", "ling"), ("Xiu", "ying"), ("Yan",), ("Jing",),
            ("Hui", "min"), ("Fang",), ("Ling",), ("Na",), ("Xiao", "yan"), ("Yu", "ling"),
            ("Hong", "xia"), ("Juan",), ("Ying",), ("Li", "juan")]
CN_PLACES = ["Wenzhou", "Fuqing", "Shenyang", "Harbin", "Changchun", "Qingtian"]

UA_GIVEN = [["Oleksandra", "Aleksandra", "Olexandra", "Alexandra"],
            ["Yuliia", "Yulia", "Iuliia", "Julia"],
            ["Kateryna", "Ekaterina", "Katerina"],
            ["Nataliia", "Natalia", "Natalya"],
            ["Olena", "Elena"],
            ["Tetiana", "Tatiana", "Tatyana"],
            ["Iryna", "Irina"],
            ["Anastasiia", "Anastasia", "Anastasija"],
            ["Viktoriia", "Viktoria", "Victoria"],
            ["Oksana", "Oxana"],
            ["Svitlana", "Svetlana"],
            ["Daria", "Dariia", "Darya"],
            ["Khrystyna", "Kristina", "Christina"],
            ["Halyna", "Galina"]]
UA_SUR = [["Kovalenko", "Kowalenko"], ["Shevchenko", "Schewtschenko", "Sjevtsjenko"],
          ["Bondarenko", "Bondarenko"], ["Tkachenko", "Tkatschenko", "Tkatsjenko"],
          ["Kravchenko", "Krawtschenko"], ["Melnyk", "Melnik"], ["Boyko", "Boiko"],
          ["Kovalchuk", "Kowaltschuk", "Kovaltsjoek"], ["Oliinyk", "Oleinik", "Olijnyk"],
          ["Lysenko", "Lisenko"], ["Kharchenko", "Charchenko"], ["Hrytsenko", "Gritsenko"],
          ["Moroz", "Moroz"], ["Petrenko", "Petrenko"], ["Savchuk", "Sawtschuk"]]
UA_PLACES = ["Kharkiv", "Odesa", "Mykolaiv", "Kherson", "Zaporizhzhia", "Dnipro", "Kryvyi Rih"]

POPS = [("RO", 0.22), ("BG", 0.11), ("HU", 0.09), ("NG", 0.12), ("NL", 0.07), ("LA", 0.11),
        ("TH", 0.09), ("CN", 0.08), ("UA", 0.11)]
NAT = {"RO": "ROU", "BG": "BGR", "HU": "HUN", "NG": "NGA", "NL": "NLD", "TH": "THA", "CN": "CHN",
       "UA": "UKR"}
NAT_WORDS = {
    "ROU": ["ROU", "Roemeens", "Romania", "RO", "Roemenië"],
    "BGR": ["BGR", "Bulgaars", "Bulgaria", "BG"],
    "HUN": ["HUN", "Hongaars", "Hungary", "HU"],
    "NGA": ["NGA", "Nigeriaans", "Nigeria", "NG"],
    "NLD": ["NLD", "Nederlands", "Netherlands", "NL"],
    "THA": ["THA", "Thais", "Thailand", "TH"],
    "CHN": ["CHN", "Chinees", "China", "CN"],
    "UKR": ["UKR", "Oekraïens", "Ukraine", "UA"],
    "COL": ["COL", "Colombiaans", "Colombia", "CO"],
    "DOM": ["DOM", "Dominicaans", "Dominican Republic", "DO"],
    "VEN": ["VEN", "Venezolaans", "Venezuela", "VE"],
}
PHONE_CC = {"ROU": "40", "BGR": "359", "HUN": "36", "NGA": "234", "NLD": "31", "THA": "66",
            "CHN": "86", "UKR": "380", "COL": "57", "DOM": "1", "VEN": "58"}

TOWNS = ["GM0363", "GM0599", "GM0518", "GM0344", "GM0772"]
TOWN_W = [0.30, 0.22, 0.18, 0.15, 0.15]
SETTINGS = ["woning", "hotel", "raam", "club", "escort", "straat", "online"]
SIGNALS = ["geen_vergunning", "niet_nl", "controleur_aanwezig", "geen_id_in_bezit",
           "vervoer_afhankelijk", "adres_onbekend", "angstig", "tatoeage_naam"]


def strip_accents(s):
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


def typo(rng, s):
    letters = [i for i, c in enumerate(s) if c.isalpha()]
    if len(letters) < 3:
        return s
    i = rng.choice(letters[1:])
    op = rng.choice(["sub", "del", "ins", "transpose"])
    alpha = "abcdefghijklmnoprstuvz"
    if op == "sub":
        return s[:i] + rng.choice(alpha) + s[i + 1:]
    if op == "del":
        return s[:i] + s[i + 1:]
    if op == "ins":
        return s[:i] + rng.choice(alpha) + s[i:]
    if i + 1 < len(s) and s[i + 1].isalpha():
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + s[i + 1:]


class Woman:
    pass


def rand_dob(rng, lo=1979, hi=2006):
    start = dt.date(lo, 1, 1).toordinal()
    end = dt.date(hi, 10, 1).toordinal()
    return dt.date.fromordinal(rng.randint(start, end))


def make_phone(rng, nat):
    if nat == "NLD" or rng.random() < 0.55:
        return "+316" + "".join(str(rng.randint(0, 9)) for _ in range(8))
    cc = PHONE_CC[nat]
    n = 9 if cc not in ("1", "86") else (10 if cc == "1" else 11)
    return "+" + cc + str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def make_woman(rng, wid, pop, nid):
    w = Woman()
    w.id = wid
    w.pop = pop
    w.nat = NAT.get(pop) or rng.choice(LA_NATS)
    w.dob = rand_dob(rng)
    w.given2 = None
    w.patronymic = None
    w.sur2 = None
    w.nick = None
    w.th_given = w.th_sur = None
    w.variants_given = w.variants_sur = None
    if pop == "RO":
        w.given = rng.choice(RO_GIVEN)
        if rng.random() < 0.25:
            w.given2 = rng.choice([g for g in RO_GIVEN if g != w.given])
        w.sur = rng.choice(ROMA_SUR) if rng.random() < 0.15 else rng.choice(RO_SUR)
        w.place = rng.choice(RO_PLACES)
    elif pop == "BG":
        w.given = rng.choice(BG_GIVEN)
        w.sur = rng.choice(BG_SUR)
        w.patronymic = rng.choice(BG_FATHERS)
        w.place = rng.choice(BG_PLACES)
    elif pop == "HU":
        w.given = rng.choice(HU_GIVEN)
        if rng.random() < 0.15:
            w.given2 = rng.choice([g for g in HU_GIVEN if g != w.given])
        w.sur = rng.choice(HU_SUR)
        w.place = rng.choice(HU_PLACES)
    elif pop == "NG":
        w.given = rng.choice(NG_GIVEN)
        if rng.random() < 0.3:
            w.given2 = rng.choice([g for g in NG_GIVEN if g != w.given])
        w.sur = rng.choice(NG_SUR)
        w.place = rng.choice(NG_PLACES)
    elif pop == "NL":
        w.given = rng.choice(NL_GIVEN)
        w.sur = rng.choice(NL_SUR)
        w.place = rng.choice(NL_PLACES)
    elif pop == "LA":
        w.given = rng.choice(LA_GIVEN1)
        if rng.random() < 0.6:
            w.given2 = rng.choice([g for g in LA_GIVEN2 if g != w.given])
        w.sur = rng.choice(LA_SUR)
        w.sur2 = rng.choice([s for s in LA_SUR if s != w.sur])
        w.place = rng.choice(LA_PLACES)
    elif pop == "TH":
        w.th_given = rng.choice(list(TH_GIVEN))
        w.given = w.th_given
        w.variants_given = TH_GIVEN[w.th_given]
        w.th_sur = rng.choice(list(TH_SUR))
        w.sur = w.th_sur
        w.variants_sur = TH_SUR[w.th_sur]
        w.nick = rng.choice(TH_NICK)
        w.place = rng.choice(TH_PLACES)
    elif pop == "CN":
        w.sur = rng.choice(CN_SUR)
        w.cn_given = rng.choice(CN_GIVEN)
        w.given = "".join(p.lower() for p in w.cn_given).capitalize()
        w.place = rng.choice(CN_PLACES)
    elif pop == "UA":
        g = rng.choice(UA_GIVEN)
        s = rng.choice(UA_SUR)
        w.given, w.variants_given = g[0], g
        w.sur, w.variants_sur = s[0], s
        w.place = rng.choice(UA_PLACES)
    w.doc = rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") + rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") + \
        "".join(str(rng.randint(0, 9)) for _ in range(7))
    w.has_doc = rng.random() < 0.55
    w.phone = make_phone(rng, w.nat) if rng.random() < 0.7 else None
    w.married = None  # (date, surname)
    w.alias = None
    w.network = None
    w.neg = []  # negative-relationship tags
    return w


def full_name_parts(w, rng, when, tags):
    """Return (given_names, surname) as the inspector records them, adding tags."""
    given = w.given
    sur = w.sur
    pop = w.pop
    if pop == "TH":
        r = rng.random()
        if r < 0.25:
            given = w.nick
            tags.append("th_nickname")
        elif r < 0.5:
            given = rng.choice(w.variants_given)
            if given != w.given:
                tags.append("translit")
        if rng.random() < 0.3:
            v = rng.choice(w.variants_sur)
            if v != sur:
                sur = v
                tags.append("translit")
    elif pop == "UA":
        if rng.random() < 0.45:
            v = rng.choice(w.variants_given)
            if v != given:
                given = v
                tags.append("translit")
        if rng.random() < 0.4:
            v = rng.choice(w.variants_sur)
            if v != sur:
                sur = v
                tags.append("translit")
    elif pop == "CN":
        r = rng.random()
        parts = w.cn_given
        if r < 0.2:
            given = " ".join(p.capitalize() for p in parts)  # "Xiao Mei"
            if len(parts) > 1:
                tags.append("cn_spacing")
        elif r < 0.3 and len(parts) > 1:
            given = "-".join(p.capitalize() for p in parts)
            tags.append("cn_spacing")
        if rng.random() < 0.25:
            # surname first written into given_names: "Li Xiaomei" in given, surname empty/dup
            if rng.random() < 0.5:
                given, sur = sur, given
                tags.append("swap_names")
            else:
                given = sur + " " + given
                sur = "onbekend"
                tags.append("cn_fullname_in_given")
    if w.given2 and pop != "CN":
        if rng.random() < 0.6:
            given = given + " " + w.given2
        else:
            tags.append("drop_given2")
    if pop == "BG" and rng.random() < 0.3:
        given = given + " " + w.patronymic
        tags.append("bg_patronymic")
    if pop == "LA":
        if rng.random() < 0.35:
            tags.append("la_first_surname_only")
        else:
            sur = sur + " " + w.sur2
    if w.married and when >= w.married[0]:
        if rng.random() < 0.75:
            sur = w.married[1] if pop != "LA" else (w.sur + " de " + w.married[1])
            tags.append("married_name")
    if w.alias and rng.random() < 0.35:
        given = w.alias
        tags.append("alias")
    if rng.random() < 0.05:
        given = typo(rng, given)
        tags.append("typo_given")
    if rng.random() < 0.06:
        sur = typo(rng, sur)
        tags.append("typo_surname")
    if rng.random() < 0.04 and "swap_names" not in tags:
        given, sur = sur, given
        tags.append("swap_names")
    if pop == "LA" and rng.random() < 0.5 and strip_accents(given + sur) != given + sur:
        given, sur = strip_accents(given), strip_accents(sur)
        tags.append("accents_dropped")
    return given, sur


def recorded_dob(w, rng, tags):
    d = w.dob
    r = rng.random()
    if r < 0.14:
        tags.append("dob_missing")
        return None
    r = rng.random()
    if r < 0.03 and d.day <= 12 and d.day != d.month:
        tags.append("dob_daymonth_swap")
        return dt.date(d.year, d.day, d.month)
    if r < 0.06:
        tags.append("dob_off_by_one")
        k = rng.choice(["d", "y", "m"])
        try:
            if k == "d":
                return d + dt.timedelta(days=rng.choice([-1, 1]))
            if k == "y":
                return d.replace(year=d.year + rng.choice([-1, 1]))
            return d.replace(month=d.month % 12 + 1)
        except ValueError:
            return d + dt.timedelta(days=1)
    if r < 0.08:
        tags.append("dob_digit_typo")
        try:
            return d.replace(year=d.year + rng.choice([-10, 10]) if d.year < 1996 else d.year - 10)
        except ValueError:
            return d
    return d


def generate(seed, n_women):
    rng = random.Random(seed)
    women = []
    pops = [p for p, _ in POPS]
    wts = [x for _, x in POPS]
    for i in range(n_women):
        women.append(make_woman(rng, f"W{i:05d}", rng.choices(pops, wts)[0], i))

    # --- hard negatives
    def clone_relative(src, kind):
        w = make_woman(rng, f"W{len(women):05d}", src.pop, len(women))
        w.sur = src.sur
        w.sur2 = src.sur2
        w.variants_sur = src.variants_sur
        w.th_sur = src.th_sur
        w.place = src.place
        w.nat = src.nat
        if kind == "twin":
            w.dob = src.dob
        else:
            delta = rng.choice([-1, 1]) * rng.randint(365, 6 * 365)
            w.dob = src.dob + dt.timedelta(days=delta)
        if w.given == src.given and w.pop != "TH":
            # pick a similar but different given name where possible
            pool = {"RO": RO_GIVEN, "BG": BG_GIVEN, "HU": HU_GIVEN, "NG": NG_GIVEN,
                    "NL": NL_GIVEN, "LA": LA_GIVEN1}.get(w.pop)
            if pool:
                w.given = rng.choice([g for g in pool if g != src.given])
        # relatives often travel together and share a phone
        if rng.random() < 0.5:
            w.phone = src.phone
        w.neg.append(f"{kind}_of:{src.id}")
        src.neg.append(f"{kind}_of:{w.id}")
        women.append(w)
        return w

    base = list(women)
    for src in rng.sample(base, 45):
        clone_relative(src, "twin")
    for src in rng.sample(base, 70):
        clone_relative(src, "sister")
    # namesakes: identical full name, different DOB
    for g in range(90):
        src = rng.choice(base)
        for _ in range(rng.choice([1, 1, 2])):
            w = make_woman(rng, f"W{len(women):05d}", src.pop, len(women))
            for attr in ("given", "given2", "sur", "sur2", "patronymic", "nick", "variants_given",
                         "variants_sur", "th_given", "th_sur"):
                setattr(w, attr, getattr(src, attr))
            if src.pop == "CN":
                w.cn_given = src.cn_given
            if rng.random() < 0.3:  # same birth year, different day
                w.dob = dt.date(src.dob.year, rng.randint(1, 12), rng.randint(1, 28))
            w.neg.append(f"namesake_of:{src.id}")
            src.neg.append(f"namesake_of:{w.id}")
            women.append(w)
    # networks sharing a controller's phone / plate / companion
    ctrl_given = ["Ion", "Vasile", "Marian", "Florin", "Georgi", "Ivan", "Sandor", "Osaro", "Daniel",
                  "Carlos", "Somchai", "Wei", "Andriy", "Mehmet"]
    ctrl_sur = ["Stanciu", "Dimitrov", "Kolompar", "Osagie", "Ramirez", "Zhang", "Bondar", "Yilmaz",
                "Petrov", "Lacatus"]
    networks = []
    pool = list(women)
    rng.shuffle(pool)
    k = 0
    for nid in range(110):
        size = rng.randint(3, 7)
        members = pool[k:k + size]
        k += size
        net = {"id": f"N{nid:03d}", "phone": "+316" + "".join(str(rng.randint(0, 9)) for _ in range(8)),
               "plate": rng.choice(["B", "CJ", "PH", "SF", "V", "MM"]) + "-" + str(rng.randint(10, 99)) + "-" +
               "".join(rng.choice("ABCDEFGHKLMNPRSTXYZ") for _ in range(3)),
               "cg": rng.choice(ctrl_given), "cs": rng.choice(ctrl_sur), "cdob": rand_dob(rng, 1965, 1995)}
        for m in members:
            m.network = net
            m.neg.append(f"network:{net['id']}")
        networks.append(net)
    # life events
    for w in women:
        if rng.random() < 0.05:
            w.married = (TODAY - dt.timedelta(days=rng.randint(60, 500)),
                         rng.choice(NL_SUR + ["Yilmaz", "Bakker", "Öztürk", "El Amrani"]))
        if rng.random() < 0.04:
            w.alias = rng.choice(["Bianca", "Jessica", "Angel", "Candy", "Lola", "Monica", "Sabrina"])

    # --- sightings
    rows = []
    for w in women:
        n = rng.choices([1, 2, 3, 4, 5, 6, 7, 8, 10], [27, 20, 14, 11, 9, 7, 5, 4, 3])[0]
        carousel = rng.random() < 0.55
        home = rng.choices(TOWNS, TOWN_W)[0]
        start = TODAY - dt.timedelta(days=rng.randint(30, 680))
        day = start
        for j in range(n):
            town = rng.choices(TOWNS, TOWN_W)[0] if carousel else (home if rng.random() < 0.85 else rng.choice(TOWNS))
            tags = []
            given, sur = full_name_parts(w, rng, day, tags)
            dob = recorded_dob(w, rng, tags)
            phone = None
            if w.network and rng.random() < 0.45:
                phone = w.network["phone"]
                tags.append("controller_phone")
            elif w.phone and rng.random() < 0.6:
                phone = w.phone
            doc = None
            if w.has_doc and rng.random() < 0.6:
                doc = w.doc
                if rng.random() < 0.04:
                    doc = doc[:4] + str((int(doc[4]) + 1) % 10) + doc[5:]
                    tags.append("doc_typo")
            plate = w.network["plate"] if (w.network and rng.random() < 0.3) else None
            comp = w.network if (w.network and rng.random() < 0.25) else None
            setting = rng.choice(SETTINGS)
            licensed = rng.random() < 0.55
            sigs = rng.sample(SIGNALS, rng.choice([0, 0, 1, 1, 2, 3]))
            if not licensed:
                sigs = ["geen_vergunning"] + [s for s in sigs if s != "geen_vergunning"]
            rows.append({
                "woman": w.id, "town": town, "observed_on": day, "given": given, "sur": sur,
                "dob": dob, "nat": w.nat, "place": w.place, "doc": doc, "phone": phone,
                "plate": plate, "setting": setting, "licensed": licensed, "signals": sigs,
                "postcode": None, "housenr": None,
                "comp": comp, "tags": tags,
            })
            if rng.random() < 0.3:
                rows[-1]["postcode"] = f"{rng.randint(1000, 9999)} {rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}"
                rows[-1]["housenr"] = str(rng.randint(1, 300)) + rng.choice(["", "", "", "-1", " a", "hs"])
            day = day + dt.timedelta(days=rng.randint(7, 60))
            if day >= TODAY:
                break
    return women, networks, rows


# ----------------------------------------------------------- town exporters
STD_COLS = ["case_ref", "observed_on", "setting", "licensed", "signals", "given_names", "surname",
            "date_of_birth", "sex", "nationality", "place_of_birth", "document_number", "phone",
            "vehicle_plate", "address_postcode", "address_number", "advert_id",
            "companion_given_names", "companion_surname", "companion_date_of_birth"]


def excel_serial(d):
    return (d - dt.date(1899, 12, 30)).days


def fmt_phone(rng, e164, style, nat, notes):
    if e164 is None:
        return ""
    if style == "e164":
        return e164
    if style == "dutch":
        if e164.startswith("+31"):
            return "0" + e164[3:5] + "-" + e164[5:]
        return "00" + e164[1:] if rng.random() < 0.5 else e164
    if style == "numeric":  # spreadsheet ate it as a number
        if e164.startswith("+31"):
            digits = e164[3:]  # leading 0 stripped
            r = rng.random()
            if r < 0.15:
                notes.append("phone_sci_rounded")
                return f"{float(digits):.5E}".replace("E+0", "E+")
            return digits
        digits = e164[1:]
        r = rng.random()
        if r < 0.3:
            notes.append("phone_sci_rounded")
            return f"{float(digits):.5E}".replace("E+0", "E+").replace("E+", "E+")
        return digits
    return e164


def export_town(rng, town, rows, outdir):
    """Each town's own conventions. Returns filename and per-row notes."""
    conv = {
        # Amsterdam: clean UTF-8, comma, ISO dates, quoted fields with commas & newlines
        "GM0363": dict(name="amsterdam.csv", delim=",", enc="utf-8", bom=False,
                       header=STD_COLS, date=lambda d: d.isoformat(), obs=lambda d: d.isoformat(),
                       ref=lambda i: f"AMS-{2025 + i % 2}-{i:05d}", phone="e164", nat=0,
                       newlines=True, blanklines=False, trailing=0, extra=[]),
        # Rotterdam: Dutch Excel: semicolon, BOM, spaced headers, d-m-yyyy, DOB partly Excel serials,
        # phones as numbers, trailing ;;;, empty lines
        "GM0599": dict(name="rotterdam.csv", delim=";", enc="utf-8", bom=True,
                       header=["Case Ref", "Observed On", "Setting", "Licensed", "Signals",
                               "Given Names", "Surname", "Date Of Birth", "Sex", "Nationality",
                               "Place Of Birth", "Document Number", "Phone", "Vehicle Plate",
                               "Address Postcode", "Address Number", "Advert Id",
                               "Companion Given Names", "Companion Surname",
                               "Companion Date Of Birth"],
                       date=lambda d: (str(excel_serial(d)) if rng.random() < 0.4 else f"{d.day}-{d.month}-{d.year}"),
                       obs=lambda d: f"{d.day}-{d.month}-{d.year}",
                       ref=lambda i: f"{2025 + i % 2}/{i:05d}", phone="numeric", nat=1,
                       newlines=False, blanklines=True, trailing=3, extra=[]),
        # Den Haag: Windows-1252 "CSV (comma delimited)", d-m-yy two-digit years
        "GM0518": dict(name="denhaag.csv", delim=",", enc="cp1252", bom=False,
                       header=[c.upper() for c in STD_COLS],
                       date=lambda d: d.strftime("%d-%m-%y"), obs=lambda d: d.strftime("%d-%m-%y"),
                       ref=lambda i: f"DH-{i:06d}", phone="dutch", nat=2,
                       newlines=False, blanklines=False, trailing=0, extra=[]),
        # Utrecht: US m/d/yyyy (an English-locale laptop), extra unknown columns
        "GM0344": dict(name="utrecht.csv", delim=",", enc="utf-8", bom=False,
                       header=STD_COLS, date=lambda d: f"{d.month}/{d.day}/{d.year}",
                       obs=lambda d: f"{d.month}/{d.day}/{d.year}",
                       ref=lambda i: f"UT 2026 #{i}", phone="dutch", nat=3,
                       newlines=False, blanklines=False, trailing=0,
                       extra=["inspecteur", "opmerkingen"]),
        # Eindhoven: everything as Excel numbers: serial dates, phones as numbers; tab separated
        "GM0772": dict(name="eindhoven.csv", delim="\t", enc="utf-8", bom=False,
                       header=["CASE_REF", "OBSERVED_ON", "SETTING", "LICENSED", "SIGNALS",
                               "GIVEN_NAMES", "SURNAME", "DATE_OF_BIRTH", "SEX", "NATIONALITY",
                               "PLACE_OF_BIRTH", "DOCUMENT_NUMBER", "PHONE", "VEHICLE_PLATE",
                               "ADDRESS_POSTCODE", "ADDRESS_NUMBER", "ADVERT_ID",
                               "COMPANION_GIVEN_NAMES", "COMPANION_SURNAME", "COMPANION_DATE_OF_BIRTH"],
                       date=lambda d: str(excel_serial(d)), obs=lambda d: str(excel_serial(d)),
                       ref=lambda i: f"{100000 + i}", phone="numeric", nat=0,
                       newlines=False, blanklines=False, trailing=0, extra=[]),
    }[town]
    out_rows = []
    truth = []
    town_rows = [r for r in rows if r["town"] == town]
    town_rows.sort(key=lambda r: r["observed_on"])
    for i, r in enumerate(town_rows):
        notes = []
        given, sur = r["given"], r["sur"]
        if conv["enc"] == "cp1252":
            # what Excel writes: letters cp1252 lacks become '?'
            given = given.encode("cp1252", "replace").decode("cp1252")
            sur = sur.encode("cp1252", "replace").decode("cp1252")
            if "?" in given + sur:
                notes.append("cp1252_question_mark")
        place = r["place"]
        if conv["enc"] == "cp1252":
            place = place.encode("cp1252", "replace").decode("cp1252")
        if conv["newlines"] and rng.random() < 0.01:
            place = place + "\n" + {"ROU": "Roemenië", "NGA": "Nigeria"}.get(r["nat"], "buitenland")
            notes.append("newline_in_place")
        elif conv["newlines"] and rng.random() < 0.03:
            place = place + ", " + r["nat"]
            notes.append("comma_in_place")
        phone = fmt_phone(rng, r["phone"], conv["phone"], r["nat"], notes)
        dob = conv["date"](r["dob"]) if r["dob"] else rng.choice(["", "", "", "onbekend", "00-00-0000"])
        if town == "GM0344" and r["dob"] and r["dob"].day <= 12 and r["dob"].day != r["dob"].month:
            notes.append("us_dob_ambiguous")
        if town == "GM0344" and r["observed_on"].day <= 12 and r["observed_on"].day != r["observed_on"].month:
            notes.append("us_obs_ambiguous")
        comp = r["comp"]
        sigs = r["signals"]
        sig_s = ";".join(sigs) if conv["delim"] != ";" else ",".join(sigs)
        if town == "GM0363" and len(sigs) > 1 and rng.random() < 0.5:
            sig_s = ", ".join(sigs)  # quoted field with embedded commas
        nat_word = NAT_WORDS[r["nat"]][conv["nat"]]
        sex = {"GM0363": "V", "GM0599": "vrouw", "GM0518": "V", "GM0344": "F", "GM0772": "2"}[town]
        lic = {"GM0363": "ja" if r["licensed"] else "nee", "GM0599": "J" if r["licensed"] else "N",
               "GM0518": "ja" if r["licensed"] else "nee", "GM0344": "yes" if r["licensed"] else "no",
               "GM0772": "1" if r["licensed"] else "0"}[town]
        vals = [conv["ref"](i), conv["obs"](r["observed_on"]), r["setting"], lic, sig_s, given, sur, dob,
                sex, nat_word, place, r["doc"] or "", phone, r["plate"] or "",
                r["postcode"] or "", (r["housenr"] or "") if r["postcode"] else "", "",
                comp["cg"] if comp else "", comp["cs"] if comp else "",
                conv["date"](comp["cdob"]) if comp else ""]
        vals += [rng.choice(["jdv", "pk", "mb"]), rng.choice(["", "", "klant aanwezig", "spreekt geen Engels"])][:len(conv["extra"])]
        vals += [""] * conv["trailing"]
        out_rows.append(vals)
        truth.append({"gemeente": town, "case_ref": conv["ref"](i),
                      "observed_on": r["observed_on"].isoformat(), "woman": r["woman"],
                      "tags": "|".join(r["tags"] + notes)})
    # special rows: Chinese characters (5), both name fields
    buf = io.StringIO()
    wr = csv.writer(buf, delimiter=conv["delim"], lineterminator="\r\n")
    wr.writerow(conv["header"] + conv["extra"] + [""] * conv["trailing"])
    for j, vals in enumerate(out_rows):
        wr.writerow(vals)
        if conv["blanklines"] and rng.random() < 0.01:
            buf.write(conv["delim"] * (len(vals) - 1) + "\r\n" if rng.random() < 0.5 else "\r\n")
    data = buf.getvalue()
    raw = data.encode(conv["enc"], errors="replace")
    if conv["bom"]:
        raw = b"\xef\xbb\xbf" + raw
    path = os.path.join(outdir, conv["name"])
    with open(path, "wb") as f:
        f.write(raw)
    return path, truth


def write(out, seed=SEED, n_women=WOMEN):
    """Generate and write OUT/raw/*.csv, OUT/truth.csv, OUT/women.csv; print a summary."""
    out = str(out)
    women, networks, rows = generate(seed, n_women)
    # a handful of rows in Chinese script in Amsterdam (copied from a Chinese ID card)
    rng = random.Random(seed + 1)
    cn = [r for r in rows if r["town"] == "GM0363" and "CHN" == r["nat"]]
    for r in rng.sample(cn, 5):
        r["given"], r["sur"] = "小梅", "李"
        r["tags"].append("chinese_script")
    os.makedirs(os.path.join(out, "raw"), exist_ok=True)
    truth = []
    for town in TOWNS:
        path, t = export_town(rng, town, rows, os.path.join(out, "raw"))
        truth += t
        print(path, len(t))
    with open(os.path.join(out, "truth.csv"), "w", newline="", encoding="utf-8") as f:
        wr = csv.DictWriter(f, ["gemeente", "case_ref", "observed_on", "woman", "tags"])
        wr.writeheader()
        wr.writerows(truth)
    with open(os.path.join(out, "women.csv"), "w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f)
        wr.writerow(["woman", "pop", "nat", "dob", "given", "given2", "surname", "surname2", "neg"])
        for w in women:
            wr.writerow([w.id, w.pop, w.nat, w.dob.isoformat(), w.given, w.given2 or "", w.sur,
                         w.sur2 or "", "|".join(w.neg)])
    print("women", len(women), "sightings", len(rows))


def main():
    ap = argparse.ArgumentParser(prog="python -m tests.benchmarks.blind_cli2.generator")
    ap.add_argument("out", help="directory for raw/, truth.csv and women.csv")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--women", type=int, default=WOMEN)
    a = ap.parse_args()
    write(a.out, a.seed, a.women)


if __name__ == "__main__":
    main()
