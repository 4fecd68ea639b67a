"""Independent synthetic control-sighting generator for a blind evaluation of zichtlijn.

    python -m tests.benchmarks.blind_cli.generator OUT [--seed N]

Standard library only, and written without reading the project's code (it imports
nothing from `zichtlijn`). Writes per-municipality CSV exports (each with its own
conventions, see `CONV`) into OUT/csv/ and the truth (never in the CSVs) into
OUT/truth.csv and OUT/women.csv. The same seed gives the same files, byte for byte.
"""
# The name lists hold Cyrillic and other non-ASCII spellings on purpose (the
# transliteration variants an inspector copies); they are the point of this file:
# ruff: noqa: RUF001

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
Entry = list[str]              # spellings of one name: canonical first, "|" + Cyrillic
Phone = tuple[str, str]        # (country code, national number)
Network = dict[str, Any]       # a trafficking network: controller, phones, plate, flats
SEED = 20261207

TODAY = dt.date(2026, 12, 7)
START = dt.date(2025, 9, 1)          # ~15 months back
LAST = dt.date(2026, 12, 6)          # never in the future

GEMEENTEN = ["GM0363", "GM0599", "GM0344", "GM0518", "GM0772"]
CITY = {"GM0363": "Amsterdam", "GM0599": "Rotterdam", "GM0344": "Utrecht",
        "GM0518": "Den Haag", "GM0772": "Eindhoven"}
PC_PREFIX = {"GM0363": ["1012", "1013", "1017", "1053", "1093", "1102"],
             "GM0599": ["3011", "3021", "3032", "3071", "3083"],
             "GM0344": ["3511", "3514", "3521", "3531", "3553"],
             "GM0518": ["2512", "2515", "2525", "2532", "2562"],
             "GM0772": ["5611", "5622", "5641", "5654"]}

# ---------------------------------------------------------------- name lists
# Each name: list of spellings; the first is canonical, the others are
# transliteration/spelling variants an inspector may copy from another document.
# Optional Cyrillic form after "|".
def V(*xs: str) -> Entry:
    return list(xs)

ORIGINS = {
 "RO": dict(w=26, nat="ROU",
   given=[V("Maria"), V("Elena"), V("Ana"), V("Ioana"), V("Andreea"), V("Mihaela"), V("Alexandra"),
          V("Cristina"), V("Daniela"), V("Gabriela"), V("Georgiana"), V("Nicoleta"),
          V("Florentina"), V("Alina"), V("Roxana"), V("Adriana"), V("Ramona"), V("Simona"),
          V("Denisa"), V("Bianca"), V("Larisa"), V("Loredana"), V("Claudia"), V("Raluca"),
          V("Iuliana"), V("Ionela"), V("Mădălina"), V("Cătălina"), V("Ștefania"), V("Oana"),
          V("Diana"), V("Irina"), V("Lavinia"), V("Corina"), V("Petruța"), V("Violeta"),
          V("Luminița"), V("Anișoara"), V("Florina"), V("Sorina"), V("Camelia"), V("Rodica"),
          V("Marinela"), V("Cosmina")],
   sur=[V("Popescu"), V("Popa"), V("Pop"), V("Radu"), V("Dumitru"), V("Stan"), V("Stoica"),
        V("Gheorghe"), V("Matei"), V("Ciobanu"), V("Ionescu"), V("Rusu"), V("Munteanu"),
        V("Constantin"), V("Mihai"), V("Marin"), V("Lazăr"), V("Tudor"), V("Florea"), V("Dinu"),
        V("Ene"), V("Ștefan"), V("Dobre"), V("Barbu"), V("Nistor"), V("Toma"), V("Moldovan"),
        V("Sîrbu", "Sârbu"), V("Căldăraru"), V("Niculae"), V("Preda"), V("Mocanu"), V("Vasile"),
        V("Oprea"), V("Țăran"), V("Anghel"), V("Bălan"), V("Stănescu"), V("Zamfir"),
        V("Rădulescu"), V("Ursu"), V("Nedelcu"), V("Voicu"), V("Cozma"), V("Chiriac"), V("Lungu"),
        V("Sandu"), V("Iordache"), V("Mitrea"), V("Avram"), V("Covaci"), V("Lupu"), V("Neagu"),
        V("Roman"), V("Petrescu"), V("Dragomir"), V("Cristea"), V("Șerban"), V("Buzatu"),
        V("Tănase"), V("Enache"), V("Dumitrescu"), V("Ghiță"), V("Crăciun"), V("Moraru")],
   second_given=0.35,
   pob=[V("București", "Bucuresti", "Bucharest", "Boekarest", "București Sectorul 3"),
        V("Constanța", "Constanta"), V("Craiova"), V("Iași", "Iasi", "Jassy"),
        V("Galați", "Galati"), V("Brăila", "Braila"), V("Timișoara", "Timisoara", "Temesvár"),
        V("Cluj-Napoca", "Cluj", "Kolozsvár"), V("Bacău", "Bacau"), V("Pitești", "Pitesti"),
        V("Slatina"), V("Călărași", "Calarasi"), V("Târgu Jiu", "Tirgu Jiu"), V("Buzău", "Buzau"),
        V("Botoșani", "Botosani"), V("Vaslui"), V("Alexandria"), V("Giurgiu"), V("Tulcea"),
        V("Craiova, jud. Dolj", "Craiova")],
   nat_forms=["RO", "ROU", "Roemeens", "Roemeense", "Romanian", "Roemenië", "Romania",
              "RO (Roemenië)"],
   phone_cc="40"),
 "MD": dict(w=10, nat="MDA",
   given=[V("Iulia", "Yulia", "Julia", "Ioulia", "|Юлия"),
          V("Natalia", "Natalya", "Nataliya", "|Наталья"),
          V("Tatiana", "Tatyana", "Tatjana", "|Татьяна"), V("Olga", "|Ольга"),
          V("Svetlana", "|Светлана"), V("Ecaterina", "Ekaterina", "Yekaterina", "|Екатерина"),
          V("Irina", "|Ирина"), V("Ludmila", "Lyudmila", "Liudmila", "|Людмила"),
          V("Cristina", "Kristina", "|Кристина"), V("Valentina", "|Валентина"),
          V("Nadejda", "Nadezhda", "Nadezda", "|Надежда"), V("Victoria", "Viktoria", "|Виктория"),
          V("Anastasia", "Anastasiya", "|Анастасия"), V("Elena", "Yelena", "Jelena", "|Елена"),
          V("Mariana"), V("Veronica", "Veronika", "|Вероника"),
          V("Aliona", "Alyona", "Alena", "|Алёна"), V("Inga"), V("Diana"), V("Galina", "|Галина"),
          V("Doina"), V("Angela"), V("Oxana", "Oksana", "|Оксана"),
          V("Xenia", "Kseniya", "Ksenia", "|Ксения"), V("Snejana", "Snezhana", "|Снежана"),
          V("Corina"), V("Daniela")],
   sur=[V("Țurcanu", "Tsurkanu", "Turkanu", "Turcanu", "|Цуркану"),
        V("Ciobanu", "Chobanu", "Tchobanu", "|Чобану"), V("Rusu", "Russu", "|Русу"),
        V("Cebotari", "Chebotari", "Tchebotari", "|Чеботарь"), V("Lungu", "|Лунгу"),
        V("Moraru", "|Морару"), V("Munteanu", "Munteanu", "Muntyanu", "|Мунтяну"),
        V("Ceban", "Cheban", "|Чебан"), V("Rotari", "Rotar", "|Ротарь"),
        V("Cojocaru", "Kozhokaru", "Cojocari", "|Кожокару"), V("Sîrbu", "Sirbu", "Syrbu", "|Сырбу"),
        V("Bivol", "|Бивол"), V("Guțu", "Gutsu", "Gutu", "|Гуцу"), V("Popa", "|Попа"),
        V("Croitoru", "Kroitoru", "|Кроитору"), V("Melnic", "Melnik", "|Мельник"),
        V("Ursu", "|Урсу"), V("Bejenari", "Bezhenari", "|Беженарь"), V("Grosu", "Grossu", "|Гросу"),
        V("Plămădeală", "Plamadeala", "Plamadyala"), V("Chiriac", "Kiriak", "Kiriac", "|Кирияк"),
        V("Botnari", "Botnar", "|Ботнарь"), V("Postolachi", "Postolaki", "|Постолаки"),
        V("Zaharia", "Zakharia"), V("Vrabie", "Vrabiy"), V("Prodan", "|Продан"),
        V("Cazacu", "Kazaku", "|Казаку"), V("Railean", "Raylean", "Rajlean"),
        V("Gheorghiță", "Gheorghita", "Georgitsa")],
   second_given=0.1,
   pob=[V("Chișinău", "Chisinau", "Kishinev", "Kishinyov", "mun. Chișinău",
          "Chisinau, Republica Moldova", "Кишинёв"),
        V("Bălți", "Balti", "Beltsy"), V("Cahul", "Kagul"), V("Orhei", "Orgeev"),
        V("Ungheni", "Ungeny"), V("Soroca", "Soroki"), V("Hîncești", "Hincesti", "Kotovsk"),
        V("Comrat", "Komrat"), V("Edineț", "Edinet"), V("Căușeni", "Causeni", "Kaushany"),
        V("Strășeni", "Straseni"), V("Drochia")],
   nat_forms=["MD", "MDA", "Moldavisch", "Moldavische", "Moldovan", "Moldova",
              "Moldova, Republic of", "Republiek Moldavië"],
   phone_cc="373"),
 "BG": dict(w=11, nat="BGR",
   given=[V("Maria", "Mariya", "|Мария"), V("Ivanka", "|Иванка"), V("Elena", "|Елена"),
          V("Yordanka", "Jordanka", "Iordanka", "|Йорданка"), V("Petya", "Petia", "|Петя"),
          V("Desislava", "|Десислава"), V("Gergana", "|Гергана"), V("Radostina", "|Радостина"),
          V("Tsvetelina", "Cvetelina", "Tzvetelina", "|Цветелина"), V("Nikolina", "|Николина"),
          V("Stefka", "|Стефка"), V("Galina", "|Галина"), V("Daniela", "|Даниела"),
          V("Silvia", "Silviya", "|Силвия"), V("Teodora", "|Теодора"), V("Kremena", "|Кремена"),
          V("Vanya", "Vania", "|Ваня"), V("Snezhana", "Snejana", "Snezana", "|Снежана"),
          V("Hristina", "Christina", "Khristina", "|Христина"), V("Zlatka", "|Златка"),
          V("Emilia", "Emiliya", "|Емилия"), V("Rositsa", "Rositza", "Rosica", "|Росица"),
          V("Denitsa", "Denica", "Denitza", "|Деница"), V("Mihaela", "|Михаела"),
          V("Veselina", "|Веселина"), V("Fatme"), V("Aysel", "Aisel"),
          V("Sevdalina", "|Севдалина")],
   sur=[V("Ivanova", "|Иванова"), V("Georgieva", "|Георгиева"), V("Dimitrova", "|Димитрова"),
        V("Petrova", "|Петрова"), V("Nikolova", "|Николова"),
        V("Hristova", "Christova", "Khristova", "|Христова"),
        V("Stoyanova", "Stoianova", "Stojanova", "|Стоянова"), V("Todorova", "|Тодорова"),
        V("Yordanova", "Iordanova", "Jordanova", "|Йорданова"), V("Ilieva", "|Илиева"),
        V("Vasileva", "Vasilewa", "|Василева"), V("Atanasova", "|Атанасова"),
        V("Petkova", "|Петкова"), V("Angelova", "|Ангелова"), V("Marinova", "|Маринова"),
        V("Koleva", "|Колева"), V("Mihaylova", "Mihailova", "Mikhailova", "|Михайлова"),
        V("Popova", "|Попова"), V("Kostova", "|Костова"), V("Dimova", "|Димова"),
        V("Asenova", "|Асенова"), V("Yankova", "Iankova", "|Янкова"), V("Mitkova", "|Миткова"),
        V("Raykova", "Raikova", "|Райкова"), V("Ahmedova", "Akhmedova", "|Ахмедова"),
        V("Mustafova", "|Мустафова"), V("Aleksieva", "Alexieva", "|Алексиева")],
   second_given=0.03,
   pob=[V("Sofia", "Sofiya", "Sofija", "София"), V("Plovdiv"), V("Varna"), V("Burgas", "Bourgas"),
        V("Sliven"), V("Pleven"), V("Stara Zagora"), V("Pazardzhik", "Pazardjik"),
        V("Kyustendil", "Kjustendil"), V("Shumen", "Sumen"), V("Yambol", "Jambol"),
        V("Haskovo", "Khaskovo"), V("Montana"), V("Vidin"), V("Kardzhali", "Kardjali", "Kırcaali")],
   nat_forms=["BG", "BGR", "Bulgaars", "Bulgaarse", "Bulgarian", "Bulgarije", "Bulgaria"],
   phone_cc="359"),
 "HU": dict(w=9, nat="HUN",
   given=[V("Anna"), V("Mária"), V("Katalin"), V("Erzsébet"), V("Éva"), V("Zsuzsanna"), V("Andrea"),
          V("Krisztina"), V("Ildikó"), V("Tímea"), V("Nikoletta"), V("Viktória"), V("Renáta"),
          V("Szabina"), V("Alexandra"), V("Dóra"), V("Bernadett"), V("Edina"), V("Adrienn"),
          V("Brigitta"), V("Anita"), V("Klaudia"), V("Vivien"), V("Dorina"), V("Zsófia"), V("Réka"),
          V("Melinda"), V("Mónika")],
   sur=[V("Nagy"), V("Kovács"), V("Tóth"), V("Szabó"), V("Horváth"), V("Varga"), V("Kiss"),
        V("Molnár"), V("Németh"), V("Farkas"), V("Balogh"), V("Papp"), V("Takács"), V("Juhász"),
        V("Lakatos"), V("Mészáros"), V("Oláh"), V("Simon"), V("Rácz"), V("Fekete"), V("Szilágyi"),
        V("Török"), V("Fehér"), V("Balázs"), V("Gál"), V("Kis"), V("Szűcs"), V("Kocsis"),
        V("Orsós"), V("Pintér"), V("Sárközi"), V("Radics")],
   second_given=0.08,
   pob=[V("Budapest"), V("Miskolc"), V("Debrecen"), V("Nyíregyháza", "Nyiregyhaza"),
        V("Pécs", "Pecs"), V("Szeged"), V("Ózd", "Ozd"), V("Kaposvár", "Kaposvar"),
        V("Salgótarján", "Salgotarjan"), V("Eger"), V("Szolnok"),
        V("Sajószentpéter", "Sajoszentpeter")],
   nat_forms=["HU", "HUN", "Hongaars", "Hongaarse", "Hungarian", "Hongarije", "Hungary"],
   phone_cc="36"),
 "NG": dict(w=10, nat="NGA",
   given=[V("Blessing"), V("Joy"), V("Precious"), V("Favour", "Favor"), V("Gift"), V("Mercy"),
          V("Faith"), V("Peace"), V("Princess"), V("Glory"), V("Comfort"), V("Osaretin"),
          V("Osasumwen"), V("Ivie"), V("Ewere"), V("Esohe"), V("Oghogho"), V("Itohan"), V("Efe"),
          V("Omosede"), V("Eghe"), V("Uyiosa"), V("Adesuwa"), V("Success"), V("Patience"),
          V("Happiness"), V("Osarugue"), V("Queen"), V("Juliet"), V("Rita")],
   sur=[V("Osagie", "Osaghie"), V("Omoregie", "Omoreigie"), V("Igbinovia"), V("Osaghae"),
        V("Ehigiator"), V("Obasuyi"), V("Idahosa"), V("Okoro"), V("Okafor"), V("Eze"), V("Ogbebor"),
        V("Aigbe"), V("Ogiemwonyi"), V("Edosomwan"), V("Uwadiae"), V("Iyamu"), V("Osemwegie"),
        V("Agbonlahor"), V("Eguavoen"), V("Izevbigie"), V("Nosakhare"), V("Iyoha"), V("Ekhator"),
        V("Uzamere"), V("Osayande"), V("Obaseki"), V("Omorodion"), V("Imafidon"), V("Aghedo"),
        V("Ighodaro")],
   second_given=0.45,
   pob=[V("Benin City", "Benin", "Benin City, Edo State", "Benin-City"),
        V("Lagos", "Lagos Nigeria"), V("Auchi"), V("Ekpoma"), V("Uromi"), V("Warri"), V("Abuja"),
        V("Port Harcourt", "Port-Harcourt"), V("Sapele"), V("Irrua")],
   nat_forms=["NG", "NGA", "Nigeriaans", "Nigeriaanse", "Nigerian", "Nigeria"],
   phone_cc="234"),
 "UA": dict(w=6, nat="UKR",
   given=[V("Yuliia", "Yulia", "Julia", "Iuliia", "Yuliya", "|Юлія"),
          V("Olena", "Elena", "Alena", "|Олена"), V("Oksana", "Oxana", "|Оксана"),
          V("Nataliia", "Natalia", "Natalya", "|Наталія"),
          V("Tetiana", "Tatiana", "Tetyana", "|Тетяна"), V("Iryna", "Irina", "|Ірина"),
          V("Svitlana", "Svetlana", "|Світлана"),
          V("Kateryna", "Ekaterina", "Katerina", "|Катерина"),
          V("Anastasiia", "Anastasia", "Anastasiya", "|Анастасія"),
          V("Viktoriia", "Viktoria", "Victoria", "|Вікторія"), V("Olha", "Olga", "|Ольга"),
          V("Mariia", "Maria", "Mariya", "|Марія"), V("Daria", "Dariia", "Darya", "|Дарія"),
          V("Alina", "|Аліна"), V("Khrystyna", "Kristina", "Christina", "|Христина"),
          V("Liudmyla", "Lyudmyla", "Ludmila", "|Людмила"), V("Valeriia", "Valeria", "|Валерія")],
   sur=[V("Shevchenko", "Shevtchenko", "Chevtchenko", "|Шевченко"), V("Kovalenko", "|Коваленко"),
        V("Bondarenko", "|Бондаренко"), V("Tkachenko", "Tkatchenko", "|Ткаченко"),
        V("Kravchenko", "Kravtchenko", "|Кравченко"),
        V("Oliinyk", "Oleinik", "Oliynyk", "|Олійник"), V("Shevchuk", "Shevtchuk", "|Шевчук"),
        V("Koval", "Kowal", "|Коваль"), V("Polishchuk", "Polischuk", "Polishuk", "|Поліщук"),
        V("Boiko", "Boyko", "Bojko", "|Бойко"), V("Tkachuk", "|Ткачук"),
        V("Melnyk", "Melnik", "|Мельник"), V("Marchenko", "|Марченко"), V("Moroz", "|Мороз"),
        V("Lysenko", "Lisenko", "|Лисенко"), V("Rudenko", "|Руденко"),
        V("Savchenko", "Savtchenko", "|Савченко"), V("Petrenko", "|Петренко"),
        V("Pavlenko", "|Павленко"), V("Klymenko", "Klimenko", "|Клименко"),
        V("Vasylenko", "Vasilenko", "|Василенко"),
        V("Hrytsenko", "Gritsenko", "Hritsenko", "|Гриценко")],
   second_given=0.0,
   pob=[V("Kyiv", "Kiev", "Kyjiw", "Київ"), V("Odesa", "Odessa"), V("Kharkiv", "Kharkov"),
        V("Dnipro", "Dnipropetrovsk"), V("Zaporizhzhia", "Zaporozhye"), V("Lviv", "Lvov", "Lwów"),
        V("Mykolaiv", "Nikolaev"), V("Kherson"), V("Izmail", "Izmayil"),
        V("Chernivtsi", "Chernovtsy")],
   nat_forms=["UA", "UKR", "Oekraïens", "Oekraiense", "Ukrainian", "Oekraïne", "Ukraine"],
   phone_cc="380"),
 "NL": dict(w=10, nat="NLD",
   given=[V("Sanne"), V("Lisa"), V("Laura"), V("Kim"), V("Anouk"), V("Eva"), V("Fleur"), V("Linda"),
          V("Sandra"), V("Marloes"), V("Naomi"), V("Demi"), V("Chantal"), V("Esther"), V("Mariska"),
          V("Priscilla"), V("Romy"), V("Kelly"), V("Jessica"), V("Samantha"), V("Nicole"),
          V("Melissa"), V("Patricia"), V("Monique"), V("Tamara"), V("Shanice"),
          V("Kimberley", "Kimberly")],
   sur=[V("de Jong"), V("Jansen"), V("de Vries"), V("van den Berg", "v.d. Berg", "van de Berg"),
        V("van Dijk"), V("Bakker"), V("Janssen"), V("Visser"), V("Smit"), V("Meijer", "Meyer"),
        V("de Boer"), V("Mulder"), V("de Groot"), V("Bos"), V("Vos"), V("Peters"),
        V("Hendriks", "Hendrikx"), V("van Leeuwen"), V("Dekker"), V("Brouwer"), V("de Wit"),
        V("Dijkstra"), V("Smits"), V("de Graaf"), V("van der Meer", "v/d Meer"),
        V("van der Linden"), V("Kok"), V("Jacobs"), V("de Haan"), V("Vermeulen"),
        V("van den Heuvel"), V("van der Veen"), V("Kuipers", "Kuijpers")],
   second_given=0.25,
   pob=[V("Amsterdam"), V("Rotterdam"), V("Den Haag", "'s-Gravenhage", "The Hague"), V("Utrecht"),
        V("Eindhoven"), V("Almere"), V("Zaandam"), V("Tilburg"), V("Breda"), V("Groningen"),
        V("Arnhem"), V("Paramaribo")],
   nat_forms=["NL", "NLD", "Nederlands", "Nederlandse", "Dutch", "Nederland", "Netherlands"],
   phone_cc="31"),
 "PL": dict(w=6, nat="POL",
   given=[V("Anna"), V("Katarzyna"), V("Magdalena"), V("Agnieszka"), V("Joanna"), V("Monika"),
          V("Aleksandra"), V("Małgorzata"), V("Justyna"), V("Natalia"), V("Karolina"), V("Paulina"),
          V("Marta"), V("Ewelina"), V("Dominika"), V("Sylwia"), V("Patrycja"), V("Weronika"),
          V("Klaudia"), V("Izabela"), V("Beata"), V("Dorota")],
   sur=[V("Nowak"), V("Kowalska"), V("Wiśniewska"), V("Wójcik"), V("Kowalczyk"), V("Kamińska"),
        V("Lewandowska"), V("Zielińska"), V("Szymańska"), V("Woźniak"), V("Dąbrowska"),
        V("Kozłowska"), V("Jankowska"), V("Mazur"), V("Kwiatkowska"), V("Krawczyk"),
        V("Piotrowska"), V("Grabowska"), V("Nowakowska"), V("Pawłowska"), V("Michalska"), V("Król"),
        V("Wieczorek"), V("Jabłońska")],
   second_given=0.15,
   pob=[V("Warszawa", "Warsaw", "Warschau"), V("Kraków", "Krakow", "Cracow"), V("Łódź", "Lodz"),
        V("Wrocław", "Wroclaw"), V("Poznań", "Poznan"), V("Gdańsk", "Gdansk"), V("Szczecin"),
        V("Lublin"), V("Białystok", "Bialystok"), V("Katowice")],
   nat_forms=["PL", "POL", "Pools", "Poolse", "Polish", "Polen", "Poland"],
   phone_cc="48"),
 "TH": dict(w=4, nat="THA",
   given=[V("Siriporn"), V("Nattaya"), V("Pornthip", "Porntip"), V("Kanokwan"), V("Supaporn"),
          V("Wanida"), V("Jintana"), V("Malee", "Mali"), V("Ratana", "Rattana"), V("Sunisa"),
          V("Nipaporn"), V("Pimchanok"), V("Araya"), V("Duangjai"), V("Lamai"), V("Orathai"),
          V("Patcharee", "Patchari"), V("Thanyarat"), V("Warunee", "Waruni"), V("Suda"),
          V("Anong")],
   sur=[V("Saetang", "Sae-Tang", "Sae Tang"), V("Srisuk"), V("Wongsawat"),
        V("Chaiyaphum", "Chaiyapoom"), V("Boonmee", "Bunmi"), V("Suwannarat"),
        V("Thongdee", "Thongdi"), V("Kaewkla", "Kaeokla"), V("Phromma", "Promma"), V("Sukjai"),
        V("Kongkaew", "Kongkeaw"), V("Chanthara", "Jantara"), V("Intharasuk"),
        V("Somboon", "Sombun"), V("Pattanapong")],
   second_given=0.0,
   pob=[V("Bangkok", "Krung Thep"), V("Udon Thani", "Udonthani"), V("Khon Kaen", "Khonkaen"),
        V("Nakhon Ratchasima", "Korat"), V("Chiang Mai", "Chiangmai"), V("Pattaya"),
        V("Ubon Ratchathani"), V("Sisaket", "Si Sa Ket"), V("Buriram", "Buri Ram")],
   nat_forms=["TH", "THA", "Thais", "Thaise", "Thai", "Thailand"],
   phone_cc="66"),
 "LA": dict(w=5, nat=None,
   given=[V("Daniela"), V("Valentina"), V("Yuliana"), V("Paola"), V("Carolina"), V("Andrea"),
          V("Yesenia"), V("Marisol"), V("Johana", "Johanna"), V("Leidy", "Leydi"), V("Natalia"),
          V("Gabriela"), V("Juliana"), V("Fernanda"), V("Camila"), V("Luisa"), V("Adriana"),
          V("Claudia"), V("Tatiana"), V("Jennifer", "Jenifer"), V("María"), V("Ana")],
   sur=[V("García"), V("Rodríguez"), V("Martínez"), V("López"), V("González"), V("Hernández"),
        V("Pérez"), V("Sánchez"), V("Ramírez"), V("Torres"), V("Gómez"), V("Díaz"), V("Moreno"),
        V("Jiménez"), V("Castro"), V("Vargas"), V("Rojas"), V("Ortiz"), V("Silva"), V("Santos"),
        V("Oliveira"), V("Souza", "Sousa"), V("Pereira"), V("Restrepo"), V("Cardona"), V("Osorio"),
        V("Ospina"), V("Mejía")],
   second_given=0.4,
   pob=[V("Medellín", "Medellin"), V("Bogotá", "Bogota"), V("Cali"), V("Pereira"),
        V("Santo Domingo"), V("Caracas"), V("Maracaibo"), V("São Paulo", "Sao Paulo"),
        V("Rio de Janeiro"), V("Barranquilla")],
   nat_forms=None, phone_cc=None),
}
LA_COUNTRIES = [
    ("COL", ["CO", "COL", "Colombiaans", "Colombiaanse", "Colombian", "Colombia"], "57"),
    ("DOM", ["DO", "DOM", "Dominicaans", "Dominican", "Dominicaanse Republiek"], "1809"),
    ("VEN", ["VE", "VEN", "Venezolaans", "Venezuelan", "Venezuela"], "58"),
    ("BRA", ["BR", "BRA", "Braziliaans", "Braziliaanse", "Brazilian", "Brazilië"], "55"),
]

NICKNAMES = {"Elena": "Lena", "Alexandra": "Sasha", "Ecaterina": "Katya", "Natalia": "Natasha",
             "Anastasia": "Nastya", "Anastasiia": "Nastya", "Kateryna": "Katya", "Yordanka": "Dana",
             "Gabriela": "Gabi", "Daniela": "Dani", "Katarzyna": "Kasia", "Małgorzata": "Gosia",
             "Blessing": "Bless", "Erzsébet": "Zsóka", "Krisztina": "Kriszti",
             "Florentina": "Flori", "Mădălina": "Mădă", "Iuliana": "Iuli", "Valentina": "Vale",
             "Svetlana": "Sveta", "Tatiana": "Tanya", "Tetiana": "Tanya", "Olena": "Lena",
             "Kimberley": "Kim"}

CONTROLLER_GIVEN = {"RO": ["Ion", "Vasile", "Florin", "Marius", "Adrian", "Ionuț", "Gheorghe",
                           "Cristian", "Costel", "Nicușor"],
                    "MD": ["Sergiu", "Ion", "Vitalie", "Andrei", "Dumitru", "Igor", "Serghei",
                           "Vadim"],
                    "BG": ["Georgi", "Ivan", "Dimitar", "Nikolay", "Stoyan", "Hristo", "Asen",
                           "Mehmed"],
                    "HU": ["László", "István", "Zoltán", "Gábor", "Attila", "Tibor", "Sándor"],
                    "NG": ["Mercy", "Gloria", "Osas", "Rose", "Helen", "Franca"],   # madams
                    "UA": ["Oleksandr", "Serhiy", "Andriy", "Dmytro", "Vitaliy"],
                    "NL": ["Kevin", "Mo", "Jordy", "Dennis", "Ricardo", "Mohamed", "Youssef"],
                    "PL": ["Tomasz", "Piotr", "Marcin", "Krzysztof", "Paweł"],
                    "TH": ["Nok", "Daeng", "Lek", "Noi"],
                    "LA": ["Carlos", "Jorge", "Luis", "Andrés", "Diego"]}
CONTROLLER_SUR = {"RO": ["Rusu", "Dumitrescu", "Stan", "Cioabă", "Sandu", "Lăcătuș", "Mihai",
                         "Stoian", "Căldăraru"],
                  "MD": ["Rusu", "Ceban", "Lupu", "Munteanu", "Cojocaru", "Țurcanu"],
                  "BG": ["Ivanov", "Petrov", "Georgiev", "Dimitrov", "Asenov", "Ahmedov"],
                  "HU": ["Horváth", "Lakatos", "Kolompár", "Oláh", "Balogh"],
                  "NG": ["Osagie", "Omoregie", "Uwadiae", "Edosomwan", "Obaseki"],
                  "UA": ["Kovalenko", "Bondarenko", "Melnyk", "Shevchenko"],
                  "NL": ["El Amrani", "de Vries", "Bakker", "Bouzid", "Pinas"],
                  "PL": ["Nowak", "Kowalski", "Wiśniewski", "Zieliński"],
                  "TH": ["Srisuk", "Boonmee", "Saetang"],
                  "LA": ["García", "Restrepo", "Ospina", "López"]}

SIGNAL_CODES = ["unlicensed_work", "controlling_person_present", "no_id", "not_from_nl",
                "transport_by_others", "scripted_story", "unaware_of_address", "visible_injuries",
                "many_clients", "no_language", "debt_mentioned", "sleeps_at_workplace"]

SETTING_WORDS = {
    "raam": ["raam", "Raam", "raamprostitutie", "Raambordeel", "window", "Window (red light)",
             "RAAM", "raam - wallen"],
    "club": ["club", "Club", "seksclub", "Sexclub", "brothel", "privehuis", "Privéhuis", "bordeel"],
    "woning": ["woning", "Woning", "thuiswerk", "thuisprostitutie", "home", "private apartment",
               "Airbnb", "appartement", "Privé woning", "vakantiewoning"],
    "hotel": ["hotel", "Hotel", "hotelkamer", "hotel room", "Hotel (kamer 214)"],
    "escort": ["escort", "Escort", "escortbedrijf", "escort service", "escort (thuisbezoek)"],
    "straat": ["straat", "tippelzone", "street", "Straat"],
    "online": ["online", "internet", "online advertentie", "Online (kinky)", "webcam"],
    "massage": ["massagesalon", "massage parlour", "Massagesalon", "Thaise massage"],
}
LICENSED_WORDS = {True: ["ja", "Ja", "yes", "J", "true", "JA", "vergund"],
                  False: ["nee", "Nee", "no", "N", "false", "NEE", "geen vergunning"],
                  None: ["", "", "onbekend", "?", "n.v.t."]}
SEX_WORDS = ["V", "V", "v", "F", "vrouw", "Vrouw", "female", "", "", ""]


def zipf_choice(rng: random.Random, items: list[T], s: float = 0.75) -> T:
    weights = [1.0 / (i + 1) ** s for i in range(len(items))]
    return rng.choices(items, weights)[0]


def latin_variants(entry: Entry) -> list[str]:
    return [x for x in entry if not x.startswith("|")]


def cyr(entry: Entry) -> str | None:
    for x in entry:
        if x.startswith("|"):
            return x[1:]
    return None


CEDILLA = str.maketrans({"ș": "ş", "Ș": "Ş", "ț": "ţ", "Ț": "Ţ"})


def strip_diacritics(s: str) -> str:
    s = s.replace("ł", "l").replace("Ł", "L")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def typo(rng: random.Random, s: str) -> str:
    if len(s) < 4:
        return s
    i = rng.randrange(1, len(s) - 1)
    kind = rng.choice(["sub", "del", "ins", "swap"])
    letters = "aeiounrstlmck"
    if kind == "sub":
        return s[:i] + rng.choice(letters) + s[i + 1:]
    if kind == "del":
        return s[:i] + s[i + 1:]
    if kind == "ins":
        return s[:i] + rng.choice(letters) + s[i:]
    return s[:i] + s[i + 1] + s[i] + s[i + 2:] if i + 1 < len(s) else s


def rand_date(rng: random.Random, a: dt.date, b: dt.date) -> dt.date:
    return a + dt.timedelta(days=rng.randrange((b - a).days + 1))


# ---------------------------------------------------------------- population
class Woman:
    """One woman of the population; her attributes are set by `build_population`."""

    id: str
    origin: str
    la: tuple[str, list[str], str]
    nat: str | None
    nat_forms: list[str]
    cc: str | None
    given: list[Entry]
    sur: list[Entry]
    married: list[Entry] | None
    dob: dt.date
    pob: Entry
    doc: str
    own_phone: Phone | None
    advert: str | None
    relations: list[str]
    network: str | None
    mode: str


def make_phone(rng: random.Random, cc: str | None) -> Phone:
    if cc == "31" or cc is None:
        return "31", "6" + "".join(rng.choice("0123456789") for _ in range(8))
    lens = {"40": ("7", 8), "373": ("6", 7), "359": ("8", 8), "36": ("30", 7), "234": ("80", 8),
            "380": ("50", 7), "48": ("5", 8), "66": ("8", 8), "57": ("3", 9), "1809": ("", 7),
            "58": ("41", 8), "55": ("11", 9)}
    p, n = lens[cc]
    return cc, p + "".join(rng.choice("0123456789") for _ in range(n))


def fmt_phone(rng: random.Random, cc: str, nsn: str, nat: str | None) -> str:
    """Write a phone the way an inspector copies it."""
    if cc == "31":
        forms = [f"06-{nsn[1:]}", f"06 {nsn[1:5]} {nsn[5:]}", f"+31 6 {nsn[1:]}", f"+31{nsn}",
                 f"0031 {nsn}", f"0{nsn}", f"06-{nsn[1:]} (whatsapp)",
                 f"+31 (0)6 {nsn[1:5]} {nsn[5:]}"]
        return rng.choice(forms)
    forms = [f"+{cc} {nsn}", f"+{cc}{nsn}", f"00{cc} {nsn}",
             f"+{cc} {nsn[:3]} {nsn[3:6]} {nsn[6:]}"]
    # own-country trunk form without country code
    trunk = {"40": "0", "373": "0", "359": "0", "36": "06", "234": "0", "380": "0", "48": "",
             "66": "0"}
    if cc in trunk:
        forms.append(trunk[cc] + nsn)
    return rng.choice(forms)


def make_doc(rng: random.Random, o: str) -> str:
    def d(n: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(n))

    def L(n: int) -> str:
        return "".join(rng.choice("ABCDEFGHJKLMNPRSTVXZ") for _ in range(n))

    if o == "RO":
        return rng.choice([f"{L(2)}{d(6)}", f"0{d(7)}"])
    if o == "MD":
        return f"A{d(8)}"
    if o == "BG":
        return d(9)
    if o == "HU":
        return f"{d(6)}{L(2)}"
    if o == "NG":
        return f"A{d(8)}"
    if o == "UA":
        return f"{L(2)}{d(6)}"
    if o == "NL":
        return f"{L(2)}{L(2)}{d(5)}"
    if o == "PL":
        return f"{L(3)}{d(6)}"
    if o == "TH":
        return f"A{L(1)}{d(7)}"
    return f"{L(2)}{d(7)}"


def fmt_doc(rng: random.Random, doc: str, o: str) -> str:
    r = rng.random()
    if r < 0.6:
        return doc
    if r < 0.75:
        return "Paspoort " + doc
    if r < 0.85:
        return doc[:2] + " " + doc[2:]
    if o == "RO" and doc[:2].isalpha():
        return f"seria {doc[:2]} nr. {doc[2:]}"
    return "ID-kaart " + doc.lower()


def make_plate(rng: random.Random, o: str) -> str:
    def d(n: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(n))

    def L(n: int) -> str:
        return "".join(rng.choice("BDFGHJKLNPRSTXZ") for _ in range(n))

    if o == "RO":
        return f"{rng.choice(['B', 'CT', 'DJ', 'IS', 'GL'])} {d(2)} {L(3)}"
    if o == "BG":
        return f"{rng.choice(['CA', 'PB', 'B', 'CH'])} {d(4)} {L(2)}"
    if o == "MD":
        return f"{L(3)} {d(3)}"
    if o == "HU":
        return f"{L(3)}-{d(3)}"
    if o == "PL":
        return f"W{L(1)} {d(5)}"
    return f"{d(2)}-{L(3)}-{d(1)}"


def fmt_plate(rng: random.Random, p: str) -> str:
    r = rng.random()
    if r < 0.6:
        return p
    if r < 0.8:
        return p.replace(" ", "").replace("-", "")
    return p.lower()


def build_population(rng: random.Random, n_women: int = 2500
                     ) -> tuple[list[Woman], dict[str, Network]]:
    women = []
    origin_keys = list(ORIGINS)
    weights = [ORIGINS[k]["w"] for k in origin_keys]

    def new_woman(o: str, **fixed: object) -> Woman:
        w = Woman()
        w.id = f"W{len(women) + 1:05d}"
        w.origin = o
        spec = ORIGINS[o]
        if o == "LA":
            w.la = rng.choice(LA_COUNTRIES)
            w.nat = w.la[0]
            w.nat_forms = w.la[1]
            w.cc = w.la[2]
        else:
            w.nat = spec["nat"]
            w.nat_forms = spec["nat_forms"]
            w.cc = spec["phone_cc"]
        g1 = zipf_choice(rng, spec["given"])
        w.given = [g1]
        if rng.random() < spec["second_given"]:
            g2 = zipf_choice(rng, spec["given"])
            if g2 is not g1:
                w.given.append(g2)
        w.sur = [zipf_choice(rng, spec["sur"])]
        if o == "LA":
            s2 = zipf_choice(rng, spec["sur"])
            if s2 is not w.sur[0]:
                w.sur.append(s2)
        age = rng.triangular(18, 45, 24)
        w.dob = TODAY - dt.timedelta(days=int(age * 365.25)) - dt.timedelta(days=rng.randrange(365))
        if o == "NG" and rng.random() < 0.15:
            w.dob = dt.date(w.dob.year, 1, 1)        # assigned 1 January
        w.pob = zipf_choice(rng, spec["pob"], 1.1)
        w.doc = make_doc(rng, o)
        w.own_phone = (make_phone(rng, w.cc if rng.random() < 0.5 else "31")
                       if rng.random() < 0.7 else None)
        w.advert = (f"{rng.choice(['KK', 'SC', 'RL'])}-{rng.randrange(100000, 999999)}"
                    if rng.random() < 0.5 else None)
        w.married = None
        if rng.random() < 0.08:
            if o in ("TH", "LA", "PL") or rng.random() < 0.4:
                w.married = [zipf_choice(rng, ORIGINS["NL"]["sur"])]
            else:
                w.married = [zipf_choice(rng, spec["sur"])]
        w.relations = []
        w.network = None
        w.mode = "local"
        for k, v in fixed.items():
            setattr(w, k, v)
        women.append(w)
        return w

    # networks
    networks = []
    n_net = 110
    for i in range(n_net):
        o = rng.choices(origin_keys, weights)[0]
        if o == "TH":
            o = "RO"
        net = dict(id=f"N{i + 1:03d}", origin=o)
        net["ctrl_given"] = rng.choice(CONTROLLER_GIVEN[o])
        net["ctrl_sur"] = rng.choice(CONTROLLER_SUR[o])
        net["ctrl_dob"] = TODAY - dt.timedelta(days=int(rng.uniform(24, 50) * 365.25))
        net["phones"] = [
            make_phone(rng, "31" if rng.random() < 0.6 else ORIGINS[o]["phone_cc"] or "31")
            for _ in range(rng.choice([1, 1, 2]))]
        net["plate"] = make_plate(rng, o) if rng.random() < 0.7 else None
        net["flats"] = {g: (rng.choice(PC_PREFIX[g]) + " " + rng.choice("ABCDEGHJKLMNPRSTVWXZ")
                            + rng.choice("ABCDEGHJKLMNPRSTVWXZ"),
                            str(rng.randrange(1, 300))
                            + rng.choice(["", "", "", "-2", " A", "hs", "-III"]))
                        for g in GEMEENTEN}
        networks.append(net)
        for _ in range(rng.randint(3, 9)):
            oo = o if rng.random() < 0.85 else rng.choices(origin_keys, weights)[0]
            new_woman(oo, network=net["id"], mode="carousel")

    # independent movers
    for _ in range(380):
        new_woman(rng.choices(origin_keys, weights)[0], mode="mover")
    # locals
    while len(women) < n_women - 200:
        new_woman(rng.choices(origin_keys, weights)[0], mode="local")

    # hard negatives
    base = list(women)
    for kind, n in (("sister", 70), ("twin", 25), ("namesake", 60)):
        for _ in range(n):
            a = rng.choice(base)
            spec = ORIGINS[a.origin]
            b = new_woman(a.origin, mode=a.mode, network=a.network if rng.random() < 0.5 else None)
            if a.origin == "LA":
                b.la, b.nat, b.nat_forms, b.cc = a.la, a.nat, a.nat_forms, a.cc
            if kind in ("sister", "twin"):
                b.sur = list(a.sur)
                b.pob = a.pob
                while b.given[0] is a.given[0]:
                    b.given = [zipf_choice(rng, spec["given"])]
                if kind == "sister":
                    b.dob = a.dob + dt.timedelta(days=rng.choice([-1, 1]) * rng.randint(400, 3000))
                    if b.dob > TODAY - dt.timedelta(days=18 * 366):
                        b.dob = a.dob - dt.timedelta(days=rng.randint(400, 3000))
                else:
                    b.dob = a.dob
                if rng.random() < 0.5:
                    b.own_phone = a.own_phone if a.own_phone and rng.random() < 0.3 else b.own_phone
            else:
                b.given = list(a.given)
                b.sur = list(a.sur)
                while abs((b.dob - a.dob).days) < 60:
                    b.dob = b.dob - dt.timedelta(days=400)
            a.relations.append(f"{kind}:{b.id}")
            b.relations.append(f"{kind}:{a.id}")
    return women, {n["id"]: n for n in networks}


# ---------------------------------------------------------------- itineraries
def itinerary(rng: random.Random, w: Woman) -> list[tuple[dt.date, str]]:
    """Return list of (date, gemeente)."""
    out = []
    if w.mode == "carousel":
        start = rand_date(rng, START - dt.timedelta(days=120), LAST - dt.timedelta(days=30))
        end = min(LAST, start + dt.timedelta(days=int(rng.uniform(90, 480))))
        g = rng.choice(GEMEENTEN)
        d = start
        while d <= end:
            stay = rng.randint(14, 42)
            for _ in range(2):
                if rng.random() < 0.36:
                    sd = d + dt.timedelta(days=rng.randrange(stay))
                    if START <= sd <= min(end, LAST):
                        out.append((sd, g))
            d += dt.timedelta(days=stay)
            g = rng.choice([x for x in GEMEENTEN if x != g])
    elif w.mode == "mover":
        towns = rng.sample(GEMEENTEN, rng.choice([2, 2, 3]))
        n = rng.choice([2, 2, 3, 3, 4, 5])
        for _ in range(n):
            out.append((rand_date(rng, START, LAST), rng.choice(towns)))
    else:
        home = rng.choices(GEMEENTEN, [30, 22, 14, 20, 14])[0]
        n = rng.choices([1, 2, 3, 4, 6], [40, 28, 16, 10, 6])[0]
        for _ in range(n):
            g = home if rng.random() < 0.9 else rng.choice(GEMEENTEN)
            out.append((rand_date(rng, START, LAST), g))
    # one control of one woman per town per day
    seen = set()
    res = []
    for d, g in sorted(out):
        if (d, g) not in seen:
            seen.add((d, g))
            res.append((d, g))
    return res


# ---------------------------------------------------------------- recording
def render_name_parts(rng: random.Random, w: Woman, errs: list[str]) -> tuple[str, str]:
    spec = ORIGINS[w.origin]
    given = list(w.given)
    sur = list(w.married) if (w.married and rng.random() < 0.5) else list(w.sur)
    if sur is not w.sur and w.married and sur == w.married:
        errs.append("married")
    if len(given) == 2 and rng.random() < 0.3:
        given = given[:1]
        errs.append("given2_dropped")
    elif len(given) == 1 and rng.random() < 0.03:
        extra = zipf_choice(rng, spec["given"])
        if extra is not given[0]:
            given.append(extra)
            errs.append("given2_added")
    if len(sur) == 2 and rng.random() < 0.3:
        sur = sur[:1]
        errs.append("surname2_dropped")
    cyrillic = (w.origin in ("MD", "UA", "BG") and rng.random() < 0.04
                and all(cyr(e) for e in given + sur))
    if cyrillic:
        errs.append("cyrillic")
        gs = [cyr(e) for e in given]
        ss = [cyr(e) for e in sur]
    else:
        gs, ss = [], []
        translit = False
        for lst, e in [(gs, x) for x in given] + [(ss, x) for x in sur]:
            vs = latin_variants(e)
            if len(vs) > 1 and rng.random() < 0.45:
                v = rng.choice(vs[1:])
                translit = translit or v != vs[0]
            else:
                v = vs[0]
            lst.append(v)
        if translit:
            errs.append("translit")
        if rng.random() < 0.01 and gs[0] in NICKNAMES:
            gs[0] = NICKNAMES[gs[0]]
            errs.append("nickname")
        # diacritics as the keyboard / the source document writes them
        full = " ".join(gs + ss)
        if any(ord(c) > 127 for c in full):
            r = rng.random()
            if w.origin in ("RO", "MD") and r < 0.2:
                gs = [x.translate(CEDILLA) for x in gs]
                ss = [x.translate(CEDILLA) for x in ss]
                if " ".join(gs + ss) != full:
                    errs.append("diacritics_cedilla")
            elif r < 0.6:
                gs = [strip_diacritics(x) for x in gs]
                ss = [strip_diacritics(x) for x in ss]
                errs.append("diacritics_stripped")
        if rng.random() < 0.06:
            if rng.random() < 0.5:
                i = rng.randrange(len(gs))
                gs[i] = typo(rng, gs[i])
            else:
                i = rng.randrange(len(ss))
                ss[i] = typo(rng, ss[i])
            errs.append("typo")
    g, s = " ".join(gs), " ".join(ss)
    if rng.random() < (0.15 if w.origin == "HU" else 0.05):
        g, s = s, g
        errs.append("swap")
    r = rng.random()
    if r < 0.12:
        g, s = g.upper(), s.upper()
        errs.append("upper")
    elif r < 0.20:
        s = s.upper()
        errs.append("upper_surname")
    if rng.random() < 0.01:
        s = ""
        errs.append("surname_missing")
    return g, s


def record_dob(rng: random.Random, w: Woman, errs: list[str]
               ) -> tuple[dt.date | None, str | None]:
    r = rng.random()
    d = w.dob
    if r < 0.10:
        errs.append("dob_missing")
        return None, rng.choice(["", "", "", "onbekend", "-", "00-00-0000"])
    if r < 0.11:
        errs.append("dob_partial")
        return None, str(d.year)
    if r < 0.14 and d.day <= 12 and d.day != d.month:
        errs.append("dob_dm_swap")
        return dt.date(d.year, d.day, d.month), None
    if r < 0.18:
        k = rng.choice(["day", "month", "year"])
        try:
            if k == "day":
                d2 = d + dt.timedelta(days=rng.choice([-1, 1]))
            elif k == "month":
                m = d.month + rng.choice([-1, 1])
                m = 12 if m == 0 else 1 if m == 13 else m
                d2 = d.replace(month=m)
            else:
                d2 = d.replace(year=d.year + rng.choice([-1, 1]))
        except ValueError:
            d2 = d + dt.timedelta(days=1)
            k = "day"
        errs.append(f"dob_off_{k}")
        return d2, None
    return d, None


MONTHS_NL = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
             "september", "oktober", "november", "december"]


def fmt_date(rng: random.Random, d: dt.date, style: str) -> str:
    if style == "iso":
        return d.isoformat()
    if style == "dmy-":
        return d.strftime("%d-%m-%Y")
    if style == "dmy/":
        return d.strftime("%d/%m/%Y")
    if style == "dmy.":
        return d.strftime("%d.%m.%Y")
    if style == "dmy-nopad":
        return f"{d.day}-{d.month}-{d.year}"
    if style == "nl-long":
        return f"{d.day} {MONTHS_NL[d.month - 1]} {d.year}"
    raise ValueError(style)


# export conventions per municipality
CONV = {
 "GM0363": dict(file=["amsterdam_toezicht_export.csv"], delim=",", obs="iso", dob=["iso"],
                header="snake", caseref="dossier", bom=False),
 "GM0599": dict(file=["rotterdam_2025.csv", "rotterdam_2026.csv"], delim=";", obs="dmy-",
                dob=["dmy-", "dmy-", "dmy."], header="snake", caseref="control", bom=False),
 "GM0344": dict(file=["utrecht_controles.csv"], delim=",", obs="dmy/", dob=["dmy/"], header="title",
                caseref="control", bom=False),
 "GM0518": dict(file=["denhaag_export.csv"], delim=",", obs="iso-time",
                dob=["dmy-nopad", "dmy.", "dmy-"], header="snake", caseref="dossier", bom=False),
 "GM0772": dict(file=["eindhoven_controles.csv"], delim=";", obs="dmy-", dob=["dmy-", "nl-long"],
                header="title-hyphen", caseref="control", bom=True, sep_hint=True),
}
COLS = ["case_ref", "observed_on", "setting", "licensed", "signals", "given_names", "surname",
        "date_of_birth", "sex", "nationality", "place_of_birth", "document_number", "phone",
        "vehicle_plate", "address_postcode", "address_number", "advert_id",
        "companion_given_names", "companion_surname", "companion_date_of_birth"]


def header_for(style: str) -> list[str]:
    if style == "snake":
        return COLS
    if style == "title":
        return [c.replace("_", " ").capitalize() for c in COLS]
    return [c.replace("_", "-").title() for c in COLS]


def venue_addresses(rng: random.Random) -> dict[str, list[tuple[str, str]]]:
    v = {}
    for g in GEMEENTEN:
        v[g] = [(rng.choice(PC_PREFIX[g]) + rng.choice(["AB", "GM", "EV", "HK", "LP"]),
                 str(rng.randrange(1, 120)))
                for _ in range(12)]
    return v


def canonical(entries: list[Entry]) -> str:
    return " ".join(latin_variants(e)[0] for e in entries)


def generate(out: Path, seed: int = SEED) -> None:
    """Write OUT/csv/*.csv, OUT/truth.csv and OUT/women.csv; print a summary."""
    rng = random.Random(seed)
    (out / "csv").mkdir(parents=True, exist_ok=True)
    women, nets = build_population(rng)
    venues = venue_addresses(rng)

    rows: dict[str, list[tuple[dt.date, dict[str, str], dict[str, str]]]] = {
        g: [] for g in GEMEENTEN}
    dossier: dict[str, dict[str, str]] = {g: {} for g in GEMEENTEN}
    counters = dict.fromkeys(GEMEENTEN, 0)
    for w in women:
        for d, g in itinerary(rng, w):
            errs = []
            net = nets.get(w.network)
            gn, sn = render_name_parts(rng, w, errs)
            dob, dob_raw = record_dob(rng, w, errs)
            conv = CONV[g]
            row = dict.fromkeys(COLS, "")
            row["given_names"], row["surname"] = gn, sn
            row["date_of_birth"] = fmt_date(rng, dob, rng.choice(conv["dob"])) if dob else dob_raw
            if conv["obs"] == "iso-time":
                row["observed_on"] = (f"{d.isoformat()} {rng.randint(9, 23):02d}:"
                                      f"{rng.choice(['00', '15', '30', '45'])}")
            else:
                row["observed_on"] = fmt_date(rng, d, conv["obs"])
            # setting
            if net:
                st = rng.choices(["woning", "hotel", "raam", "club", "escort", "online"],
                                 [35, 15, 20, 10, 12, 8])[0]
            else:
                st = rng.choices(["woning", "hotel", "raam", "club", "escort", "straat", "online",
                                  "massage"],
                                 [20, 8, 35, 15, 8, 3, 6, 5 if w.origin == "TH" else 1])[0]
            if rng.random() < 0.93:
                row["setting"] = rng.choice(SETTING_WORDS[st])
            lic_true = st in ("raam", "club") and rng.random() < 0.8
            if net and rng.random() < 0.6:
                lic_true = False
            lic = lic_true if rng.random() < 0.85 else None
            row["licensed"] = rng.choice(LICENSED_WORDS[lic])
            sig = []
            if lic is False or (lic is None and rng.random() < 0.5):
                sig.append("unlicensed_work")
            if w.origin != "NL" and rng.random() < 0.7:
                sig.append("not_from_nl")
            if net:
                for code, p in (("controlling_person_present", 0.3), ("no_id", 0.2),
                                ("transport_by_others", 0.25), ("scripted_story", 0.2),
                                ("unaware_of_address", 0.2), ("many_clients", 0.15),
                                ("debt_mentioned", 0.1), ("visible_injuries", 0.03),
                                ("no_language", 0.25), ("sleeps_at_workplace", 0.1)):
                    if rng.random() < p:
                        sig.append(code)
            elif rng.random() < 0.1:
                sig.append(rng.choice(SIGNAL_CODES))
            sig = list(dict.fromkeys(sig))
            sep = rng.choice(["; ", ";", ";", ";"])
            sigtxt = sep.join(sig)
            if sigtxt and rng.random() < 0.05:
                sigtxt = sigtxt.upper()
            row["signals"] = sigtxt
            row["sex"] = rng.choice(SEX_WORDS)
            if rng.random() < 0.8:
                row["nationality"] = rng.choice(w.nat_forms)
            if rng.random() < 0.5:
                vs = latin_variants(w.pob) if rng.random() < 0.97 else w.pob
                row["place_of_birth"] = rng.choice(vs) if rng.random() < 0.4 else vs[0]
            if rng.random() < 0.25:
                doc = w.doc
                if rng.random() < 0.03:
                    doc = doc[:-2] + doc[-1] + doc[-2]
                    errs.append("doc_typo")
                row["document_number"] = fmt_doc(rng, doc, w.origin)
            phones = []
            if w.own_phone and rng.random() < 0.35:
                phones.append(w.own_phone)
            if net and rng.random() < 0.45:
                phones.append(rng.choice(net["phones"]))
            if phones:
                row["phone"] = " / ".join(fmt_phone(rng, cc, nsn, w.nat) for cc, nsn in phones)
            if net and net["plate"] and rng.random() < 0.2:
                row["vehicle_plate"] = fmt_plate(rng, net["plate"])
            addr = None
            if st in ("raam", "club", "massage") and rng.random() < 0.7:
                addr = rng.choice(venues[g])
            elif st == "woning" and rng.random() < 0.6:
                addr = (net["flats"][g] if net
                        else (rng.choice(PC_PREFIX[g]) + " " + "XY", str(rng.randrange(1, 400))))
            if addr:
                row["address_postcode"], row["address_number"] = addr
                if rng.random() < 0.03:
                    row["address_number"] = ""
                    errs.append("address_half")
            if w.advert and rng.random() < 0.3:
                row["advert_id"] = w.advert
            if net and rng.random() < 0.3:
                cg, cs = net["ctrl_given"], net["ctrl_sur"]
                r = rng.random()
                if r < 0.3:
                    cg, cs = strip_diacritics(cg), strip_diacritics(cs)
                elif r < 0.4:
                    cs = cs.upper()
                row["companion_given_names"], row["companion_surname"] = cg, cs
                if rng.random() < 0.6:
                    row["companion_date_of_birth"] = fmt_date(rng, net["ctrl_dob"],
                                                              rng.choice(conv["dob"]))
            rows[g].append((d, row, dict(woman=w.id, network=w.network or "", origin=w.origin,
                                         errors=";".join(errs), relations=";".join(w.relations),
                                         mode=w.mode)))

    truth = []
    for g in GEMEENTEN:
        conv = CONV[g]
        rs = sorted(rows[g], key=lambda t: (t[0], t[1]["observed_on"]))
        for d, row, t in rs:
            if conv["caseref"] == "dossier":
                if t["woman"] not in dossier[g]:
                    counters[g] += 1
                    dossier[g][t["woman"]] = (f"PT-{d.year}-{counters[g]:05d}" if g == "GM0363"
                                              else f"DH/PROST/{counters[g]:06d}")
                row["case_ref"] = dossier[g][t["woman"]]
            else:
                counters[g] += 1
                row["case_ref"] = {"GM0599": f"RTM {d.year}.{counters[g]:05d}",
                                   "GM0344": f"Z/{d.year % 100}/{counters[g]:06d}",
                                   "GM0772": f"EHV#{d.year}-{counters[g]:04d}"}[g]
        files = conv["file"]
        if len(files) == 2:
            parts = [[t for t in rs if t[0].year == 2025], [t for t in rs if t[0].year == 2026]]
        else:
            parts = [rs]
        for fname, part in zip(files, parts, strict=True):
            path = out / "csv" / fname
            encoding = "utf-8-sig" if conv["bom"] else "utf-8"
            with path.open("w", newline="", encoding=encoding) as f:
                line = 1
                if conv.get("sep_hint"):
                    f.write("sep=;\r\n")
                    line += 1
                wr = csv.writer(f, delimiter=conv["delim"])
                wr.writerow(header_for(conv["header"]))
                for d, row, t in part:
                    line += 1
                    wr.writerow([row[c] for c in COLS])
                    truth.append(dict(gemeente=g, file=fname, line=line, case_ref=row["case_ref"],
                                      observed_on=d.isoformat(), **t))
    with (out / "truth.csv").open("w", newline="", encoding="utf-8") as f:
        wr = csv.DictWriter(f, fieldnames=list(truth[0]))
        wr.writeheader()
        wr.writerows(truth)
    with (out / "women.csv").open("w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f)
        wr.writerow(["woman", "origin", "mode", "network", "given", "surname", "married", "dob",
                     "relations"])
        for w in women:
            wr.writerow([w.id, w.origin, w.mode, w.network or "", canonical(w.given),
                         canonical(w.sur), canonical(w.married) if w.married else "",
                         w.dob.isoformat(), ";".join(w.relations)])
    # summary
    per_w = Counter(t["woman"] for t in truth)
    fulln = Counter((canonical(w.given), canonical(w.sur)) for w in women)
    print(f"women {len(women)} (sighted {len(per_w)}), sightings {len(truth)}, "
          f"per gemeente {dict(Counter(t['gemeente'] for t in truth))}")
    print("commonest full names:", fulln.most_common(3),
          f"top share {fulln.most_common(1)[0][1] / len(women):.2%}")
    ec = Counter(e for t in truth for e in t["errors"].split(";") if e)
    print("errors:", dict(ec.most_common()))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.blind_cli.generator")
    parser.add_argument("out", type=Path, help="directory for csv/, truth.csv and women.csv")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    generate(args.out, args.seed)


if __name__ == "__main__":
    main()
