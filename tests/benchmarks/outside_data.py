"""A second, independent labelled generator, linked through the command line.

    .venv-bench/bin/python -m tests.benchmarks.outside_data [--seed 11] [--women 3000]
        [--gemeenten 4] [--dir DIR] [--examples 5]

The project's own carousel generator shares its author's idea of what goes wrong
when an inspector writes a name down, and so does the normalisation that undoes
it. This generator is written apart from both (it imports nothing from
`linkage/`): its own name lists for the women met in Dutch prostitution controls
(Romania, Moldova, Bulgaria, Hungary, Ukraine, Nigeria, the Netherlands, Poland,
Colombia, the Dominican Republic, Thailand), its own transliteration tables for
the Cyrillic names, its own recording errors at the rates in `RATES` and
`PERSON_RATES` below, and its own hard negatives (sisters, twins, namesakes,
women sharing a controller's phone).

The rows are written as the node CSV of DESIGN §10, one file per gemeente, and
linked by `zichtlijn demo --csv`, as `tests/benchmarks/febrl_cli.py` does. The
errors applied to each sighting are kept in memory, keyed by case_ref (never in
the CSV), so every missed pair and every false link can be put down to the
errors of its two sightings or the relation of its two women.
"""
# Cyrillic name lists and transliteration tables are the point of this file:
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import re
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from tests.benchmarks.febrl_cli import _zichtlijn
from tests.benchmarks.metrics import ClusterQuality, cluster_quality

# --------------------------------------------------------------------------------------
# The generator's choices. Per sighting unless said otherwise.
RATES: dict[str, float] = {
    "name spelled by another system (Cyrillic-script origins)": 0.35,
    "Thai name romanised differently": 0.25,
    "diacritics dropped": 0.35,
    "diacritics as cedilla / code page (ş ţ, õ û)": 0.10,
    "given name and surname swapped": 0.04,
    "given name and surname swapped (Hungarian, surname first)": 0.15,
    "second given name dropped (of women with two)": 0.25,
    "second given name added (of women with one)": 0.03,
    "two given names hyphen-joined (of those written with two)": 0.20,
    "one typo": 0.08,
    "two typos": 0.02,
    "all upper case": 0.15,
    "Dutch particle written otherwise (of names with one)": 0.30,
    "married surname written (of married women)": 0.45,
    "double surname written (of married women)": 0.20,
    "Spanish second surname dropped": 0.35,
    "date of birth missing": 0.10,
    "date of birth day and month swapped": 0.03,
    "date of birth off by one day": 0.02,
    "date of birth off by one month": 0.015,
    "date of birth off by one year": 0.02,
    "nationality recorded": 0.60,
    "place of birth recorded": 0.30,
    "document number recorded": 0.40,
    "document number OCR-like typo (of those recorded)": 0.05,
    "phone recorded": 0.45,
    "phone is her own, not the network's (of women with one)": 0.30,
    "sex recorded (V)": 0.30,
    "same gemeente copies its earlier record of her": 0.40,
}
PERSON_RATES: dict[str, float] = {
    "married (not Latin American)": 0.08,
    "Moldovan holding a Romanian passport too": 0.30,
    "second identity document": 0.20,
    "has her own phone": 0.40,
    "a sister among the women": 0.05,
    "a twin among the women": 0.008,
    "a namesake among the women": 0.015,
    "relative in the same network": 0.75,
}
VISITS = {1: 0.25, 2: 0.27, 3: 0.14, 4: 0.12, 5: 0.11, 6: 0.11}  # sightings per woman
SPELLING_SYSTEMS = {"dutch": 0.35, "english": 0.25, "german": 0.15, "bgn": 0.10,
                    "french": 0.05, "cyrillic": 0.10}  # when not the passport's
GEMEENTE_CODES = ("GM0363", "GM0599", "GM0518", "GM0344", "GM0772", "GM0855",
                  "GM0014", "GM0392", "GM0153", "GM0202", "GM0268", "GM0546")
FIRST_DAY, DAYS = dt.date(2025, 12, 1), 365  # observed_on: the year before the run
HEADER = ("case_ref", "observed_on", "given_names", "surname", "date_of_birth", "sex",
          "nationality", "place_of_birth", "document_number", "phone")

# --------------------------------------------------------------------------------------
# Names. Commonest first: a weight of 1/rank**0.6 skews them without one name dominating.
# `_` stands for a space inside one name; Moldovan entries are `Romanian:Russian`.


@dataclass(frozen=True)
class Origin:
    code: str  # ISO alpha-3 of her nationality
    share: float
    script: str  # latin, uk (Ukrainian Cyrillic), bg, md (Romanian with a Russian form)
    given: str
    surnames: str
    places: str
    two_given: float  # share of women with two given names
    documents: tuple[str, ...]  # A letter, 9 digit, X either
    nationality: tuple[str, ...]  # ways a record writes it
    phone_cc: str


ORIGINS: dict[str, Origin] = {o.code: o for o in (
    Origin("ROU", 0.24, "latin",
           "Maria Elena Ioana Andreea Alexandra Mihaela Ana Cristina Gabriela Daniela Alina "
           "Ionela Florentina Nicoleta Roxana Simona Ramona Georgiana Denisa Bianca Larisa "
           "Adriana Loredana Iuliana Claudia Diana Florina Mădălina Raluca Oana Lăcrămioara "
           "Ștefania Petronela Anișoara Violeta Cătălina Luminița Geanina Marinela Paula "
           "Corina Irina Sorina Teodora Valentina Florica Viorica Cosmina Alexia Narcisa",
           "Popa Popescu Pop Radu Dumitru Stan Stoica Gheorghe Matei Ciobanu Ionescu Rusu "
           "Mihai Constantin Munteanu Stănescu Florea Moldovan Lungu Marin Dinu Tudor Dobre "
           "Barbu Nistor Ene Toma Sandu Nedelcu Zamfir Preda Oprea Lazăr Moraru Ștefan Bălan "
           "Vasile Stoian Cojocaru Năstase Dragomir Manole Bucur Ion Țurcanu Șerban Mocanu "
           "Păun Căldăraru Lăcătuș Dumitrache Niculae Tănase Ilie Surdu Constantinescu "
           "Mihăilă Anghel Cristea Voicu Bratu Neagu Ardeleanu Pîrvu Grigore Costache Fieraru "
           "Spoitoru Rădulescu",
           "București Constanța Craiova Iași Brăila Galați Bacău Pitești Slatina Caracal "
           "Târgu_Jiu Botoșani Suceava Călărași Giurgiu Alexandria Buzău Focșani Vaslui "
           "Piatra_Neamț Timișoara Cluj-Napoca Brașov Ploiești Râmnicu_Vâlcea Târgoviște "
           "Tulcea Bârlad Roman Onești",
           0.30, ("999999999", "AA999999"), ("ROU", "RO", "Roemeens", "Romania", "Roemenië"),
           "40"),
    Origin("MDA", 0.10, "md",
           "Ana:Анна Maria:Мария Elena:Елена Iulia:Юлия Natalia:Наталья Tatiana:Татьяна "
           "Olga:Ольга Svetlana:Светлана Irina:Ирина Cristina:Кристина Alina:Алина "
           "Ecaterina:Екатерина Victoria:Виктория Angela:Анжела Nadejda:Надежда "
           "Veronica:Вероника Doina:Дойна Mariana:Мариана Ludmila:Людмила "
           "Valentina:Валентина Aliona:Алёна Corina:Корина Diana:Диана Inga:Инга "
           "Galina:Галина Lilia:Лилия Nina:Нина Vera:Вера Oxana:Оксана Violeta:Виолета "
           "Liliana:Лилиана Silvia:Сильвия Eugenia:Евгения Stela:Стела Rodica:Родика "
           "Larisa:Лариса Zinaida:Зинаида Mihaela:Михаела Daniela:Даниэла Xenia:Ксения",
           "Țurcanu:Цуркану Rusu:Русу Ceban:Чебан Ciobanu:Чобану Cojocaru:Кожокару "
           "Lungu:Лунгу Munteanu:Мунтяну Rotari:Ротарь Botnari:Ботнарь Sârbu:Сырбу "
           "Popa:Попа Bălan:Бэлан Guțu:Гуцу Moraru:Морару Țurcan:Цуркан Cazacu:Казаку "
           "Roșca:Рошка Gheorghiță:Георгицэ Bivol:Бивол Ursu:Урсу Melnic:Мельник "
           "Negru:Негру Cebotari:Чеботарь Croitoru:Кроитору Postolachi:Постолаки "
           "Pascari:Паскарь Railean:Райлян Grosu:Гросу Mocanu:Мокану Cernei:Черней "
           "Stratan:Стратан Vrabie:Врабие Prodan:Продан Bostan:Бостан Lupu:Лупу "
           "Bodiu:Бодю Jardan:Жардан Chiriac:Кирияк Sandu:Санду Tcaci:Ткач "
           "Scutaru:Скутару Carauș:Карауш",
           "Chișinău:Кишинёв Bălți:Бельцы Orhei:Орхей Cahul:Кагул Ungheni:Унгены "
           "Soroca:Сороки Hîncești:Хынчешты Comrat:Комрат Edineț:Единцы Căușeni:Каушаны "
           "Strășeni:Страшены Florești:Флорешты Tiraspol:Тирасполь Drochia:Дрокия "
           "Ialoveni:Яловены Leova:Леова",
           0.10, ("AA9999999", "999999999"),
           ("MDA", "MD", "Moldavisch", "Moldova", "Moldova, Republic of"), "373"),
    Origin("BGR", 0.14, "bg",
           "Мария Иванка Елена Йорданка Пенка Десислава Цветелина Гергана Виктория Снежана "
           "Радостина Галина Петя Николета Теодора Станислава Силвия Даниела Стефка Емилия "
           "Радка Анелия Антония Валентина Ваня Веселина Габриела Бисерка Здравка Калина "
           "Кристина Милена Мирослава Надежда Павлина Росица Светла Таня Христина Яна Жана "
           "Живка Айше Фатме Сибел Гюлтен Емине",
           "Иванова Георгиева Димитрова Петрова Николова Христова Стоянова Тодорова Илиева "
           "Василева Атанасова Петкова Ангелова Йорданова Колева Маринова Стефанова Попова "
           "Михайлова Костова Кирова Симеонова Добрева Младенова Любенова Асенова Кръстева "
           "Цветкова Пенева Ганчева Здравкова Радева Славова Янкова Чакърова Жекова Щерева "
           "Юсеинова Мехмедова Алиева Бозова Кючукова",
           "София Пловдив Варна Бургас Русе Стара_Загора Плевен Сливен Добрич Шумен "
           "Пазарджик Ямбол Хасково Кърджали Монтана Видин Враца Габрово Лом Казанлък",
           0.03, ("999999999",), ("BGR", "BG", "Bulgaars", "Bulgaria", "Bulgarije"), "359"),
    Origin("HUN", 0.12, "latin",
           "Anita Szilvia Katalin Erzsébet Mónika Krisztina Andrea Tímea Zsuzsanna Edit "
           "Ildikó Nikolett Viktória Renáta Brigitta Orsolya Dóra Eszter Réka Vivien Bettina "
           "Alexandra Henrietta Beáta Gabriella Anikó Éva Judit Kitti Petra Barbara Melinda "
           "Noémi Zsófia Enikő Csilla Bernadett Gyöngyi Hajnalka Klaudia Fanni Tünde Ágnes "
           "Marianna Rita Szabina Ivett Dzsenifer",
           "Nagy Kovács Tóth Szabó Horváth Varga Kiss Molnár Németh Farkas Balogh Papp "
           "Takács Juhász Lakatos Mészáros Oláh Simon Rácz Fekete Szilágyi Török Fehér "
           "Balázs Gál Kis Szűcs Kocsis Orsós Pintér Fodor Szalai Sipos Magyar Lukács Gulyás "
           "Biró Király Katona László Jakab Bogdán Balog Sándor Boros Fazekas Kelemen Antal "
           "Orosz Somogyi Fülöp Vörös Szőke Rostás Csonka Bódi Kolompár Sárközi Győri",
           "Budapest Miskolc Debrecen Nyíregyháza Pécs Győr Szeged Ózd Salgótarján "
           "Kazincbarcika Eger Kaposvár Szolnok Békéscsaba Sátoraljaújhely Szekszárd "
           "Mátészalka Tiszaújváros Nagykanizsa Hódmezővásárhely",
           0.10, ("AA9999999", "999999AA"), ("HUN", "HU", "Hongaars", "Hungary", "Hongarije"),
           "36"),
    Origin("UKR", 0.09, "uk",
           "Олена Юлія Наталія Тетяна Оксана Ірина Світлана Анна Марія Катерина Ольга "
           "Вікторія Анастасія Людмила Галина Надія Лариса Валентина Алла Інна Дарія "
           "Христина Софія Аліна Яна Олександра Віра Любов Ганна Лілія Євгенія Зоя "
           "Роксолана Богдана Уляна Ніна Валерія Карина Діана Яна",
           "Мельник Шевченко Бойко Коваленко Бондаренко Ткаченко Ковальчук Кравченко Олійник "
           "Шевчук Поліщук Коваль Бондар Ткачук Марченко Мороз Лисенко Руденко Савченко "
           "Петренко Клименко Павленко Кравчук Кузьменко Левченко Гончаренко Мельничук "
           "Пономаренко Захарченко Литвиненко Романенко Тимошенко Іваненко Вовк Харченко "
           "Кушнір Сидоренко Федоренко Гриценко Карпенко Яковенко Швець",
           "Київ Харків Одеса Дніпро Львів Запоріжжя Вінниця Чернівці Миколаїв Херсон "
           "Ізмаїл Полтава Житомир Рівне Ужгород Мукачево Хмельницький",
           0.03, ("AA999999", "999999999"), ("UKR", "UA", "Oekraïens", "Ukraine", "Oekraïne"),
           "380"),
    Origin("NGA", 0.10, "latin",
           "Blessing Precious Joy Favour Mercy Gift Peace Faith Happiness Success Glory "
           "Patience Esther Rita Osasere Osaretin Efe Eki Ivie Osato Uyi Omosede Nosa Itohan "
           "Ewere Osayuwamen Aisosa Adesuwa Ifeoma Chioma Ngozi Chinwe Amaka Adaeze Funmilayo "
           "Bukola Oluwaseun Tosin Kemi Folake Comfort Loveth Princess Vivian Stella "
           "Jennifer Gloria Juliet Osaro",
           "Osagie Omoregie Igbinedion Obasogie Ehigiator Aigbe Osaghae Iyamu Edosomwan "
           "Ogbeide Uwaifo Idahosa Omorodion Okundaye Ekhator Eghosa Usman Okafor Okonkwo "
           "Eze Nwosu Okoro Obi Adeyemi Okeke Ogunleye Bello Ibrahim Oyelaran Ighodaro "
           "Asemota Ogiemwonyi Aiwerioba Evbuomwan Oviawe Okoh Ehiorobo Imafidon Aghedo "
           "Uyiekpen Osarenren Erhunmwunse",
           "Benin_City Lagos Ekpoma Uromi Auchi Irrua Sapele Warri Abuja Onitsha Enugu "
           "Port_Harcourt Ibadan Asaba Igueben",
           0.40, ("A99999999",), ("NGA", "NG", "Nigeriaans", "Nigeria"), "234"),
    Origin("NLD", 0.07, "latin",
           "Sanne Lisa Kim Naomi Priscilla Samantha Chantal Kelly Demi Melissa Sharon Esther "
           "Linda Patricia Jessica Romy Jasmijn Eva Anouk Denise Shirley Nathalie Bianca "
           "Sabrina Tamara Mandy Kimberley Joyce Daphne Lotte Fleur Britt Iris Nikki Mariska "
           "Roxanne Dewi Yvonne Sandra Monique",
           "de_Jong Jansen de_Vries van_den_Berg van_Dijk Bakker Janssen Visser Smit Meijer "
           "de_Boer Mulder de_Groot Bos Vos Peters Hendriks van_Leeuwen Dekker Brouwer de_Wit "
           "Dijkstra Smits de_Graaf van_der_Meer van_der_Linden Kok Jacobs de_Haan Vermeulen "
           "van_den_Heuvel van_der_Veen van_den_Broek de_Bruijn van_der_Heijden Schouten "
           "van_Beek Willems van_Vliet Hoekstra Maas Verhoeven Koster van_Dam Prins Blom "
           "Huisman Kuipers Post",
           "Amsterdam Rotterdam Den_Haag Utrecht Eindhoven Groningen Tilburg Almere Breda "
           "Nijmegen Enschede Apeldoorn Haarlem Arnhem Zaanstad Amersfoort Zwolle Leeuwarden "
           "Emmen Lelystad",
           0.10, ("AAXXXXXX9",), ("NLD", "NL", "Nederlands", "Nederlandse"), "31"),
    Origin("POL", 0.05, "latin",
           "Anna Katarzyna Magdalena Agnieszka Joanna Monika Małgorzata Aleksandra Natalia "
           "Karolina Paulina Justyna Ewelina Marta Dominika Patrycja Sylwia Izabela Beata "
           "Kinga Weronika Agata Żaneta Klaudia Edyta Dorota Urszula Marzena Iwona Renata "
           "Gabriela Emilia Julia Wioletta Aneta Angelika",
           "Nowak Kowalska Wiśniewska Wójcik Kowalczyk Kamińska Lewandowska Zielińska "
           "Szymańska Woźniak Dąbrowska Kozłowska Jankowska Mazur Kwiatkowska Krawczyk "
           "Piotrowska Grabowska Nowakowska Pawłowska Michalska Nowicka Adamczyk Dudek Zając "
           "Wieczorek Jabłońska Król Majewska Olszewska Jaworska Wróbel Malinowska Pawlak "
           "Witkowska Walczak Stępień Górska Rutkowska Michalak Sikora Ostrowska Baran Duda "
           "Szewczyk",
           "Warszawa Kraków Łódź Wrocław Poznań Gdańsk Szczecin Bydgoszcz Lublin Białystok "
           "Katowice Gdynia Częstochowa Radom Toruń Kielce Rzeszów Olsztyn Opole Wałbrzych "
           "Legnica Słupsk",
           0.10, ("AA9999999", "AAA999999"), ("POL", "PL", "Pools", "Poland", "Polen"), "48"),
    Origin("COL", 0.025, "latin",
           "María Luz Yesenia Yuliana Daniela Carolina Paola Marisol Yaneth Leidy Yurany "
           "Diana Sandra Angélica Natalia Valentina Lorena Johana Katherine Yessica Dayana "
           "Marcela Adriana Fernanda Nathaly Mayerly Luisa Alejandra Liliana Viviana",
           "Rodríguez Gómez González Martínez García López Hernández Sánchez Ramírez Pérez "
           "Díaz Muñoz Rojas Moreno Jiménez Vargas Castro Gutiérrez Ortiz Ruiz Mejía Restrepo "
           "Cardona Osorio Zapata Castaño Valencia Quintero Ríos Giraldo Arango Londoño",
           "Bogotá Medellín Cali Pereira Armenia Manizales Barranquilla Cartagena "
           "Bucaramanga Cúcuta Ibagué Palmira",
           0.60, ("AA999999",), ("COL", "CO", "Colombiaans", "Colombia"), "57"),
    Origin("DOM", 0.025, "latin",
           "María Francisca Altagracia Yokasta Yudelka Rosanna Wendy Yanet Mercedes Milagros "
           "Esmeralda Yasmín Ana Julia Rosa Carmen Yohanna Massiel Yenny Yaritza Scarlet "
           "Yisel Dahiana Leidy Cristal Nicole Yulissa Ruth Miguelina Anyelina",
           "Rodríguez Pérez Santana Reyes De_la_Cruz Rosario Féliz Báez Núñez Polanco "
           "Almonte Tavárez Encarnación Medina Cabrera Batista Guzmán Mercedes Vásquez "
           "Martínez García Jiménez Peña Hernández Sánchez Ramírez Díaz Castillo Mateo "
           "Florián Valdez",
           "Santo_Domingo Santiago_de_los_Caballeros San_Pedro_de_Macorís La_Romana "
           "Puerto_Plata Barahona San_Cristóbal Higüey Boca_Chica Sosúa",
           0.60, ("AA9999999",), ("DOM", "DO", "Dominicaans", "Dominican Republic"), "1809"),
    Origin("THA", 0.04, "latin",
           "Siriporn Somsri Malee Pranee Wanida Nittaya Kanokwan Supaporn Ratana Jintana "
           "Pornthip Nongnuch Araya Kannika Thanyarat Sukanya Ornanong Waraporn Lamai Buppha "
           "Duangjai Patcharee Sunisa Yupin Wilaiwan Chanida Pimchanok Saowalak Kanya Naree "
           "Anong Pensri Achara Kulap Jiraporn Phatcharin",
           "Saetang Srisuk Wongsawat Thongdee Kaewmanee Chaiyaporn Boonmee Sukprasert "
           "Phromma Inthong Somboon Rattanaphon Charoensuk Kongkaew Jaidee Srisawat "
           "Bunyasarn Pongpanich Thammasak Sangthong Chantarasiri Wongsuwan Phanthong "
           "Saengchan Kittisak Siriwat Meesuk Yodkhwan Sriwichai Thepsuwan Chaisiri "
           "Pumsawang Khamphiu Sakulthai",
           "Bangkok Udon_Thani Khon_Kaen Nakhon_Ratchasima Ubon_Ratchathani Chiang_Mai "
           "Chiang_Rai Pattaya Sisaket Buriram Surin Nong_Khai Roi_Et Sakon_Nakhon",
           0.0, ("AA9999999",), ("THA", "TH", "Thais", "Thailand"), "66"),
)}

# --------------------------------------------------------------------------------------
# Transliteration of Cyrillic, one table per system a record may use. Only what tells
# the systems apart is listed; the rest is the common letter-for-letter table.
_CYRILLIC = dict(zip("абвгґдеёжзиіїйклмнопрстуфхцчшщъыьэюяє",
                     ["a", "b", "v", "g", "g", "d", "e", "e", "zh", "z", "i", "i", "i", "y",
                      "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch",
                      "sh", "shch", "", "y", "", "e", "yu", "ya", "ye"], strict=True))
_SYSTEMS: dict[str, dict[str, str]] = {
    "ua-passport": {"г": "h", "є": "ie", "и": "y", "ї": "i", "й": "i", "ю": "iu", "я": "ia"},
    "bg-passport": {"х": "h", "щ": "sht", "ъ": "a", "ь": "y"},
    "english": {"ї": "yi"},
    "bgn": {"ї": "yi"},
    "german": {"в": "w", "ж": "sch", "з": "s", "й": "j", "х": "ch", "ц": "z", "ч": "tsch",
               "ш": "sch", "щ": "schtsch", "ю": "ju", "я": "ja", "є": "je", "ї": "ji"},
    "dutch": {"ж": "zj", "й": "j", "х": "ch", "ч": "tsj", "ш": "sj", "щ": "sjtsj", "у": "oe",
              "ю": "joe", "я": "ja", "є": "je", "ї": "ji"},
    "french": {"ж": "j", "й": "i", "ч": "tch", "ш": "ch", "щ": "chtch", "у": "ou", "ю": "iou",
               "я": "ia", "є": "ie"},
    "romanian": {"ж": "j", "х": "h", "й": "i", "ц": "ț", "ч": "ci", "ш": "ș", "щ": "șci",
                 "ю": "iu", "я": "ia", "ы": "î", "э": "ă", "є": "ie"},
}
_WORD_START = {"ua-passport": {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"},
               "english": {"е": "ye"}, "bgn": {"е": "ye"}, "german": {"е": "je"},
               "dutch": {"е": "je"}}
_ENDINGS = {"english": {"ия": "ia", "ія": "ia", "ья": "ia"},
            "bgn": {"ия": "iya", "ія": "iya", "ья": "ya"},
            "german": {"ия": "ia", "ія": "ia", "ья": "ja"},
            "dutch": {"ия": "ia", "ія": "ia", "ья": "ja"},
            "french": {"ия": "ia", "ія": "ia"}, "bg-passport": {"ия": "ia"},
            "romanian": {"ия": "ia", "ья": "ia"}}
# What the language itself fixes whatever the system: Ukrainian г and и are h and y in
# every Latin writing of Ukrainian; Bulgarian ъ is a and щ is "sht" (sounded so).
_LANGUAGE = {"uk": {"г": "h", "и": "y"},
             "bg": {"ъ": "a", "щ": "sht", "х": "h"}}
_LANGUAGE_SYSTEM = {("bg", "german"): {"щ": "scht", "х": "ch"},
                    ("bg", "dutch"): {"щ": "sjt", "х": "ch"},
                    ("bg", "french"): {"щ": "cht", "х": "kh"}, ("bg", "bgn"): {"х": "kh"}}
THAI_VARIANTS = (("ph", "p"), ("th", "t"), ("ee", "i"), ("oo", "u"), ("w", "v"),
                 ("ai", "ay"), ("ch", "j"))


def transliterate(text: str, system: str, language: str) -> str:
    """`text` (Cyrillic) as written in `system`; words and their capitals kept."""
    if system == "cyrillic":
        return text
    return re.sub(r"[^\W\d_]+", lambda m: _transliterate_word(m.group(0), system, language),
                  text)


def _transliterate_word(word: str, system: str, language: str) -> str:
    table = {**_CYRILLIC, **_SYSTEMS.get(system, {}), **_LANGUAGE.get(language, {}),
             **_LANGUAGE_SYSTEM.get((language, system), {})}
    lower, tail = word.lower(), ""
    for ending, written in _ENDINGS.get(system, {}).items():
        if lower.endswith(ending):
            lower, tail = lower[:-len(ending)], written
            break
    start = _WORD_START.get(system, {})
    out = "".join(start.get(ch, table.get(ch, ch)) if i == 0 else table.get(ch, ch)
                  for i, ch in enumerate(lower)) + tail
    if word.isupper() and len(word) > 1:
        return out.upper()
    return out[:1].upper() + out[1:] if word[:1].isupper() else out


# --------------------------------------------------------------------------------------
# The women.


@dataclass(frozen=True)
class Name:
    """One name part: its Latin form (passport line) and, for Cyrillic origins, its own."""

    latin: str
    cyrillic: str = ""


@dataclass
class Woman:
    pid: str
    origin: Origin
    given: list[Name]
    surname: Name
    dob: dt.date
    place: Name
    documents: list[str]
    nationalities: list[str]
    second_surname: str = ""  # a Latin American mother's surname
    married: Name | None = None
    own_phone: str = ""
    network: int = -1
    relative_of: str = ""
    relation: str = ""


@dataclass
class Sighting:
    case_ref: str
    woman: Woman
    gemeente: str
    row: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)  # kind -> detail, in memory only
    document: str = ""  # the true document number behind what was written
    phone: str = ""  # the true number behind what was written
    dob: dt.date | None = None  # the date written, as a date


def _names(spec: str, script: str) -> list[Name]:
    names = []
    for item in spec.split():
        item = item.replace("_", " ")
        if script == "md":
            latin, cyrillic = item.split(":")
            names.append(Name(latin, cyrillic))
        elif script in ("uk", "bg"):
            system = "ua-passport" if script == "uk" else "bg-passport"
            names.append(Name(transliterate(item, system, script), item))
        else:
            names.append(Name(item))
    return names


@dataclass
class _Lists:
    given: list[Name]
    surnames: list[Name]
    places: list[Name]


_LISTS = {code: _Lists(_names(o.given, o.script), _names(o.surnames, o.script),
                       _names(o.places, o.script)) for code, o in ORIGINS.items()}


def _skewed(rng: random.Random, items: list[Name]) -> Name:
    return rng.choices(items, weights=[1 / (rank + 1) ** 0.6 for rank in range(len(items))])[0]


def _pattern(rng: random.Random, pattern: str) -> str:
    letters, digits = "ABCDEFGHJKLMNPRSTUVWXYZ", "0123456789"
    return "".join(rng.choice(letters) if p == "A" else rng.choice(digits) if p == "9"
                   else rng.choice(letters + digits) for p in pattern)


# Country code -> (what its mobile numbers start with, digits after that).
_MOBILE = {"31": ("6", 8), "40": ("7", 8), "373": ("6", 7), "359": ("8", 8), "36": ("30", 7),
           "380": ("50", 7), "234": ("80", 8), "48": ("5", 8), "57": ("3", 9),
           "1809": ("", 7), "66": ("8", 8)}


def _mobile(rng: random.Random, cc: str) -> str:
    """An E.164 mobile number of country `cc` (the Dutch ones 06...)."""
    prefix, digits = _MOBILE[cc]
    return f"+{cc}{prefix}" + "".join(rng.choice("0123456789") for _ in range(digits))


def _birth_date(rng: random.Random) -> dt.date:
    age = 18 + min(int(rng.gammavariate(2.0, 4.0)), 27)  # mostly in her twenties
    return dt.date(2026 - age, 1, 1) + dt.timedelta(days=rng.randrange(365))


def _new_woman(rng: random.Random, pid: str, origin: Origin | None = None) -> Woman:
    if origin is None:
        origin = rng.choices(list(ORIGINS.values()), [o.share for o in ORIGINS.values()])[0]
    lists = _LISTS[origin.code]
    given = [_skewed(rng, lists.given)]
    if rng.random() < origin.two_given:
        given.append(_skewed(rng, [n for n in lists.given if n != given[0]]))
    documents = [_pattern(rng, rng.choice(origin.documents))]
    if rng.random() < PERSON_RATES["second identity document"]:
        documents.append(_pattern(rng, rng.choice(origin.documents)))
    nationalities = [origin.code]
    if origin.code == "MDA" and rng.random() < PERSON_RATES[
            "Moldovan holding a Romanian passport too"]:
        nationalities.append("ROU")
    woman = Woman(pid, origin, given, _skewed(rng, lists.surnames), _birth_date(rng),
                  rng.choice(lists.places), documents, nationalities)
    if origin.code in ("COL", "DOM"):
        woman.second_surname = _skewed(rng, lists.surnames).latin
    elif rng.random() < PERSON_RATES["married (not Latin American)"]:
        # Thai women in the Netherlands are often married to Dutch men
        husband = _LISTS["NLD" if origin.code == "THA" else origin.code].surnames
        woman.married = _skewed(rng, [n for n in husband if n != woman.surname])
    if rng.random() < PERSON_RATES["has her own phone"]:
        woman.own_phone = _mobile(rng, rng.choice(["31", origin.phone_cc]))
    return woman


def _relative(rng: random.Random, of: Woman, pid: str, relation: str) -> Woman:
    """A sister, twin or namesake of `of`: the hard negatives."""
    woman = _new_woman(rng, pid, of.origin)
    woman.relative_of, woman.relation = of.pid, relation
    lists = _LISTS[of.origin.code]
    if relation == "namesakes":  # same full name, another woman entirely
        woman.given, woman.surname = list(of.given), of.surname
        woman.second_surname = of.second_surname
        while abs((woman.dob - of.dob).days) < 30:
            woman.dob = _birth_date(rng)
        woman.place = rng.choice(lists.places)
        return woman
    woman.surname, woman.place = of.surname, of.place
    woman.second_surname, woman.married = of.second_surname, None
    others = [n for n in lists.given if n not in of.given]
    woman.given = [_skewed(rng, others)]
    if relation == "twins":
        woman.dob = of.dob
    else:
        years = rng.randint(1, 6) * rng.choice((-1, 1))
        if not 18 <= 2026 - (of.dob.year + years) <= 50:
            years = -years
        woman.dob = of.dob.replace(year=of.dob.year + years, day=min(of.dob.day, 28))
        woman.dob += dt.timedelta(days=rng.randint(-120, 120))
    return woman


def make_women(rng: random.Random, count: int) -> list[Woman]:
    """`count` women, a few of them built as sisters, twins or namesakes of another."""
    women: list[Woman] = []
    relations = (("sisters", "a sister among the women"), ("twins", "a twin among the women"),
                 ("namesakes", "a namesake among the women"))
    while len(women) < count:
        woman = _new_woman(rng, f"W{len(women):06d}")
        women.append(woman)
        for relation, rate in relations:
            if len(women) < count and rng.random() < PERSON_RATES[rate]:
                women.append(_relative(rng, woman, f"W{len(women):06d}", relation))
    return women


def assign_networks(rng: random.Random, women: list[Woman],
                    gemeenten: list[str]) -> dict[int, tuple[list[str], list[str]]]:
    """Controlling networks of 1-8 women of one origin: network -> (phones, gemeenten)."""
    networks: dict[int, tuple[list[str], list[str]]] = {}

    def new_network(origin: Origin) -> int:
        phones = [_mobile(rng, "31" if rng.random() < 0.8 else origin.phone_cc)
                  for _ in range(rng.choice((1, 1, 2, 2, 3)))]
        towns = rng.sample(gemeenten, min(len(gemeenten), rng.choice((1, 2, 2, 3))))
        networks[len(networks)] = (phones, towns)
        return len(networks) - 1

    by_pid = {w.pid: w for w in women}
    for origin in ORIGINS.values():
        own = [w for w in women if w.origin is origin and not w.relative_of]
        rng.shuffle(own)
        while own:
            size = rng.choices(range(1, 9), weights=(4, 4, 3, 3, 2, 2, 1, 1))[0]
            network = new_network(origin)
            for woman in own[:size]:
                woman.network = network
            own = own[size:]
    for woman in women:
        if woman.relative_of:
            kin = by_pid[woman.relative_of]
            stays = (woman.relation != "namesakes"
                     and rng.random() < PERSON_RATES["relative in the same network"])
            woman.network = kin.network if stays else new_network(woman.origin)
    return networks


# --------------------------------------------------------------------------------------
# Writing a sighting down, with its errors.

_NEIGHBOURS = dict(zip("qwertyuiopasdfghjklzxcvbnm",
                       ["wa", "qes", "wrd", "etf", "ryg", "tuh", "yij", "uok", "ipl", "ol",
                        "qsz", "adwx", "sfec", "dgrv", "fhtb", "gjyn", "hkum", "jlin", "kop",
                        "xas", "zcsd", "xvdf", "cbfg", "vngh", "bmhj", "njk"], strict=True))
_OCR = {"0": "O", "O": "0", "1": "I", "I": "1", "5": "S", "S": "5", "8": "B", "B": "8",
        "2": "Z", "Z": "2", "6": "G", "G": "6"}
_DROP = str.maketrans("łŁđĐ", "lLdD")
_CEDILLA = str.maketrans({"ș": "ş", "Ș": "Ş", "ț": "ţ", "Ț": "Ţ", "ő": "õ", "Ő": "Õ",
                          "ű": "û", "Ű": "Û"})
_PARTICLE = re.compile(r"^((?:van|de|der|den|het|ter|ten)(?: (?:van|de|der|den|het))*) (.+)$")


def _typo(word: str, rng: random.Random) -> str:
    """One substitution, deletion, insertion or transposition at a letter."""
    letters = [i for i, ch in enumerate(word) if ch.isalpha()]
    if len(letters) < 3:
        return word
    i = rng.choice(letters)
    ch = word[i]
    near = _NEIGHBOURS.get(ch.lower()) or "".join(c for c in word.lower() if c.isalpha())
    new = rng.choice(near)
    new = new.upper() if ch.isupper() else new
    op = rng.choice(("substitution", "deletion", "insertion", "transposition"))
    if op == "substitution":
        return word[:i] + new + word[i + 1:]
    if op == "deletion":
        return word[:i] + word[i + 1:]
    if op == "insertion":
        return word[:i + 1] + new + word[i + 1:]
    j = i + 1 if i + 1 < len(word) and word[i + 1].isalpha() else i - 1
    if j < 0 or not word[j].isalpha():
        return word[:i] + new + word[i + 1:]
    a, b = sorted((i, j))
    # the letters change places, the capitals stay where the shift key put them
    first, second = word[b], word[a]
    if word[a].isupper() != word[b].isupper():
        first, second = (first.upper(), second.lower()) if word[a].isupper() else (
            first.lower(), second.upper())
    return word[:a] + first + second + word[b + 1:]


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_DROP))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _diacritics(text: str, rng: random.Random, errors: dict[str, str]) -> str:
    """As written, without marks, or with the cedilla/code-page letters a keyboard has."""
    if _is_cyrillic(text):
        return text
    roll = rng.random()
    if roll < RATES["diacritics dropped"]:
        mode, out = "dropped", _strip_marks(text)
    elif roll < RATES["diacritics dropped"] + RATES[
            "diacritics as cedilla / code page (ş ţ, õ û)"]:
        mode, out = "cedilla", text.translate(_CEDILLA)
    else:
        return text
    if out != text:
        errors["diacritics"] = mode
    return out


def _is_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def _spell(name: Name, woman: Woman, system: str) -> str:
    if system == "passport" or not name.cyrillic:
        return name.latin
    language = {"md": "ru"}.get(woman.origin.script, woman.origin.script)
    return transliterate(name.cyrillic, system, language)


def _spelling_system(woman: Woman, rng: random.Random, errors: dict[str, str]) -> str:
    if woman.origin.script not in ("uk", "bg", "md"):
        return "passport"
    if rng.random() >= RATES["name spelled by another system (Cyrillic-script origins)"]:
        return "passport"
    system = rng.choices(list(SPELLING_SYSTEMS), weights=list(SPELLING_SYSTEMS.values()))[0]
    errors["spelling"] = system
    return system


def _thai(text: str, rng: random.Random, errors: dict[str, str]) -> str:
    if rng.random() >= RATES["Thai name romanised differently"]:
        return text
    out = text
    for a, b in rng.sample(THAI_VARIANTS, 3):
        out = out.replace(a, b) if a in out else out.replace(b, a)
    if out != text:
        errors["spelling"] = "thai variant"
    return out


def _given_names(woman: Woman, rng: random.Random, errors: dict[str, str]) -> list[Name]:
    given = list(woman.given)
    if len(given) > 1 and rng.random() < RATES["second given name dropped (of women with two)"]:
        errors["given2"] = "dropped"
        return given[:1]
    if len(given) == 1 and rng.random() < RATES["second given name added (of women with one)"]:
        errors["given2"] = "added"
        given.append(_skewed(rng, [n for n in _LISTS[woman.origin.code].given
                                   if n != given[0]]))
    return given


def _surname(woman: Woman, system: str, rng: random.Random, errors: dict[str, str]) -> str:
    maiden = _spell(woman.surname, woman, system)
    if woman.second_surname:
        if rng.random() < RATES["Spanish second surname dropped"]:
            errors["second surname"] = "dropped"
            return maiden
        return f"{maiden} {woman.second_surname}"
    if woman.married is None:
        return maiden
    husband = _spell(woman.married, woman, system)
    hungarian = woman.origin.code == "HUN"
    roll = rng.random()
    if roll < RATES["married surname written (of married women)"]:
        errors["surname form"] = "married"
        return husband + "né" if hungarian else husband
    if roll < (RATES["married surname written (of married women)"]
               + RATES["double surname written (of married women)"]):
        errors["surname form"] = "double"
        if hungarian:
            return f"{husband}né {maiden}"
        return "-".join((maiden, husband) if rng.random() < 0.5 else (husband, maiden))
    return maiden


def _particle(surname: str, rng: random.Random, errors: dict[str, str]) -> str:
    found = _PARTICLE.match(surname)
    if not found or rng.random() >= RATES["Dutch particle written otherwise (of names with one)"]:
        return surname
    particle, rest = found.groups()
    short = "v.d." if particle in ("van der", "van den") else particle
    out = rng.choice((f"{rest} {particle}", f"{rest}, {particle}", f"{short} {rest}",
                      particle.title() + " " + rest))
    errors["particle"] = "otherwise"
    return out


def write_names(woman: Woman, rng: random.Random, errors: dict[str, str]) -> tuple[str, str]:
    """(given_names, surname) as one inspector wrote them, the errors noted in `errors`."""
    system = _spelling_system(woman, rng, errors)
    parts = [_spell(n, woman, system) for n in _given_names(woman, rng, errors)]
    surname = _surname(woman, system, rng, errors)
    joiner = " "
    if len(parts) > 1 and rng.random() < RATES[
            "two given names hyphen-joined (of those written with two)"]:
        joiner = "-"
        errors["hyphen"] = "joined"
    given = joiner.join(parts)
    if woman.origin.code == "THA":
        given, surname = _thai(given, rng, errors), _thai(surname, rng, errors)
        if "spelling" in errors:  # two variant spellings differ as their letters do
            errors["thai form"] = f"{given} {surname}"
    given, surname = _diacritics(given, rng, errors), _diacritics(surname, rng, errors)
    surname = _particle(surname, rng, errors)
    roll = rng.random()
    typos = 2 if roll < RATES["two typos"] else 1 if roll < RATES["two typos"] + RATES[
        "one typo"] else 0
    before = (given, surname)
    for _ in range(typos):
        if rng.random() < 0.5:
            given = _typo(given, rng)
        else:
            surname = _typo(surname, rng)
    if (given, surname) != before:  # two like letters trading places is no typo
        errors["typo"] = str(typos)
    swap = RATES["given name and surname swapped (Hungarian, surname first)"
                 if woman.origin.code == "HUN" else "given name and surname swapped"]
    if rng.random() < swap:
        given, surname = surname, given
        errors["swap"] = "swapped"
    if rng.random() < RATES["all upper case"]:
        given, surname = given.upper(), surname.upper()
        errors["upper"] = "upper"
    return given, surname


def _same_day(dob: dt.date, year: int, month: int) -> dt.date:
    """`dob`'s day in another month or year; the month's last day if it has no such day
    (so the error changes only the month or the year)."""
    for day in range(dob.day, 27, -1):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return dt.date(year, month, dob.day)


def write_birth_date(dob: dt.date, rng: random.Random,
                     errors: dict[str, str]) -> tuple[str, dt.date | None]:
    """The date of birth in one of the formats municipal systems export (and as a date),
    or its error."""
    if rng.random() < RATES["date of birth missing"]:
        errors["dob"] = "missing"
        return "", None
    roll, written = rng.random(), dob
    swap = RATES["date of birth day and month swapped"]
    day, month = swap + RATES["date of birth off by one day"], swap + RATES[
        "date of birth off by one day"] + RATES["date of birth off by one month"]
    year = month + RATES["date of birth off by one year"]
    if roll < swap and dob.day <= 12 and dob.day != dob.month:
        written, errors["dob"] = dob.replace(day=dob.month, month=dob.day), "day/month swapped"
    elif swap <= roll < day:
        written = dob + dt.timedelta(days=rng.choice((-1, 1)))
        errors["dob"] = "off by one day"
    elif day <= roll < month:
        shifted = dob.month + rng.choice((-1, 1))
        written = _same_day(dob, dob.year, (shifted - 1) % 12 + 1)
        errors["dob"] = "off by one month"
    elif month <= roll < year:
        written = _same_day(dob, dob.year + rng.choice((-1, 1)), dob.month)
        errors["dob"] = "off by one year"
    form = rng.choices(("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"),
                       weights=(55, 30, 10, 5))[0]
    return written.strftime(form), written


def write_document(number: str, origin: Origin, rng: random.Random,
                   errors: dict[str, str]) -> str:
    """The number as typed off the document, now and then misread as OCR does."""
    if rng.random() < RATES["document number OCR-like typo (of those recorded)"]:
        misread = [i for i, ch in enumerate(number) if ch in _OCR]
        if misread:
            i = rng.choice(misread)
            number = number[:i] + _OCR[number[i]] + number[i + 1:]
        else:
            i = rng.randrange(len(number) - 1)
            number = number[:i] + number[i + 1] + number[i] + number[i + 2:]
        errors["document typo"] = "ocr"
    if origin.code == "ROU" and re.fullmatch(r"[A-Z]{2}\d{6}", number) and rng.random() < 0.3:
        return f"seria {number[:2]} nr. {number[2:]}"  # as a Romanian ID card says it
    if rng.random() < 0.2:
        return f"{number[:2]} {number[2:]}"
    return number.lower() if rng.random() < 0.05 else number


def write_phone(number: str, rng: random.Random) -> str:
    """An E.164 number the ways records write it: +31, 0031, 06, with or without spaces."""
    if number.startswith("+31"):
        rest = number[3:]
        return rng.choice((f"0{rest}", f"0{rest[0]}-{rest[1:]}", f"0{rest[0]} {rest[1:5]} "
                           f"{rest[5:]}", number, f"+31 {rest[0]} {rest[1:]}",
                           f"0031{rest}", f"+31 (0){rest[0]} {rest[1:5]} {rest[5:]}"))
    # a foreign number always with its country code: without it the node would read the
    # leading 0 by the woman's nationality, which is not what this benchmark is about
    cc = next(c for c in sorted(_MOBILE, key=len, reverse=True) if number[1:].startswith(c))
    rest = number[1 + len(cc):]
    return rng.choice((number, f"00{cc}{rest}",
                       f"+{cc} {rest[:3]} {rest[3:6]} {rest[6:]}"))


def _place(woman: Woman, system: str, rng: random.Random, errors: dict[str, str]) -> str:
    place = _spell(woman.place, woman, system)
    if woman.origin.code == "ROU" and rng.random() < 0.15:
        place = "mun. " + place
    return _strip_marks(place) if errors.get("diacritics") == "dropped" else place


def write_sighting(woman: Woman, case_ref: str, gemeente: str, observed: dt.date,
                   phones: list[str], rng: random.Random) -> Sighting:
    """One control of `woman`: the CSV row and the errors made writing it."""
    errors: dict[str, str] = {}
    given, surname = write_names(woman, rng, errors)
    written, dob = write_birth_date(woman.dob, rng, errors)
    row = {"case_ref": case_ref, "observed_on": observed.isoformat(), "given_names": given,
           "surname": surname, "date_of_birth": written}
    sighting = Sighting(case_ref, woman, gemeente, row, errors, dob=dob)
    if rng.random() < RATES["nationality recorded"]:
        code = rng.choice(woman.nationalities)
        errors["nationality"] = code
        row["nationality"] = rng.choice(ORIGINS[code].nationality)
    if rng.random() < RATES["place of birth recorded"]:
        row["place_of_birth"] = _place(woman, errors.get("spelling", "passport"), rng, errors)
    if rng.random() < RATES["document number recorded"]:
        sighting.document = rng.choices(woman.documents, weights=(3, 1)[:len(woman.documents)])[0]
        row["document_number"] = write_document(sighting.document, woman.origin, rng, errors)
    if rng.random() < RATES["phone recorded"]:
        own = woman.own_phone and rng.random() < RATES[
            "phone is her own, not the network's (of women with one)"]
        sighting.phone = woman.own_phone if own else rng.choices(
            phones, weights=[4, 2, 1][:len(phones)])[0]
        row["phone"] = write_phone(sighting.phone, rng)
    if rng.random() < RATES["sex recorded (V)"]:
        row["sex"] = "V"
    return sighting


def _copy(earlier: Sighting, case_ref: str, observed: dt.date) -> Sighting:
    """A gemeente that met her before copies its record: same spelling, same errors."""
    row = {**earlier.row, "case_ref": case_ref, "observed_on": observed.isoformat()}
    return Sighting(case_ref, earlier.woman, earlier.gemeente, row, dict(earlier.errors),
                    earlier.document, earlier.phone, earlier.dob)


def make_sightings(women: list[Woman], networks: dict[int, tuple[list[str], list[str]]],
                   gemeenten: list[str], rng: random.Random) -> list[Sighting]:
    """Each woman's 1-6 controls over the year, mostly in her network's gemeenten."""
    sightings = []
    for woman in women:
        phones, towns = networks[woman.network]
        visits = rng.choices(list(VISITS), weights=list(VISITS.values()))[0]
        days = sorted(rng.sample(range(DAYS), visits))
        seen: dict[str, Sighting] = {}
        for n, day in enumerate(days, 1):
            gemeente = rng.choice(towns) if rng.random() < 0.85 else rng.choice(gemeenten)
            observed, case_ref = FIRST_DAY + dt.timedelta(days=day), f"{woman.pid}-S{n}"
            if gemeente in seen and rng.random() < RATES[
                    "same gemeente copies its earlier record of her"]:
                sighting = _copy(seen[gemeente], case_ref, observed)
            else:
                sighting = write_sighting(woman, case_ref, gemeente, observed, phones, rng)
            seen[gemeente] = sighting
            sightings.append(sighting)
    return sightings


def outside_sightings(seed: int, women: int = 3000, gemeenten: int = 4) -> list[Sighting]:
    """The labelled sightings of one sample, as `main` writes them to the nodes."""
    rng = random.Random(seed)
    towns = list(GEMEENTE_CODES[:gemeenten])
    drawn = make_women(rng, women)
    return make_sightings(drawn, assign_networks(rng, drawn, towns), towns, rng)


def write_csvs(sightings: list[Sighting], work: Path) -> dict[str, Path]:
    """One file per gemeente, in the order of the controls."""
    paths = {}
    for gemeente in sorted({s.gemeente for s in sightings}):
        paths[gemeente] = work / f"outside-{gemeente}.csv"
        own = sorted((s for s in sightings if s.gemeente == gemeente),
                     key=lambda s: (s.row["observed_on"], s.case_ref))
        with paths[gemeente].open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=HEADER)
            writer.writeheader()
            writer.writerows(s.row for s in own)
    return paths


# --------------------------------------------------------------------------------------
# Linking through the command line and scoring.


@dataclass
class Linked:
    found: dict[str, str]  # case_ref -> found person, accepted rows only
    said: list[str]
    refusals: Counter[str]
    seconds: float


def link(paths: dict[str, Path], work: Path) -> Linked:
    """`zichtlijn demo --csv` on the files, read back to case_refs as febrl_cli does."""
    demo, clusters = work / "demo", work / "clusters.csv"
    started = time.perf_counter()
    output = _zichtlijn("demo", "--dir", str(demo), "--clusters-out", str(clusters),
                        *[arg for gemeente, path in paths.items()
                          for arg in ("--csv", f"{gemeente}={path}")])
    seconds = time.perf_counter() - started
    case_ref = {}
    for gemeente in paths:
        listing = _zichtlijn("node", "sightings", "--home", str(demo / f"node-{gemeente}"),
                             "--format", "csv")
        (work / f"sightings-{gemeente}.csv").write_text(listing, encoding="utf-8")
        case_ref.update({r["sighting_uuid"]: r["case_ref"]
                         for r in csv.DictReader(listing.splitlines())})
    with clusters.open(encoding="utf-8") as rows:
        found = {case_ref[r["sighting_uuid"]]: r["person_id"] for r in csv.DictReader(rows)}
    said = [f"{m.group(1)}: {m.group(2)}" for line in output.splitlines()
            if (m := re.search(r"(GM\d{4}): .*?: (imported .*?rejected \d+)", line))]
    # the demo shows up to ten refusals per file, `FILE: line N: FIELD: reason`
    refusals = Counter(m.group(1) for line in output.splitlines()
                       if (m := re.search(r": line \d+: (\w+: [^(]*?) ?(?:\(|$)", line)))
    return Linked(found, said, refusals, seconds)


def score(sightings: list[Sighting], found: dict[str, str]) -> tuple[ClusterQuality,
                                                                     ClusterQuality]:
    """(on the accepted rows, on every row: a refused row is a person of its own)."""
    accepted = [s for s in sightings if s.case_ref in found]
    on_accepted = cluster_quality([found[s.case_ref] for s in accepted],
                                  [s.woman.pid for s in accepted])
    on_all = cluster_quality([found.get(s.case_ref, f"refused:{s.case_ref}")
                              for s in sightings], [s.woman.pid for s in sightings])
    return on_accepted, on_all


# What a pair of sightings of one woman differ in. "Differs" kinds count when the two
# sides' values differ (both dropping the diacritics is no difference); the document
# and nationality only when both sides recorded one.
_DIFFERS = {"spelling": "transliteration differs", "diacritics": "diacritics differ",
            "swap": "given/surname swapped", "given2": "second given name dropped/added",
            "hyphen": "given names hyphen-joined", "upper": "upper case on one side",
            "particle": "Dutch particle written otherwise",
            "second surname": "Spanish second surname dropped"}


_NAME_KINDS = {"transliteration differs", "diacritics differ", "given/surname swapped",
               "second given name dropped/added", "given names hyphen-joined",
               "upper case on one side", "Dutch particle written otherwise",
               "married surname instead of maiden", "double surname on one side",
               "Spanish second surname dropped", "typo"}


def pair_kinds(a: Sighting, b: Sighting) -> set[str]:
    """The recording differences between two sightings of one woman."""
    kinds = {label for key, label in _DIFFERS.items() if a.errors.get(key) != b.errors.get(key)}
    if a.errors.get("thai form") != b.errors.get("thai form"):
        kinds.add("transliteration differs")
    if "typo" in a.errors or "typo" in b.errors:
        kinds.add("typo")
    forms = {s.errors.get("surname form", "maiden") for s in (a, b)}
    if len(forms) == 2:
        kinds.add("double surname on one side" if "double" in forms
                  else "married surname instead of maiden")
    if (a.row["given_names"], a.row["surname"]) == (b.row["given_names"], b.row["surname"]):
        kinds -= _NAME_KINDS  # the same letters (a copied record, or the same slip twice)
    if a.dob is None and b.dob is None:
        kinds.add("DOB missing on both sides")
    elif a.dob is None or b.dob is None:
        kinds.add("DOB missing on one side")
    elif a.dob != b.dob:
        kinds.update("DOB " + s.errors["dob"] for s in (a, b) if "dob" in s.errors)
    if a.document and b.document:
        if a.document != b.document:
            kinds.add("different documents")
        elif "document typo" in a.errors or "document typo" in b.errors:
            kinds.add("document number OCR typo")
    if "nationality" in a.errors and "nationality" in b.errors and (
            a.errors["nationality"] != b.errors["nationality"]):
        kinds.add("nationality differs (MDA/ROU)")
    return kinds or {"(no recording difference)"}


def evidence(a: Sighting, b: Sighting) -> str:
    """What else the two rows of one woman share besides name and date of birth."""
    same = []
    if a.document and a.document == b.document:
        same.append("document")
    if a.phone and a.phone == b.phone:
        same.append("phone")
    return " + ".join(same) or "neither document nor phone"


def _pairs_by_person(rows: Iterable[Sighting]) -> Iterable[tuple[Sighting, Sighting]]:
    by: dict[str, list[Sighting]] = defaultdict(list)
    for s in rows:
        by[s.woman.pid].append(s)
    for group in by.values():
        yield from combinations(group, 2)


def missed_pairs(sightings: list[Sighting],
                 found: dict[str, str]) -> tuple[list[tuple[Sighting, Sighting]], int]:
    """(true pairs of accepted rows the linker left apart, all true pairs of accepted rows)."""
    accepted = [s for s in sightings if s.case_ref in found]
    pairs = list(_pairs_by_person(accepted))
    return [(a, b) for a, b in pairs if found[a.case_ref] != found[b.case_ref]], pairs


def false_links(sightings: list[Sighting],
                found: dict[str, str]) -> list[tuple[Sighting, Sighting]]:
    """Pairs of rows of two different women placed in one person."""
    by: dict[str, list[Sighting]] = defaultdict(list)
    for s in sightings:
        if s.case_ref in found:
            by[found[s.case_ref]].append(s)
    return [(a, b) for group in by.values() for a, b in combinations(group, 2)
            if a.woman.pid != b.woman.pid]


def relation(a: Woman, b: Woman) -> str:
    """What the generator made two different women to each other."""
    if a.relative_of == b.pid:
        return a.relation
    if b.relative_of == a.pid:
        return b.relation
    if a.relative_of and a.relative_of == b.relative_of:
        return "relatives of one woman"
    if (a.given[0], a.surname) == (b.given[0], b.surname):
        return "same name by chance"
    if a.network == b.network:
        return "same network (shares phones)"
    return "unrelated"


def _plain(text: str) -> str:
    return _strip_marks(text).lower().replace("-", " ")


def agreed(a: Sighting, b: Sighting) -> str:
    """Which written values two rows of different women share (plainly compared)."""
    same = [label for label, key in (("surname", "surname"), ("given", "given_names"),
                                     ("DOB", "date_of_birth"))
            if a.row.get(key) and _plain(a.row[key]) == _plain(b.row.get(key, ""))]
    if a.dob and a.dob == b.dob and "DOB" not in same:
        same.append("DOB (written differently)")
    if a.phone and a.phone == b.phone:
        same.append("phone")
    if a.document and a.document == b.document:
        same.append("document")
    shared = " + ".join(same) or "nothing (joined through other rows)"
    return shared + ("; a DOB missing" if a.dob is None or b.dob is None else "")


# --------------------------------------------------------------------------------------
# Printing.


def _table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> None:
    header = list(header)
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    print()


def print_rates(sightings: list[Sighting], women: list[Woman]) -> None:
    """The chosen rates, with how often each error was in fact written."""
    applied = Counter(f"{k}: {v}" for s in sightings for k, v in s.errors.items()
                      if k not in ("nationality", "thai form"))
    print("## Generator rates\n")
    _table(("choice", "rate"), ((k, f"{v:.3f}") for k, v in
                                [*RATES.items(), *[(f"per woman: {k}", v)
                                                   for k, v in PERSON_RATES.items()]]))
    print("Errors as written (share of sightings; copies of an earlier record included):\n")
    _table(("error", "sightings", "share"),
           ((k, n, f"{n / len(sightings):.3f}") for k, n in sorted(applied.items())))
    origins = Counter(w.origin.code for w in women)
    names = Counter((w.given[0].latin, w.surname.latin) for w in women)
    (top, top_n), = names.most_common(1)
    print("Women by origin: " + ", ".join(f"{c} {n}" for c, n in origins.most_common())
          + f". Commonest first given name + surname: {' '.join(top)} ({top_n} women, "
          f"{top_n / len(women):.2%}). Relatives: "
          + ", ".join(f"{k} {v}" for k, v in Counter(w.relation for w in women
                                                     if w.relation).items()) + ".\n")


def print_missed(missed: list[tuple[Sighting, Sighting]],
                 pairs: list[tuple[Sighting, Sighting]]) -> None:
    """Missed true pairs by recording difference, alone and in combination."""
    total: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    for pair in pairs:
        total.update(pair_kinds(*pair))
    for pair in missed:
        lost.update(pair_kinds(*pair))
    alone = Counter(k for pair in pairs if len(kinds := pair_kinds(*pair)) == 1 for k in kinds)
    alone_lost = Counter(k for pair in missed if len(kinds := pair_kinds(*pair)) == 1
                         for k in kinds)
    print(f"## Missed true pairs: {len(missed):,} of {len(pairs):,} (accepted rows)\n")
    print("A pair counts under every difference between its two rows, so the columns do "
          "not add up; 'alone' is the pairs with that difference and no other.\n")
    _table(("difference between the two rows", "true pairs", "missed", "miss rate",
            "alone: pairs", "alone: missed", "alone: miss rate"),
           ((k, total[k], lost[k], f"{lost[k] / total[k]:.1%}", alone[k], alone_lost[k],
             f"{alone_lost[k] / alone[k]:.1%}" if alone[k] else "-")
            for k in sorted(total, key=lambda k: (-lost[k], k))))
    print("Missed pairs by the other evidence they share:\n")
    have = Counter(evidence(a, b) for a, b in pairs)
    gone = Counter(evidence(a, b) for a, b in missed)
    _table(("shared besides name and DOB", "true pairs", "missed", "miss rate"),
           ((k, have[k], gone[k], f"{gone[k] / have[k]:.1%}") for k in sorted(have)))
    combos = Counter(" + ".join(sorted(pair_kinds(a, b))) for a, b in missed)
    print("Commonest combinations among the missed pairs:\n")
    _table(("differences", "missed"), combos.most_common(12))


_RELATIONS = ("twins", "sisters", "namesakes", "relatives of one woman", "same name by chance",
              "same network (shares phones)", "unrelated")


def print_false(false: list[tuple[Sighting, Sighting]], sightings: list[Sighting],
                found: dict[str, str]) -> None:
    """False links by the relation of the two women and what their rows share."""
    merged = {tuple(sorted((a.woman.pid, b.woman.pid))): relation(a.woman, b.woman)
              for a, b in false}
    print(f"## False links: {len(false):,} row pairs of different women in one person "
          f"({len(merged)} pairs of women)\n")
    by_relation = Counter(relation(a.woman, b.woman) for a, b in false)
    women_pairs = Counter(merged.values())
    row_pairs = _hard_negative_pairs(sightings, found)
    _table(("relation of the two women", "row pairs (accepted)", "linked row pairs",
            "share linked", "pairs of women merged"),
           ((k, row_pairs.get(k, "-"), by_relation[k],
             f"{by_relation[k] / row_pairs[k]:.2%}" if row_pairs.get(k) else "-",
             women_pairs[k]) for k in _RELATIONS))
    print("What the two rows of a false link share (plainly compared; 'nothing' when the "
          "linker joined them through other rows):\n")
    _table(("what the two rows share", "false links"),
           Counter(agreed(a, b) for a, b in false).most_common(12))


def _hard_negative_pairs(sightings: list[Sighting], found: dict[str, str]) -> Counter[str]:
    """Row pairs of related women (the chances the linker had to go wrong)."""
    by_woman: dict[str, list[Sighting]] = defaultdict(list)
    for s in sightings:
        if s.case_ref in found:
            by_woman[s.woman.pid].append(s)
    women = {s.woman.pid: s.woman for s in sightings}
    counts: Counter[str] = Counter()
    for woman in women.values():
        if woman.relative_of in by_woman:
            kind = relation(woman, women[woman.relative_of])
            counts[kind] += len(by_woman[woman.pid]) * len(by_woman[woman.relative_of])
    # women of one network, and women of one name met by chance (the rest are unrelated)
    for key in (lambda w: w.network, lambda w: (w.given[0], w.surname)):
        groups: dict[object, list[str]] = defaultdict(list)
        for woman in women.values():
            groups[key(woman)].append(woman.pid)
        for members in groups.values():
            for p, q in combinations(members, 2):
                kind = relation(women[p], women[q])
                if kind in ("same network (shares phones)", "same name by chance"):
                    counts[kind] += len(by_woman[p]) * len(by_woman[q])
    return counts


def print_examples(pairs: list[tuple[Sighting, Sighting]], title: str, count: int) -> None:
    """The first pair of each kind (its differences, or the relation of its two women)."""
    if not count or not pairs:
        return

    def why(a: Sighting, b: Sighting) -> str:
        if a.woman is b.woman:
            return ", ".join(sorted(pair_kinds(a, b)))
        return relation(a.woman, b.woman) + f" ({a.woman.pid}, {b.woman.pid})"

    shown: dict[str, tuple[Sighting, Sighting]] = {}
    for a, b in sorted(pairs, key=lambda p: (len(pair_kinds(*p)), p[0].case_ref)):
        shown.setdefault(why(a, b), (a, b))
    print(f"## {title}: one of each kind, fewest differences first\n")
    for reason, (a, b) in list(shown.items())[:count]:
        print(f"- {reason}")
        for s in (a, b):
            print("    " + ",".join(s.row.get(k, "") for k in HEADER) + f"  [{s.gemeente}]")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.outside_data")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--women", type=int, default=3000)
    parser.add_argument("--gemeenten", type=int, default=4, choices=range(1, 13),
                        metavar="N", help="number of gemeenten, 1-12 (default 4)")
    parser.add_argument("--dir", type=Path, help="work directory (default: a temporary one)")
    parser.add_argument("--examples", type=int, default=0, metavar="N",
                        help="also print N missed pairs and N false links as CSV rows")
    options = parser.parse_args()
    sightings = outside_sightings(options.seed, options.women, options.gemeenten)
    women = list({s.woman.pid: s.woman for s in sightings}.values())  # each seen at least once
    with tempfile.TemporaryDirectory() as scratch:
        work = options.dir or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        linked = link(write_csvs(sightings, work), work)
    accepted, every = score(sightings, linked.found)
    print(f"# Outside data through the command line (seed {options.seed})\n")
    _table(("women", "sightings", "gemeenten", "rows accepted / refused", "precision",
            "recall", "F1", "exact persons", "precision, all rows", "recall, all rows",
            "F1, all rows", "demo"),
           [(len(women), len(sightings), options.gemeenten,
             f"{accepted.rows:,} / {every.rows - accepted.rows:,}",
             f"{accepted.precision:.4f}", f"{accepted.recall:.4f}", f"{accepted.f1:.4f}",
             f"{accepted.exact_persons:.3f}", f"{every.precision:.4f}",
             f"{every.recall:.4f}", f"{every.f1:.4f}", f"{linked.seconds:.0f} s")])
    print("Nodes: " + "; ".join(linked.said) + "\n")
    if linked.refusals:
        print("Refusals shown (at most ten per file): " + "; ".join(
            f"{k} x{n}" for k, n in linked.refusals.most_common()) + "\n")
    print_rates(sightings, women)
    missed, pairs = missed_pairs(sightings, linked.found)
    print_missed(missed, pairs)
    false = false_links(sightings, linked.found)
    print_false(false, sightings, linked.found)
    print_examples(missed, "Missed pairs", options.examples)
    print_examples(false, "False links", options.examples)


if __name__ == "__main__":
    main()
