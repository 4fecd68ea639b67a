"""CSV import: bad input is reported by line and field, good rows are kept."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.encode import Encoder
from linkage.keys import derive_purpose_keys
from linkage.schema import default_schema
from node.as_written import undo_double_encoding
from node.csv_file import COLUMNS, CsvFileError
from node.csv_import import (
    ADDRESS_HALF,
    BIRTH_DROPPED,
    COMPANION_DROPPED,
    DOUBLE_ENCODED,
    FIELD_DROPPED,
    MAX_NAME_CHARS,
    NAME_PART_EMPTY,
    NO_NAME,
    UNLISTED_SIGNALS,
    RowError,
    RowNote,
    parse_row,
)
from node.importer import ImportReport, import_csv
from node.store import NodeStore
from zichtlijn.v1 import encoding_pb2
from zichtlijn.wire import MAX_SIGNALS

TODAY = dt.date(2026, 11, 23)
HEADER = ["case_ref", "observed_on", "given_names", "surname", "date_of_birth"]


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def good(case_ref: str, given: str = "Ana Maria", surname: str = "Popescu") -> list[str]:
    return [case_ref, "2026-03-01", given, surname, "14-03-1998"]


@pytest.fixture()
def store(tmp_path: Path) -> NodeStore:
    db = NodeStore(tmp_path / "node.db", create=True)
    yield db
    db.close()


def run(data: bytes, store: NodeStore, encoder):
    return import_csv(data, store, encoder, TODAY)


def encoded_of(store: NodeStore, case_ref: str) -> bytes | None:
    """The encoding of the one control stored under `case_ref`."""
    dates = store.dates_of(case_ref)
    return store.encoded_of(case_ref, dates[0]) if dates else None


def stored_case_refs(store: NodeStore) -> list[str]:
    return sorted(row[0] for row in store.listing())


def test_good_rows_are_stored_as_encodings(store, encoder):
    report = run(csv_bytes([good("A-1"), good("A-2", "Elena", "Ionescu")]), store, encoder)
    assert (report.imported, report.unchanged, report.rejected) == (2, 0, 0)
    assert stored_case_refs(store) == ["A-1", "A-2"]


def test_all_design_columns_are_accepted(store, encoder):
    row = {c: "" for c in COLUMNS}
    row.update(case_ref="A-1", observed_on="01-03-2026", setting="hotel", licensed="nee",
               signals="unlicensed;not_from_nl", given_names="Iulia", surname="Țurcanu",
               date_of_birth="1997-05-02", sex="V", nationality="MDA", place_of_birth="Chișinău",
               document_number="AB123456", phone="06 12345678", vehicle_plate="12-ABC-3",
               address_postcode="1012 AB", address_number="12 a", advert_id="adv-991",
               companion_given_names="Vasile", companion_surname="Rusu",
               companion_date_of_birth="1980-01-01")
    report = run(csv_bytes([list(row.values())], list(row)), store, encoder)
    assert report.rejected == 0, [str(e) for e in report.errors]
    assert report.imported == 1


def test_reimport_does_not_duplicate(store, encoder):
    data = csv_bytes([good("A-1"), good("A-2")])
    run(data, store, encoder)
    again = run(data, store, encoder)
    assert (again.imported, again.unchanged, again.rejected) == (0, 2, 0)
    assert stored_case_refs(store) == ["A-1", "A-2"]


def test_reimport_with_other_content_is_refused_not_overwritten(store, encoder):
    run(csv_bytes([good("A-1")]), store, encoder)
    before = store.listing()
    report = run(csv_bytes([good("A-1", "Elena")]), store, encoder)
    assert report.imported == 0
    assert "imported before with other content" in str(report.errors[0])
    assert store.listing() == before


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["case_ref", "observed_on", "given_names"], "missing required column(s): surname"),
        ([*HEADER, "shoe_size"], "unknown column(s): shoe_size"),
        ([*HEADER, "surname"], "column(s) named twice: surname"),
    ],
)
def test_bad_header_refuses_the_whole_file(store, encoder, header, message):
    with pytest.raises(CsvFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(csv_bytes([good("A-1")[: len(header)]], header), store, encoder)
    assert stored_case_refs(store) == []


def test_empty_file_is_refused(store, encoder):
    with pytest.raises(CsvFileError, match="empty file"):
        run(b"", store, encoder)


def test_header_only_imports_nothing(store, encoder):
    report = run(csv_bytes([]), store, encoder)
    assert (report.imported, report.rejected) == (0, 0)


BAD_ROWS = [
    (["B-1", "31-02-2026", "Ana", "Pop", ""], "observed_on", "out of range"),
    (["B-1", "2027-01-01", "Ana", "Pop", ""], "observed_on", "in the future"),
    (["B-1", "2026-01-01", "", "  ", ""], "given_names", NO_NAME),
    (["B-1", "2026-01-01", "-", "?", ""], "given_names", NO_NAME),
    (["B-1", "2026-01-01", "A" * 10_000, "Pop", ""], "given_names", "too long"),
    (["B-1", "2026-01-01", "=cmd|' /C calc'!A0", "Pop", ""], "given_names", "formula"),
    (["=HYPERLINK(1)", "2026-01-01", "Ana", "Pop", ""], "case_ref", "formula"),
    (["B-1", "2026-01-01", "Ana", "Popescu 7", ""], "surname", "do not occur in names"),
    (["B-1", "2026-01-01", "محمد", "Hassan", ""], "given_names",
     "has no Latin, Cyrillic or Greek letters"),
    (["B-1", "2026-01-01", "Ana", "李", ""], "surname", "as in the Latin line of the passport"),
    (["B-1", "2026-01-01", "Mevr.", "Onbekend", ""], "given_names", "no name left"),
    (["B-1", "2026-01-01", "Ana", "Pop"], "row", "has 4 fields"),
]


@pytest.mark.parametrize(("row", "field", "reason"), BAD_ROWS)
def test_bad_row_is_reported_by_line_and_field_and_good_rows_kept(
    store, encoder, row, field, reason
):
    report = run(csv_bytes([good("G-1"), row, good("G-2")]), store, encoder)
    assert report.imported == 2
    assert stored_case_refs(store) == ["G-1", "G-2"]
    [error] = report.errors
    assert (error.line, error.field) == (3, field)
    assert reason in error.reason


@pytest.mark.parametrize(("written", "reason"), [
    ("1990-13-14", "not a valid date"), ("19450493", "not a valid date"),
    ("2026-05-01", "after the date of the control"), ("1875-03-14", "before 1900"),
    ("1998-03-14 10:00", "not a valid date"), ("14-03-22", "not a valid date"),
])
def test_a_date_of_birth_that_cannot_be_hers_keeps_the_row_without_it(store, encoder, written,
                                                                      reason):
    # a control refused for a typo in a date is a control the hub never sees
    report = run(csv_bytes([good("G-1"), ["B-1", "2026-01-01", "Ana", "Pop", written],
                            good("G-2")]), store, encoder)
    assert (report.imported, report.errors) == (3, [])
    assert stored_case_refs(store) == ["B-1", "G-1", "G-2"]
    [note] = report.notes
    assert (note.line, note.field) == (3, "date_of_birth")
    assert note.note.startswith(reason) and note.note.endswith(BIRTH_DROPPED)
    assert written not in str(note)  # identity data: never echoed
    row = dict(zip(HEADER, ["B-1", "2026-01-01", "Ana", "Pop", written], strict=True))
    assert parse_row(3, row, TODAY).subject.date_of_birth is None


def test_a_companion_date_that_cannot_be_his_keeps_the_companion_without_it():
    header = [*HEADER, "companion_given_names", "companion_surname", "companion_date_of_birth"]
    row = dict(zip(header, [*good("C-9"), "Ion", "Rusu", "31-02-1980"], strict=True))
    parsed = parse_row(2, row, TODAY)
    assert parsed.companion is not None and parsed.companion.date_of_birth is None
    assert [note.field for note in parsed.notes] == ["companion_date_of_birth"]


def test_non_utf8_bytes_reject_only_that_row(store, encoder):
    data = csv_bytes([good("G-1")]) + b"B-1,2026-01-01,Ana,Pop\xe9scu,\n" + csv_bytes(
        [good("G-2")])[len(",".join(HEADER)) + 1 :]
    report = run(data, store, encoder)
    assert stored_case_refs(store) == ["G-1", "G-2"]
    [error] = report.errors
    assert (error.line, error.field, error.reason) == (3, "surname", "not valid UTF-8")


def test_a_file_saved_as_windows_1252_is_explained_once(store, encoder):
    rows = [good("W-1", "Ştefania", "Kovács"), good("W-2", "Ana", "Pop"),
            good("W-3", "Zsófia", "Szőke")]
    data = csv_bytes(rows).decode("utf-8").encode("cp1250")  # what Excel writes in the East
    report = run(data, store, encoder)
    assert stored_case_refs(store) == ["W-2"]
    assert [e.line for e in report.errors] == [2, 4]
    [advice] = report.advice()
    assert advice.startswith("2 row(s) are not UTF-8") and '"CSV UTF-8"' in advice
    assert "--encoding windows-1252" in advice


WESTERN = [good("W-1", "Zoë", "Müller"), good("W-2", "Ana", "Pop"),
           good("W-3", "Renée", "Françoise Dubois")]


def test_a_windows_1252_file_reads_as_the_same_identities_when_the_operator_says_so(
        store, encoder):
    utf8 = csv_bytes(WESTERN)
    assert run(utf8, store, encoder).imported == 3
    report = import_csv(utf8.decode().encode("cp1252"), store, encoder, TODAY,
                        encoding="windows-1252")
    assert (report.imported, report.unchanged, report.rejected) == (0, 3, 0)  # same content
    assert report.advice() == []


def test_a_utf8_file_said_to_be_windows_1252_is_refused_naming_the_line(store, encoder):
    with pytest.raises(CsvFileError, match=r"^line 2: holds UTF-8 letters.*without --encoding"):
        import_csv(csv_bytes(WESTERN), store, encoder, TODAY, encoding="windows-1252")
    assert stored_case_refs(store) == []


def test_a_byte_windows_1252_leaves_unassigned_refuses_only_its_row(store, encoder):
    data = csv_bytes([good("G-1")]) + b"B-1,2026-01-01,Ana,Pop\x81scu,\n"
    report = import_csv(data, store, encoder, TODAY, encoding="windows-1252")
    assert stored_case_refs(store) == ["G-1"]
    assert [str(e) for e in report.errors] == ["line 3: surname: contains control characters"]


def test_an_unknown_encoding_refuses_the_file(store, encoder):
    with pytest.raises(CsvFileError, match="unknown encoding 'latin-2'"):
        import_csv(csv_bytes([good("G-1")]), store, encoder, TODAY, encoding="latin-2")


def test_no_advice_when_every_row_is_utf8(store, encoder):
    assert run(csv_bytes([good("U-1")]), store, encoder).advice() == []


def test_duplicated_case_ref_within_file_keeps_the_first(store, encoder):
    report = run(csv_bytes([good("D-1"), good("D-1", "Elena")]), store, encoder)
    assert report.imported == 1
    [error] = report.errors
    assert error.line == 3 and "repeats line 2 with other content" in error.reason


def test_a_row_repeated_word_for_word_in_one_file_is_unchanged_not_refused(store, encoder):
    # an export of overlapping periods, or one pasted twice: as when it comes again later
    again = [c if i != 2 else f" {c} " for i, c in enumerate(good("D-1"))]  # spaces around
    report = run(csv_bytes([good("D-1"), good("D-2"), again, good("D-1")]), store, encoder)
    assert (report.imported, report.unchanged, report.errors) == (2, 2, [])
    assert stored_case_refs(store) == ["D-1", "D-2"]


def test_line_numbers_count_physical_lines_of_quoted_newlines(store, encoder):
    rows = [["G-1", "2026-01-01", "Ana\nMaria", "Pop", ""], ["B-1", "nope", "Ana", "Pop", ""]]
    report = run(csv_bytes(rows), store, encoder)
    assert report.imported == 1  # the cell of two lines is read, and takes up two lines
    assert [(e.line, e.field) for e in report.errors] == [(4, "observed_on")]


@pytest.mark.parametrize("broken", ["Chișinău\nMoldova", "Chișinău\r\nMoldova",
                                    "Chișinău\rMoldova", "Chișinău\tMoldova"])
def test_a_line_break_or_tab_inside_a_cell_is_a_space(store, encoder, broken):
    # Excel's Alt+Enter in a cell: before, the row was refused for control characters
    header = [*HEADER, "place_of_birth"]
    names = ("Ana\r\nMaria", "Pop\tescu") if "\t" in broken else ("Ana\nMaria", "Popescu")
    row = dict(zip(header, ["L-1", "2026-03-01", *names, "14-03-1998", broken], strict=True))
    spaced = {name: re.sub(r"\r\n|[\r\n\t]", " ", value) for name, value in row.items()}
    assert spaced["place_of_birth"] == "Chișinău Moldova"
    assert parse_row(2, row, TODAY).subject == parse_row(2, spaced, TODAY).subject
    # quoted as spreadsheets write such a cell (csv.writer leaves a lone \r unquoted)
    data = (",".join(header) + "\n" + ",".join(f'"{v}"' for v in row.values()) + "\n"
            + ",".join(good("L-3")) + ",\n" + "L-4,nope,Ana,Pop,,\n").encode()
    report = run(data, store, encoder)
    assert report.imported == 2
    # line numbers stay the file's own after a row of several lines (two breaks, or one)
    after = 2 + (2 if "\t" in broken else 3) + 1
    assert [(e.line, e.field) for e in report.errors] == [(after, "observed_on")]


@pytest.mark.parametrize("control", ["\x00", "\x0b", "\x0c", "\x1b", "\x85"])
def test_other_control_characters_still_refuse_the_row(control):
    row = dict(zip(HEADER, ["L-2", "2026-03-01", "Ana", f"Pop{control}escu", ""], strict=True))
    with pytest.raises(RowError, match=r"^line 2: surname: contains control characters$"):
        parse_row(2, row, TODAY)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-8"])
def test_excels_unicode_text_export_is_read(store, encoder, codec):
    # "Unicode text": tab-separated UTF-16 with a byte-order mark ("utf-16-be" gets one
    # written by hand; "utf-8": a tab-separated file without one)
    text = "\t".join(HEADER) + "\n" + "\t".join(good("U-1", "Ștefania", "Țurcanu")) + "\n"
    data = text.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    report = run(data, store, encoder)
    assert (report.imported, report.rejected) == (1, 0)
    utf8 = run(csv_bytes([good("U-1", "Ștefania", "Țurcanu")]), store, encoder)
    assert utf8.unchanged == 1  # the same identity as the comma-separated UTF-8 row


def test_a_broken_last_byte_of_utf16_costs_only_its_field(store, encoder):
    text = "\t".join(HEADER) + "\n" + "\t".join(good("U-1")) + "\n" + "\t".join(
        good("U-2", "Ana", "Pop"))
    report = run(text.encode("utf-16") + b"\x00", store, encoder)
    assert stored_case_refs(store) == ["U-1", "U-2"]
    assert report.errors == []
    assert [(note.line, note.field) for note in report.notes] == [(3, "date_of_birth")]


def test_column_names_may_be_written_with_spaces_or_hyphens(store, encoder):
    header = ["Case ref", "Observed-on", "GIVEN NAMES", "surname", "Date of birth"]
    report = run(csv_bytes([good("H-1")], header), store, encoder)
    assert (report.imported, report.rejected) == (1, 0)


def test_empty_lines_above_the_header_are_skipped_and_counted(store, encoder):
    bad_date = ["E-2", "31-02-2026", "Ana", "Pop", ""]
    data = b";;;\r\n\r\n" + csv_bytes([good("E-1"), bad_date])
    report = run(data, store, encoder)
    assert stored_case_refs(store) == ["E-1"]
    assert [(e.line, e.field) for e in report.errors] == [(5, "observed_on")]  # the file's


def test_a_title_above_the_header_is_skipped_and_counted(store, encoder):
    data = b"Controles januari 2026,,,,\nGemeente Utrecht,,,,\n" + csv_bytes(
        [good("T-1"), ["T-2", "31-02-2026", "Ana", "Pop", ""]])
    report = run(data, store, encoder)
    assert stored_case_refs(store) == ["T-1"]
    assert [(e.line, e.field) for e in report.errors] == [(5, "observed_on")]


def test_semicolon_separated_export_is_read(store, encoder):
    data = (b"case_ref;observed_on;given_names;surname;signals\n"
            b"S-1;01-03-2026;Ana Maria;Popescu;unlicensed\n")
    report = run(data, store, encoder)
    assert (report.imported, report.rejected) == (1, 0)


@pytest.mark.parametrize("written", ["unlicensed;not_from_nl", "unlicensed, not_from_nl",
                                     "Unlicensed | not_from_nl", "unlicensed not_from_nl;"])
def test_signal_codes_may_be_listed_with_any_separator(written):
    header = [*HEADER, "signals"]
    row = dict(zip(header, [*good("S-3"), written], strict=True))
    assert parse_row(2, row, TODAY).signals == ("not_from_nl", "unlicensed")


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_excels_separator_hint_line_is_obeyed_and_counted(store, encoder, newline):
    data = newline.join([b"sep=;", b"case_ref;observed_on;given_names;surname;date_of_birth",
                         b"S-1;01-03-2026;Ana, Maria;Popescu;14-03-1998",
                         b"S-2;31-02-2026;Elena;Ionescu;14-03-1998", b""])
    report = run(data, store, encoder)
    assert stored_case_refs(store) == ["S-1"]
    [error] = report.errors
    assert (error.line, error.field) == (4, "observed_on")  # the file's own line 4


def test_empty_spreadsheet_columns_after_the_last_are_ignored(store, encoder):
    data = (b"case_ref;observed_on;given_names;surname;;;\n"
            b"E-1;01-03-2026;Ana;Pop;;;\n"
            b"E-2;01-03-2026;Elena;Ionescu\n"
            b"E-3;01-03-2026;Maria;Popa;;x;\n")
    report = run(data, store, encoder)
    assert stored_case_refs(store) == ["E-1", "E-2"]
    [error] = report.errors
    assert str(error) == "line 4: row: has 7 fields, the header has 4"


def test_a_value_wrapped_as_excel_text_is_its_text():
    header = [*HEADER, "phone", "document_number"]
    row = dict(zip(header, [*good("X-1"), '="0612345678"', '="AB123456"'], strict=True))
    parsed = parse_row(2, row, TODAY)
    assert parsed.entities == [("phone", "+31612345678")]
    assert parsed.subject.document_number == "AB123456"


@pytest.mark.parametrize("formula", ['=HYPERLINK("x")', '="a"&"b"', "=1+1"])
def test_any_other_formula_is_still_refused(formula):
    header = [*HEADER, "advert_id"]
    row = dict(zip(header, [*good("X-2"), formula], strict=True))
    with pytest.raises(RowError, match="starts like a spreadsheet formula"):
        parse_row(2, row, TODAY)


def test_an_empty_column_name_between_others_is_still_refused(store, encoder):
    with pytest.raises(CsvFileError) as refused:
        run(b"case_ref,observed_on,,given_names,surname\n", store, encoder)
    # before: "unknown column(s):  (allowed: ...)", naming nothing
    assert str(refused.value) == ("line 1: column 3 has no name (name the column, or delete it "
                                  "if it is empty)")


def test_a_bad_header_after_the_hint_is_named_by_its_own_line(store, encoder):
    with pytest.raises(CsvFileError, match=r"^line 2: unknown column"):
        run(b"sep=,\ncase_ref,observed_on,given_names,surname,voornaam\n", store, encoder)


@pytest.mark.parametrize("marker", ["-", "n/a", "N.v.t.", "?"])
def test_not_recorded_markers_read_as_empty(store, encoder, marker):
    header = [*HEADER, "phone", "setting", "licensed"]
    report = run(csv_bytes([[*good("M-1")[:4], marker, marker, marker, marker]], header),
                 store, encoder)
    assert (report.imported, report.rejected) == (1, 0)


@pytest.mark.parametrize("unknown", ["onbekend", "Unknown", "geen", "N.B.", "niet bekend"])
def test_unknown_written_out_is_no_value_outside_the_names(unknown):
    header = [*HEADER, "document_number", "vehicle_plate", "nationality", "phone",
              "address_postcode", "address_number", "advert_id"]
    row = dict(zip(header, ["U-1", "2026-03-01", "Ana", "Pop", unknown, unknown, unknown,
                            unknown, unknown, unknown, unknown, unknown], strict=True))
    parsed = parse_row(2, row, TODAY)
    assert parsed.subject.date_of_birth is None
    assert parsed.subject.document_number is None  # not a document every "onbekend" shares
    assert parsed.subject.nationality is None
    assert parsed.entities == []  # no network through plate "geen" or phone "onbekend"


@pytest.mark.parametrize("placeholder", ["0000-00-00", "00-00-0000", "00.00.0000",
                                         "01-01-1900", "1900-01-01 00:00:00"])
def test_a_placeholder_date_of_birth_is_no_date(placeholder):
    row = dict(zip(HEADER, ["D-1", "2026-03-01", "Ana", "Pop", placeholder], strict=True))
    assert parse_row(2, row, TODAY).subject.date_of_birth is None


@pytest.mark.parametrize("part_known", ["00-00-1998", "00-03-1998", "0-3-1998", "1998-03-00",
                                        "1998-00-00", "00.00.1998", "19980000", "19980300",
                                        "00000000", "00031998"])
def test_a_date_of_birth_known_in_part_is_no_date_and_the_row_is_kept(part_known):
    # the BRP writes an unknown day or month as 00; only whole dates are encoded
    row = dict(zip(HEADER, ["D-2", "2026-03-01", "Ana", "Pop", part_known], strict=True))
    assert parse_row(2, row, TODAY).subject.date_of_birth is None


@pytest.mark.parametrize("in_part", ["1998", "03-1998", "3/1998", "1998-03", "maart 1998",
                                     "Mar. 1998", "mrt-1998"])
def test_a_year_alone_or_a_month_and_year_is_no_date_and_the_row_is_kept(in_part):
    row = dict(zip(HEADER, ["D-6", "2026-03-01", "Ana", "Pop", in_part], strict=True))
    assert parse_row(2, row, TODAY).subject.date_of_birth is None


@pytest.mark.parametrize("guessed", ["ca. 1998", "circa 1998", "± 1998", "plm. 1998",
                                     "ongeveer 03-1998", "1998?", "14-03-1998?",
                                     "14-03-1998 (geschat)", "ca. 14 maart 1998"])
def test_a_guessed_date_of_birth_is_no_date_and_the_row_is_kept(guessed):
    # a guess read as a whole date would count against her real date of birth
    row = dict(zip(HEADER, ["D-7", "2026-03-01", "Ana", "Pop", guessed], strict=True))
    assert parse_row(2, row, TODAY).subject.date_of_birth is None


@pytest.mark.parametrize(("written", "reason"), [
    ("2027", "after the date of the control"), ("ca. 1875", "before 1900"),
    ("00-00-2027", "after the date of the control"),
    ("31-02-1998?", "not a valid date"), ("ca.", "not a valid date"),
])
def test_a_year_that_cannot_be_hers_is_no_date_either(written, reason):
    row = dict(zip(HEADER, ["D-8", "2026-03-01", "Ana", "Pop", written], strict=True))
    parsed = parse_row(2, row, TODAY)
    assert parsed.subject.date_of_birth is None
    [note] = parsed.notes
    assert str(note).startswith(f"line 2: date_of_birth: {reason}")
    assert str(note).endswith(BIRTH_DROPPED)
    with pytest.raises(RowError, match=f"date_of_birth: {reason}"):
        parse_row(2, row, TODAY, strict=True)


@pytest.mark.parametrize("compact", ["19980513", "13051998"])
def test_a_date_of_birth_written_as_eight_digits_is_read(compact):
    # the BRP's own form (year first) and a day-first one; only one of them is a date
    row = dict(zip(HEADER, ["D-5", "20260301", "Ana", "Pop", compact], strict=True))
    subject = parse_row(2, row, TODAY).subject
    assert subject.date_of_birth == dt.date(1998, 5, 13)


@pytest.mark.parametrize("swapped", ["05-13-1998", "1998-13-05", "5/13/1998"])
def test_a_date_of_birth_written_month_first_keeps_the_sighting(swapped):
    row = dict(zip(HEADER, ["D-4", "2026-03-01", "Ana", "Pop", swapped], strict=True))
    assert parse_row(2, row, TODAY).subject.date_of_birth == dt.date(1998, 5, 13)


@pytest.mark.parametrize("impossible", ["00-13-1998", "01-00-1998", "1998-13-00"])
def test_a_date_of_birth_with_only_a_month_out_of_range_is_not_read(impossible):
    row = dict(zip(HEADER, ["D-3", "2026-03-01", "Ana", "Pop", impossible], strict=True))
    with pytest.raises(RowError, match="line 2: date_of_birth: not a valid date"):
        parse_row(2, row, TODAY, strict=True)
    assert parse_row(2, row, TODAY).subject.date_of_birth is None


@pytest.mark.parametrize("when", ["2026-03-01 14:30", "01-03-2026 09:05:59", "2026-03-01T23:59",
                                  "1 maart 2026", "01-mrt-2026 10:00", "2026-03-01T14:30:00Z",
                                  "2026-03-01T14:30:00+01:00", "01-03-2026 2:30 PM",
                                  "March 1, 2026", "01-03-26"])
def test_the_control_date_may_carry_its_time_of_day(when):
    row = dict(zip(HEADER, ["T-1", when, "Ana", "Pop", "14 maart 1998"], strict=True))
    parsed = parse_row(2, row, TODAY)
    assert parsed.observed_on == dt.date(2026, 3, 1)
    assert parsed.subject.date_of_birth == dt.date(1998, 3, 14)


def test_a_time_of_day_on_a_date_of_birth_is_refused_without_the_value():
    row = dict(zip(HEADER, ["T-2", "2026-03-01", "Ana", "Pop", "1998-03-14 10:00"], strict=True))
    with pytest.raises(RowError) as caught:
        parse_row(2, row, TODAY, strict=True)
    assert str(caught.value) == ("line 2: date_of_birth: not a valid date "
                                 "(use DD-MM-YYYY or YYYY-MM-DD)")


@pytest.mark.parametrize(("field", "written", "read"), [
    ("given_names", "Ana (Ani)", "Ana"),
    ("given_names", "Ana Maria (roepnaam Ani)", "Ana Maria"),
    ("given_names", "Ana [Ani] Maria", "Ana Maria"),
    ("given_names", 'Maria "Mia"', "Maria"),
    ("given_names", "Maria?", "Maria"),
    ("given_names", "Ana Maria / Anna", "Ana Maria"),
    ("given_names", "/ Anna", "Anna"),
    ("surname", "Popescu (geb. Ionescu)", "Popescu"),
    ("surname", "Popescu?", "Popescu"),
    ("surname", "Pope?cu", "Popecu"),  # a letter Windows-1252 could not hold
    ("given_names", "?tefania Maria?", "tefania Maria"),
    ("companion_surname", "Dumitru (?)", "Dumitru"),
    ("given_names", "Elena alias Lena", "Elena"),
    ("given_names", "Elena a.k.a. Lena", "Elena"),
    ("given_names", "Maria roepnaam Mia", "Maria"),
    ("surname", "Ionescu geb. Popa", "Ionescu"),
    ("surname", "Ionescu e.v. Popa", "Ionescu"),
    ("surname", "Nagy Wed. Kovacs", "Nagy"),
    ("given_names", "Ana (Ani) alias Anca", "Ana"),
    ("given_names", "alias Lena", "Lena"),  # only a name she goes by: the word goes
    ("surname", "geb. Popa", "Popa"),
    ("given_names", "Aka Chioma", "Aka Chioma"),  # Aka is a given name too
    ("surname", "Ionescu născută Popa", "Ionescu"),
    ("surname", "Okafor née Eze", "Okafor"),
    ("surname", "Okafor nee Eze", "Okafor"),
    ("surname", "Popescu căs. Ionescu", "Popescu"),
    ("surname", "Ionescu (fostă Popescu)", "Ionescu"),
    ("surname", "Kovácsné szül. Nagy", "Kovácsné"),
    ("surname", "v/d Berg", "vd Berg"),  # van der, not "v or d Berg"
    ("surname", "v.d. Berg", "vd Berg"),
    ("surname", "v/h Hof", "van het Hof"),
])
def test_a_note_written_beside_a_name_is_not_part_of_it(field, written, read):
    header = [*HEADER, "companion_given_names", "companion_surname"]
    row = dict(zip(header, [*good("N-1"), "Ion", "Dumitru"], strict=True))
    row[field] = written
    parsed = parse_row(2, row, TODAY)
    named = parsed.companion if field.startswith("companion") else parsed.subject
    attribute = field.removeprefix("companion_")
    assert getattr(named, attribute) == read


@pytest.mark.parametrize("name", ["Akamaru", "Wedding", "Elena Alias", "Gebhard"])
def test_a_word_that_only_looks_like_an_alias_marker_stays(name):
    row = dict(zip(HEADER, [*good("N-4")], strict=True))
    row["given_names"] = name
    assert parse_row(2, row, TODAY).subject.given_names == name


@pytest.mark.parametrize("only_a_note", ["(onbekend)", "?", "(?)", "[Ani]"])
def test_a_name_that_is_only_a_note_is_an_empty_name(only_a_note):
    row = dict(zip(HEADER, [*good("N-2")], strict=True))
    row["given_names"] = only_a_note
    parsed = parse_row(2, row, TODAY)
    assert parsed.subject.given_names == ""
    assert parsed.notes == (RowNote(2, "given_names", NAME_PART_EMPTY),)


@pytest.mark.parametrize("still_refused", ["Maria 2", "Ana & Maria", "(Ana", "Popescu; Ionescu",
                                           "Maria ! Ana", "Ana 4"])
def test_other_characters_in_a_name_still_refuse_the_row(still_refused):
    row = dict(zip(HEADER, [*good("N-3")], strict=True))
    row["given_names"] = still_refused
    with pytest.raises(RowError, match="contains characters that do not occur in names"):
        parse_row(2, row, TODAY)


def test_a_document_number_of_zeros_is_a_placeholder():
    header = [*HEADER, "document_number"]
    row = dict(zip(header, [*good("Z-1"), "000000"], strict=True))
    assert parse_row(2, row, TODAY).subject.document_number is None
    row = dict(zip(header, [*good("Z-1"), "A000000"], strict=True))
    assert parse_row(2, row, TODAY).subject.document_number == "A000000"


def test_unknown_in_a_name_field_follows_the_name_rules():
    row = dict(zip(HEADER, ["U-2", "2026-03-01", "Maria", "Onbekend", ""], strict=True))
    assert parse_row(2, row, TODAY).subject.given_names == "Maria"  # kept; Maria encodes


def test_a_marker_in_a_name_field_is_an_empty_name_part(store, encoder):
    report = run(csv_bytes([["M-1", "2026-03-01", "-", "Popescu", ""]]), store, encoder)
    assert (report.imported, report.errors) == (1, [])
    assert report.notes == [RowNote(2, "given_names", NAME_PART_EMPTY)]


def test_a_name_part_she_did_not_give_is_kept_and_noted(store, encoder):
    report = run(csv_bytes([["M-1", "2026-03-01", "", "Popescu", "14-03-1990"],
                            ["M-2", "2026-03-01", "onbekend", "Popescu", "14-03-1990"],
                            ["M-3", "2026-03-01", "Ana", "", "14-03-1990"]]),
                 store, encoder)
    assert (report.imported, report.errors) == (3, [])
    # "onbekend" says so on purpose; an empty cell may be a column lost in an export
    assert [(note.line, note.field) for note in report.notes] == [(2, "given_names"),
                                                                  (4, "surname")]
    blank, unknown = (encoding_pb2.EncodedSighting.FromString(encoded_of(store, ref))
                      for ref in ("M-1", "M-2"))
    assert blank.subject == unknown.subject  # an empty cell encodes as "onbekend" does


def test_a_row_without_any_name_is_refused(store, encoder):
    report = run(csv_bytes([["M-1", "2026-03-01", "", "", "14-03-1990"],
                            ["M-2", "2026-03-01", "Mevr.", "onbekend", "14-03-1990"]]),
                 store, encoder)
    assert [(error.line, error.field) for error in report.errors] == [(2, "given_names"),
                                                                      (3, "given_names")]
    assert report.errors[0].reason == NO_NAME
    assert (report.imported, report.notes) == (0, [])


@pytest.mark.parametrize(("postcode", "number", "empty"), [("1012 AB", "", "address_number"),
                                                            ("", "12", "address_postcode")])
def test_half_an_address_is_left_out_and_the_row_kept(store, encoder, postcode, number, empty):
    header = [*HEADER, "address_postcode", "address_number", "phone"]
    row = dict(zip(header, [*good("H-1"), postcode, number, "0612345678"], strict=True))
    parsed = parse_row(2, row, TODAY)
    assert parsed.entities == [("phone", "+31612345678")]  # no address token of half of one
    assert parsed.notes == (RowNote(2, empty, ADDRESS_HALF),)
    report = run(csv_bytes([list(row.values())], header), store, encoder)
    assert (report.imported, report.errors, report.notes) == (1, [], list(parsed.notes))


def test_a_two_digit_year_of_birth_is_read_against_the_control_date():
    written = dict(zip(HEADER, ["Y-1", "2026-03-01", "Ana", "Pop", "14-03-98"], strict=True))
    whole = {**written, "date_of_birth": "14-03-1998"}
    assert parse_row(2, written, TODAY).subject == parse_row(2, whole, TODAY).subject
    ambiguous = {**written, "date_of_birth": "14-03-22"}  # 4 or 104 years old
    with pytest.raises(RowError, match="date_of_birth: not a valid date"):
        parse_row(2, ambiguous, TODAY, strict=True)
    assert parse_row(2, ambiguous, TODAY).subject.date_of_birth is None


@pytest.mark.parametrize(("setting", "licensed"), [("Window", "Vergund"), ("street", "F")])
def test_common_synonyms_for_setting_and_licence(store, encoder, setting, licensed):
    header = [*HEADER, "setting", "licensed"]
    report = run(csv_bytes([[*good("Y-1"), setting, licensed]], header), store, encoder)
    assert (report.imported, report.rejected) == (1, 0)


def test_an_unread_setting_licence_or_gemeente_is_never_quoted():
    # an export missing a separator moves the name and date of birth into these columns
    header = [*HEADER, "setting", "licensed", "gemeente"]
    row = dict(zip(header, [*good("S-3"), "Zyxwvutsrqa", "14-05-1998", "GM0363"],
                   strict=True))
    said = " ".join(str(note) for note in parse_row(2, row, TODAY).notes)
    assert "setting: not one of" in said and "licensed: not ja/nee" in said
    assert "zyxwvutsrqa" not in said.lower() and "1998" not in said


@pytest.mark.parametrize(("written", "setting"), [
    ("Raamprostitutie", "raam"), ("tippelzone", "straat"), ("Thuiswerk", "woning"),
    ("privéhuis", "club"), ("Massagesalon", "club"), ("escortbedrijf", "escort"),
    ("webcam", "online"), ("hotelkamer", "hotel"), ("club", "club"),
])
def test_the_branchs_own_words_for_a_setting_are_understood(written, setting):
    header = [*HEADER, "setting"]
    row = dict(zip(header, [*good("S-1"), written], strict=True))
    assert parse_row(2, row, TODAY).setting == setting


@pytest.mark.parametrize(("written", "licensed"), [
    ("niet vergund", False), ("Zonder vergunning", False), ("met vergunning", True)])
def test_a_licence_written_out_is_understood(written, licensed):
    header = [*HEADER, "licensed"]
    row = dict(zip(header, [*good("L-1"), written], strict=True))
    assert parse_row(2, row, TODAY).licensed is licensed


@pytest.mark.parametrize("case_ref", ["GM0363-2026-0042", "2026/0042", "Zaak 2026 #42 (her)",
                                      "C.1:2_3+4", "A" * 64])
def test_a_case_reference_is_kept_as_the_case_system_writes_it(case_ref):
    # node sightings gives it back as written: it is how the gemeente finds its case
    row = dict(zip(HEADER, good(case_ref), strict=True))
    assert parse_row(2, row, TODAY).case_ref == case_ref


@pytest.mark.parametrize("case_ref", ["#42", "(42)", "Zaak; 42", "Zaak\u00e9 42"])
def test_a_case_reference_outside_the_characters_refuses_the_row(case_ref):
    row = dict(zip(HEADER, good(case_ref), strict=True))
    with pytest.raises(RowError, match=r"^line 2: case_ref: start with a letter or digit"):
        parse_row(2, row, TODAY)


def test_a_control_field_that_cannot_be_read_keeps_the_control_without_it_and_says_so():
    # refusing the row would lose the control to the carousel and network rules too
    header = [*HEADER, "setting", "licensed", "signals"]
    row = dict(zip(header, [*good("S-2"), "kermis", "misschien", "überwacht;unlicensed"],
                   strict=True))
    parsed = parse_row(2, row, TODAY)
    assert (parsed.setting, parsed.licensed, parsed.signals) == (None, None, ("unlicensed",))
    assert [str(note) for note in parsed.notes] == [
        f"line 2: {field}: {reason}: the control is kept without it; the alerts read it, so "
        "correct it (`node correct`)" for field, reason in (
            ("setting", "not one of woning, hotel, raam, club, escort, straat, online"),
            ("licensed", "not ja/nee (yes/no)"))] + [
        f"line 2: signals: 1 {UNLISTED_SIGNALS} left out (not sent); add them to "
        "signals.toml on hub and nodes if they are signal codes"]
    # someone typing it in is told instead, and can type it again
    with pytest.raises(RowError, match=r"^line 2: setting: not one of woning"):
        parse_row(2, row, TODAY, strict=True)


@pytest.mark.parametrize(("written", "setting"), [
    ("Escort service", "escort"), ("massage-parlour", "club"), ("Hotel room", "hotel"),
    ("Raam", "raam"), ("window (red light)", "raam"), ("raam - wallen", "raam"),
    ("privé woning", "woning"), ("Airbnb", "woning"), ("hotel (kamer 214)", "hotel"),
    ("escort (thuisbezoek)", "escort"), ("online advertentie", "online"),
    ("thaise massage", "club"), ("hotel kamer", "hotel")])
def test_a_setting_written_in_words_is_understood(written, setting):
    row = dict(zip([*HEADER, "setting"], [*good("S-3"), written], strict=True))
    assert parse_row(2, row, TODAY).setting == setting


def _one_row_at_a_time(parsed, encoder, also=()):
    """encode_sighting as it was before batches: every identity on its own."""
    from zichtlijn import wire

    message = encoding_pb2.EncodedSighting(
        observed_on=parsed.observed_on.isoformat(),
        setting=wire.setting_to_wire(parsed.setting), signals=list(parsed.signals),
        epoch=encoder.epoch, schema_fingerprint=encoder.schema.fingerprint,
        subject=wire.identity_to_wire(encoder.encode_identity(parsed.subject)))
    if parsed.licensed is not None:
        message.licensed = parsed.licensed
    if parsed.companion is not None:
        message.companions.append(wire.identity_to_wire(encoder.encode_identity(parsed.companion)))
    for kind, value in parsed.entities:
        message.entities.append(encoding_pb2.EntityToken(
            kind=wire.ENTITY_KINDS[kind], token=encoder.entity_token(kind, value)))
    for other in also:
        single = _one_row_at_a_time(parsed, other)
        message.other_epochs.append(encoding_pb2.EpochEncoding(
            epoch=single.epoch, subject=single.subject, companions=single.companions,
            entities=single.entities))
    return message


@pytest.mark.parametrize("chunk_rows", [7, 1000])
def test_batched_import_stores_what_row_by_row_encoding_gives(store, monkeypatch, chunk_rows):
    """Companions, entities, a second epoch, bad rows between good ones, chunk edges."""
    from linkage.encode import Encoder
    from linkage.keys import derive_purpose_keys
    from linkage.schema import default_schema
    from node import importer
    from node.csv_import import RowError, parse_row
    from tests.benchmarks.carousel import carousel

    monkeypatch.setattr(importer, "CHUNK_ROWS", chunk_rows)
    rows = next(iter(carousel(150, seed=3).rows_by_gemeente.values()))
    rows = [*rows, {**rows[0], "given_names": "Other"},
            {**rows[1], "case_ref": "BAD-1", "observed_on": "x"}]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    current = Encoder(default_schema(), derive_purpose_keys(b"\x05" * 32, 2))
    older = Encoder(default_schema(), derive_purpose_keys(b"\x05" * 32, 1))
    report = import_csv(out.getvalue().encode(), store, current, TODAY, also=[older])

    assert [(e.line, e.field) for e in report.errors][-2:] == [
        (len(rows), "case_ref"), (len(rows) + 1, "observed_on")]
    fresh_current = Encoder(default_schema(), derive_purpose_keys(b"\x05" * 32, 2))
    fresh_older = Encoder(default_schema(), derive_purpose_keys(b"\x05" * 32, 1))
    checked = 0
    for line, row in enumerate(rows[:-2], start=2):
        try:
            parsed = parse_row(line, row, TODAY)
        except RowError:  # rows the importer rejected too
            continue
        stored = encoding_pb2.EncodedSighting.FromString(encoded_of(store, parsed.case_ref))
        stored.ClearField("sighting_uuid")
        assert stored == _one_row_at_a_time(parsed, fresh_current, [fresh_older])
        checked += 1
    assert checked == report.imported > 50
    assert any(store_row.companions for store_row in (
        encoding_pb2.EncodedSighting.FromString(encoded_of(store, r["case_ref"]))
        for r in rows[:-2] if encoded_of(store, r["case_ref"])))


@pytest.mark.parametrize(("field", "written", "like", "unlike"), [
    ("given_names", "Ma4ia", "Maria", "Elena"), ("surname", "P0pescu", "Popescu", "Radu"),
    ("given_names", "Ștef4nia", "Ștefania", "Elena")])
def test_a_digit_inside_a_name_word_is_a_typo_and_keeps_the_sighting(field, written, like,
                                                                      unlike, encoder):
    row = dict(zip(HEADER, [*good("N-4")], strict=True))
    row[field] = written
    subject = parse_row(2, row, TODAY).subject
    assert getattr(subject, field) == written  # kept as written, as a mistyped letter is
    typed = encoder.encode_identity(subject).name_filter
    right = encoder.encode_identity(replace(subject, **{field: like})).name_filter
    other = encoder.encode_identity(replace(subject, **{field: unlike})).name_filter
    # a typo, not another name (margins over 200 random keys: at least 0.12 and 0.78)
    assert _dice(typed, right) > max(0.7, _dice(typed, other) + 0.08)


def _dice(a: bytes, b: bytes) -> float:
    x, y = int.from_bytes(a, "little"), int.from_bytes(b, "little")
    return 2 * (x & y).bit_count() / (x.bit_count() + y.bit_count())


@pytest.mark.parametrize(("written", "read"), [
    ("mun. Chișinău", "Chișinău"), ("Chisinau, Republica Moldova", "Chisinau"),
    ("s. Cornești, r-nul Ungheni", "Cornești"), ("Lagos (Nigeria)", "Lagos"),
    ("гр. Пловдив", "Пловдив"), ("sat Cornești", "Cornești"),  # noqa: RUF001
    ("Satu Mare", "Satu Mare")])
def test_a_place_of_birth_is_compared_by_its_name_alone(written, read):
    header = [*HEADER, "place_of_birth"]
    row = dict(zip(header, [*good("P-1"), written], strict=True))
    assert parse_row(2, row, TODAY).subject.place_of_birth == read


def test_a_place_of_birth_that_is_only_a_qualifier_is_no_place():
    header = [*HEADER, "place_of_birth"]
    row = dict(zip(header, [*good("P-2"), "(Moldova)"], strict=True))
    assert parse_row(2, row, TODAY).subject.place_of_birth is None


@pytest.mark.parametrize(("written", "read"), [
    ("Mar!a", "Mara"), ("Pop&scu", "Popscu"), ("Ana_Maria", "Ana Maria"),
    ("Ana+Maria", "Ana Maria"),
    # at the edge of a word: a slip, or the inspector's mark
    ("Maria*", "Maria"), ("*Maria", "Maria"), ("Ana! Maria", "Ana Maria"),
    ("Ana Maria**", "Ana Maria"), ("Ana #Maria", "Ana Maria")])
def test_a_symbol_between_two_letters_is_a_slip_of_the_keyboard(written, read):
    row = dict(zip(HEADER, [*good("N-5")], strict=True))
    row["given_names"] = written
    assert parse_row(2, row, TODAY).subject.given_names == read


@pytest.mark.parametrize(("written", "read"), [
    ("Paspoort NP1234567", "NP1234567"), ("passport: NP1234567", "NP1234567"),
    ("ID-kaart nr. IXA123456", "IXA123456"), ("seria RX nr. 123456", "RX123456"),
    ("pas nr NP1234567", "NP1234567"),
    ("ID 1234567", "ID1234567")])  # a short word alone may be the number's own series
def test_a_document_number_is_read_without_the_words_around_it(written, read):
    header = [*HEADER, "document_number"]
    row = dict(zip(header, [*good("D-1"), written], strict=True))
    assert parse_row(2, row, TODAY).subject.document_number == read


def test_control_pattern_is_exactly_unicode_category_cc():
    import sys
    import unicodedata

    from node.csv_import import _CONTROL

    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        assert (unicodedata.category(ch) == "Cc") == bool(_CONTROL.match(ch)), hex(code)


def _old_check_name(value: str) -> str:
    """The per-character name check before the ASCII fast path (reference), with the
    rule for digits inside words of letters."""
    import unicodedata

    from linkage.normalise import fold
    from node.csv_import import _NAME_PUNCTUATION

    if not any(unicodedata.category(ch).startswith("L") for ch in value):
        return "contains no letters"
    for ch in value:
        if not (unicodedata.category(ch)[0] in "LM" or ch in _NAME_PUNCTUATION
                or ch in "0123456789"):
            return "contains characters that do not occur in names"
    # ASCII digits only inside words that have letters (words: split at name punctuation)
    words = "".join(" " if ch in _NAME_PUNCTUATION else ch for ch in value).split()
    if any(any(ch in "0123456789" for ch in word) and not any(ch.isalpha() for ch in word)
           for word in words):
        return "contains characters that do not occur in names"
    if not fold(value):  # a script the matcher cannot compare, or only a modifier apostrophe
        return ("has no Latin, Cyrillic or Greek letters; enter the name as in the Latin "
                "line of the passport")
    return value


_NAME_ALPHABET = "aZ -'.,\u2019\u00e9\u0301\u0219\u04141_\t\x7f\udc85=@+\u00aa\u02bc()?/\""


@given(st.text(alphabet=_NAME_ALPHABET, max_size=12) | st.text(max_size=8))
@settings(max_examples=600, deadline=None)
def test_name_and_text_checks_answer_as_per_character(value):
    from node.as_written import name_as_meant
    from node.csv_file import has_undecodable
    from node.csv_import import (
        _NULL_MARKERS,
        RowError,
        _check_name,
        _check_text,
    )

    assert has_undecodable(value) == any("\udc80" <= ch <= "\udcff" for ch in value)
    try:  # the text checks come first (control characters: the test above)
        checked = _check_text(7, "surname", value, MAX_NAME_CHARS)
    except RowError:
        return
    try:
        answer = _check_name(7, "surname", value)
    except RowError as error:
        answer = error.reason
    # notes beside a name (brackets, quotes, ?, /) are dropped before the characters count
    checked = name_as_meant(checked)
    checked = "" if checked.lower() in _NULL_MARKERS else checked
    assert answer == (_old_check_name(checked) if checked else "")


def test_a_greek_name_encodes_as_its_passport_spelling(store, encoder):
    greek = encoder.encode_identity(parse_row(2, dict(zip(HEADER, [
        "G-1", "2026-03-01", "Ελένη", "Παπαδοπούλου", "14-03-1998"], strict=True)), TODAY).subject)
    latin = encoder.encode_identity(parse_row(2, dict(zip(HEADER, [
        "G-1", "2026-03-01", "ELENI", "PAPADOPOULOU", "14-03-1998"], strict=True)), TODAY).subject)
    assert greek == latin
    report = run(csv_bytes([good("G-1", "Ελένη", "Παπαδοπούλου")]), store, encoder)
    assert (report.imported, report.rejected) == (1, 0)


def test_a_placeholder_companion_name_is_no_companion(store, encoder):
    header = [*HEADER, "companion_given_names", "companion_surname"]
    row = dict(zip(header, [*good("C-1"), "onbekend", ""], strict=True))
    assert parse_row(2, row, TODAY).companion is None
    row = dict(zip(header, [*good("C-1"), "Ion", "onbekend"], strict=True))
    assert parse_row(2, row, TODAY).companion.given_names == "Ion"


_SCRIPT_MIX = "aZ ș\u0301-'.Ελένηυ Юлия李محمدʼ"


@given(given_names=st.text(alphabet=_SCRIPT_MIX, max_size=10) | st.text(max_size=6),
       surname=st.text(alphabet=_SCRIPT_MIX, max_size=10) | st.text(max_size=6))
@settings(max_examples=400, deadline=None)
def test_every_name_the_checks_accept_can_be_encoded(given_names, surname):
    row = dict(zip(HEADER, ["A-1", "2026-03-01", given_names, surname, ""], strict=True))
    try:
        parsed = parse_row(2, row, TODAY)
    except RowError:
        return
    encoder = Encoder(default_schema(), derive_purpose_keys(b"\x07" * 32, 1))
    encoder.encode_identity(parsed.subject)  # a refusal here would stop a whole import


@pytest.mark.parametrize(("cell", "numbers"), [
    ("06/12345678", ["+31612345678"]),  # one Dutch number with a slash stays one
    ("06-12345678 / 06-87654321", ["+31612345678", "+31687654321"]),
    ("+40 721 234 567 (zus); 06 12345678", ["+40721234567", "+31612345678"]),
    ("06-12345678 of 06-87654321", ["+31612345678", "+31687654321"]),
    ("0612345678 (whatsapp)", ["+31612345678"]),
    ("06-12345678 whatsapp", ["+31612345678"]),  # a word of letters after it
    ("06-12345678, 06 1234 5678", ["+31612345678"]),  # the same number twice is one
])
def test_a_phone_cell_may_hold_several_numbers_and_a_note(cell, numbers):
    header = [*HEADER, "phone"]
    parsed = parse_row(2, dict(zip(header, [*good("P-1"), cell], strict=True)), TODAY)
    assert [value for kind, value in parsed.entities if kind == "phone"] == numbers


def test_a_phone_is_read_with_the_womans_nationality():
    header = [*HEADER, "nationality", "phone"]
    row = dict(zip(header, [*good("P-2"), "Roemeens", "0721 234 567 / 06-12345678"],
                   strict=True))
    phones = [value for kind, value in parse_row(2, row, TODAY).entities if kind == "phone"]
    assert phones == ["+40721234567", "+31612345678"]


@pytest.mark.parametrize(("field", "cell", "reason", "dropped"), [
    ("sex", "v/m", "unrecognised sex", lambda p: p.subject.sex is None),
    ("document_number", "%", "no letters or digits", lambda p: p.subject.document_number is None),
    ("vehicle_plate", "?!", "no letters or digits", lambda p: p.entities == []),
    ("address_postcode", "%", "no letters or digits", lambda p: p.entities == []),
    ("companion_surname", "Ana & Maria", "contains characters that do not occur in names",
     lambda p: p.companion is None),
    ("companion_date_of_birth", "01-01-1980", "given without a companion name",
     lambda p: p.companion is None),
])
def test_a_value_that_cannot_be_read_drops_the_field_not_the_control(field, cell, reason,
                                                                      dropped):
    # an export's control is kept and linked on the rest; the note names line and field
    beside = {"address_postcode": {"address_number": "12"},
              "companion_surname": {"companion_given_names": "Ion"}}.get(field, {})
    row = {**dict(zip(HEADER, good("D-1"), strict=True)), **beside, field: cell}
    parsed = parse_row(2, row, TODAY)
    assert dropped(parsed)
    assert parsed.subject.surname == "Popescu" and parsed.subject.date_of_birth is not None
    [note] = parsed.notes
    assert note.field == field and note.note.startswith(reason)
    assert note.note.endswith(COMPANION_DROPPED if field.startswith("companion_")
                              and field != "companion_date_of_birth" else FIELD_DROPPED)
    assert cell not in str(note)
    with pytest.raises(RowError, match=f"^line 2: {field}: {re.escape(reason)}"):
        parse_row(2, row, TODAY, strict=True)  # typed in: told, not kept


@pytest.mark.parametrize(("given", "surname", "field"), [
    ("Ana & Maria", "=HYPERLINK(1)", "companion_surname"),
    ("=1+1", "Ana & Maria", "companion_given_names"),
])
def test_text_that_is_no_text_refuses_the_row_beside_a_companion_that_is_only_dropped(
        given, surname, field):
    # a name of characters no name holds only drops the companion; a formula in either
    # of his cells refuses the control, whichever cell comes first
    row = {**dict(zip(HEADER, good("C-1"), strict=True)),
           "companion_given_names": given, "companion_surname": surname}
    with pytest.raises(RowError, match=f"^line 2: {field}: starts like a spreadsheet formula"):
        parse_row(2, row, TODAY)


@pytest.mark.parametrize(("cell", "reason", "kept"), [
    ("06-12345678 / bellen", "phone: unexpected characters", ["+31612345678"]),
    ("1/2/3/4/5", "phone: more than 4 numbers", []),
    ("ca. 06-12345678", "phone: unexpected characters", []),
    ("0612345678 ext 12", "phone: unexpected characters", []),  # an extension is no note
])
def test_a_phone_cell_with_something_else_keeps_the_row_and_its_numbers(cell, reason, kept):
    row = dict(zip([*HEADER, "phone"], [*good("P-1"), cell], strict=True))
    parsed = parse_row(2, row, TODAY)
    assert [value for kind, value in parsed.entities if kind == "phone"] == kept
    assert [str(note) for note in parsed.notes] == [f"line 2: {reason}: {FIELD_DROPPED}"]
    with pytest.raises(RowError, match=f"line 2: {reason}"):
        parse_row(2, row, TODAY, strict=True)


def test_the_import_command_says_the_advice_once_after_the_rows(tmp_path, pki, secret_file,
                                                                capsys):
    from tests.conftest import make_node
    from zichtlijn import cli

    config = make_node(tmp_path, pki, secret_file, "GM0363", 1)
    export = tmp_path / "export.csv"
    export.write_bytes(csv_bytes([good("W-1", "Ştefania"), good("W-2", "Ana"),
                                  good("W-3", "Zsófia")]).decode().encode("cp1250"))
    capsys.readouterr()
    assert cli.main(["node", "import", "--home", str(config.home), str(export)]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines()[:2] == [
        "export.csv: line 2: given_names: not valid UTF-8 (row refused)",
        "export.csv: line 4: given_names: not valid UTF-8 (row refused)"]
    assert captured.err.splitlines()[2].startswith("export.csv: 2 row(s) are not UTF-8")
    assert len(captured.err.splitlines()) == 3
    assert "imported 1, unchanged 0, rejected 2" in captured.out


def test_the_import_command_says_what_it_kept_without_and_succeeds(tmp_path, pki, secret_file,
                                                                    capsys):
    from tests.conftest import make_node
    from zichtlijn import cli

    config = make_node(tmp_path, pki, secret_file, "GM0363", 1)
    export = tmp_path / "export.csv"
    header = [*HEADER, "address_postcode", "address_number", "phone"]
    export.write_bytes(csv_bytes([[*good("K-1", surname=""), "", "", ""],
                                  [*good("K-2"), "1012 AB", "", ""],
                                  [*good("K-3"), "", "", "06-1234 5678 / bel na 5"]], header))
    capsys.readouterr()
    assert cli.main(["node", "import", "--home", str(config.home), str(export)]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"export.csv: line 2: surname: {NAME_PART_EMPTY}",
        f"export.csv: line 3: address_number: {ADDRESS_HALF}",
        f"export.csv: line 4: phone: unexpected characters: {FIELD_DROPPED}"]
    assert "imported 3, unchanged 0, rejected 0; 3 kept with a note" in captured.out


def test_the_import_command_reads_windows_1252_when_told(tmp_path, pki, secret_file, capsys):
    from tests.conftest import make_node
    from zichtlijn import cli

    config = make_node(tmp_path, pki, secret_file, "GM0363", 1)
    export = tmp_path / "export.csv"
    export.write_bytes(csv_bytes(WESTERN).decode().encode("cp1252"))
    home = ["--home", str(config.home)]
    assert cli.main(["node", "import", *home, "--encoding", "windows-1252", str(export)]) == 0
    assert "imported 3, unchanged 0, rejected 0" in capsys.readouterr().out
    assert cli.main(["node", "import", *home, str(export)]) == 1  # read as UTF-8: refused rows
    assert "unchanged 1, rejected 2" in capsys.readouterr().out


def test_the_import_command_names_the_file_whose_header_it_refuses(tmp_path, pki, secret_file,
                                                                   capsys):
    from tests.conftest import make_node
    from zichtlijn import cli

    config = make_node(tmp_path, pki, secret_file, "GM0363", 1)
    export = tmp_path / "controls.csv"
    export.write_bytes(b"case_ref,observed_on,voornaam,surname\nA-1,2026-03-01,Ana,Pop\n")
    capsys.readouterr()
    assert cli.main(["node", "import", "--home", str(config.home), str(export)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("zichtlijn: controls.csv: line 1: unknown column(s): voornaam")
    assert len(err.splitlines()) == 1
    store = NodeStore(config.db_path)
    assert store.listing() == []
    store.close()


_ANY_FIELD = "0123456789 -./:;,()[]\"'?=+@aAzZ\u00e9\u0219\u0416\t|E"


@given(field=st.sampled_from([c for c in COLUMNS if c != "case_ref"]),
       value=st.text(alphabet=_ANY_FIELD, max_size=24) | st.text(max_size=12))
@settings(max_examples=1500, deadline=None)
def test_any_value_in_any_field_is_read_or_refused_by_line_and_field(field, value):
    # what reaches the user is a RowError naming the line and the field, never a traceback
    header = list(dict.fromkeys([*HEADER, field]))
    row = dict(zip(header, [*good("F-1"), ""][: len(header)], strict=True))
    row[field] = value
    related = {"surname": "given_names"}  # a name needs a word
    try:
        parse_row(9, row, TODAY)
    except RowError as error:
        assert error.line == 9
        assert error.field in (field, related.get(field))


@pytest.mark.parametrize(("field", "written", "read"), [
    ("given_names", "Maria\u00a0Elena", "Maria Elena"),  # a no-break space from a web page
    ("given_names", "Maria\u2009Elena", "Maria Elena"),  # a thin space
    ("given_names", "Ma\u200bria", "Maria"),  # a zero-width space
    ("given_names", "Ma\u00adria", "Maria"),  # a soft hyphen
    ("given_names", "\ufeffMaria\u200e", "Maria"),  # a byte-order mark, a direction mark
    ("given_names", "Ana\u2013Maria", "Ana-Maria"),  # a word processor's en dash
    ("surname", "\u2013", None),  # a dash alone is "not recorded", as "-" is
])
def test_typography_from_copy_and_paste_is_read_as_typed(field, written, read):
    row = dict(zip(HEADER, [*good("T-1")], strict=True))
    row[field] = written
    if read is None:
        assert parse_row(2, row, TODAY).notes == (RowNote(2, field, NAME_PART_EMPTY),)
        return
    assert getattr(parse_row(2, row, TODAY).subject, field) == read


@pytest.mark.parametrize("written", ["14\u201303\u20131998", "14\u201103\u20111998",
                                     "14\u00a003\u00a01998"])
def test_a_date_with_typographic_dashes_or_spaces_is_read(written):
    row = dict(zip(HEADER, [*good("T-2")], strict=True))
    row["date_of_birth"] = written
    assert parse_row(2, row, TODAY).subject.date_of_birth == dt.date(1998, 3, 14)


def test_the_summary_counts_rows_kept_with_a_note_not_notes():
    notes = [RowNote(2, "sex", FIELD_DROPPED), RowNote(2, "phone", FIELD_DROPPED),
             RowNote(5, "surname", NAME_PART_EMPTY)]
    report = ImportReport(imported=4, notes=notes)
    assert report.summary() == "imported 4, unchanged 0, rejected 0; 2 kept with a note"
    assert ImportReport(imported=4).summary() == "imported 4, unchanged 0, rejected 0"


def test_a_repeat_of_a_row_left_out_for_its_age_is_left_out_again_not_counted_unchanged(
        store, encoder):
    from node.retention import PAST_RETENTION, LeftOut

    def too_old(parsed):
        return (LeftOut("observed_on", "older than the retention period", PAST_RETENTION)
                if parsed.case_ref == "D-1" else None)

    data = csv_bytes([good("D-1"), good("D-2"), good("D-1")])
    report = import_csv(data, store, encoder, TODAY, refuse=too_old)
    assert (report.imported, report.unchanged, report.errors) == (1, 0, [])
    assert [(n.line, n.field) for n in report.skip_notes] == [(2, "observed_on"),
                                                                (4, "observed_on")]
    # past the retention period is no error: an export of two years, imported nightly,
    # would otherwise fail every night
    assert report.summary() == "imported 1, unchanged 0, rejected 0, skipped 2 past the " \
                               "retention period"


def test_more_signal_codes_than_the_hub_holds_keeps_the_first_and_says_so():
    # free text in the signals column splits into words: refused at the hub, the whole
    # batch would fail to sync
    words = [f"word{i}" for i in range(MAX_SIGNALS + 5)]
    row = dict(zip([*HEADER, "signals"], [*good("S-4"), " ".join(words)], strict=True))
    parsed = parse_row(2, row, TODAY, frozenset(words))  # a catalogue that large
    assert len(parsed.signals) == MAX_SIGNALS
    assert [str(note) for note in parsed.notes] == [
        f"line 2: signals: {MAX_SIGNALS + 5} codes, more than {MAX_SIGNALS}: the first "
        f"{MAX_SIGNALS} are kept; correct it (`node correct`)"]


def test_the_most_a_row_can_carry_is_within_what_the_hub_takes(store, encoder):
    from hub.validate import validate_batch
    from linkage.schema import default_schema
    from node.importer import encode_sighting
    from zichtlijn import wire
    from zichtlijn.v1 import sync_pb2

    header = [*HEADER, "phone", "vehicle_plate", "address_postcode", "address_number",
              "advert_id", "signals", "companion_given_names", "companion_surname"]
    phones = " / ".join(f"06-1234 56{i:02d}" for i in range(10))
    plates = " / ".join(f"{i:02d}-ABC-{i}" for i in range(10))
    codes = [f"c{i}" for i in range(60)]
    row = dict(zip(header, [*good("M-1"), phones, plates, "1012 AB", "12", "adv-1 adv-2",
                            " ".join(codes), "Ion Vasile", "Rusu"],
                   strict=True))
    message = encode_sighting(parse_row(2, row, TODAY, frozenset(codes)), encoder)
    message.sighting_uuid = "6f1c8b0e-8c2e-4a8e-9d7e-2f0c6f7c9a10"
    validate_batch(sync_pb2.UploadBatch(batch_digest=wire.batch_digest([message]),
                                        sightings=[message]), default_schema(), TODAY)


@pytest.mark.parametrize("written", ["hotel of woning", "kermis", "(onbekend)"])
def test_a_setting_naming_none_or_several_is_not_guessed(written):
    row = dict(zip([*HEADER, "setting"], [*good("S-5"), written], strict=True))
    parsed = parse_row(2, row, TODAY)
    assert parsed.setting is None
    assert [n.field for n in parsed.notes] == (["setting"] if written != "(onbekend)" else [])


@pytest.mark.parametrize(("written", "licensed"), [
    ("geen vergunning", False), ("Nee (verlopen)", False), ("no licence", False),
    ("heeft vergunning", True), ("ja [raam 12]", True)])
def test_a_licence_in_an_inspectors_words_is_understood(written, licensed):
    row = dict(zip([*HEADER, "licensed"], [*good("L-2"), written], strict=True))
    assert parse_row(2, row, TODAY).licensed is licensed


def test_a_note_repeated_on_many_rows_is_shown_three_times_then_counted(store, encoder):
    # an export whose every row writes the licence one way: 2,000 identical notes would
    # hide the one note that matters
    header = [*HEADER, "licensed"]
    rows = [[*good(f"N-{i}"), "misschien"] for i in range(8)]
    rows.insert(4, [*good("N-x"), "ja"])  # line 6: read, no note
    report = import_csv(csv_bytes(rows, header), store, encoder, TODAY)
    said = report.note_lines()
    assert said[:3] == [f"line {n}: licensed: not ja/nee (yes/no): the control "
                        "is kept without it; the alerts read it, so correct it (`node correct`)"
                        for n in (2, 3, 4)]
    assert said[3:] == ["licensed: not ja/nee (yes/no): the control is kept "
                        "without it; the alerts read it, so correct it (`node correct`): 5 "
                        "more row(s) like this, lines 5 to 10"]


def test_a_name_in_question_marks_says_the_encoding_lost_its_letters(store, encoder):
    # Cyrillic saved by a spreadsheet as Windows-1252: the cells are not empty
    report = run(csv_bytes([["Q-1", "2026-03-01", "????", "??????", ""],
                            ["Q-2", "2026-03-01", "Ana", "?????", ""],
                            ["Q-3", "2026-03-01", "?", "Popa", ""]]), store, encoder)
    [refused] = report.errors
    assert str(refused) == ("line 2: given_names: written as question marks, letters the "
                            "file's encoding could not hold; save it as \"CSV UTF-8\" and "
                            "import it again")
    assert [str(note) for note in report.notes] == [
        "line 3: surname: written as question marks, letters the file's encoding could not "
        "hold: the row links on the rest (`node correct` can add it; save exports as "
        "\"CSV UTF-8\")",
        f"line 4: given_names: {NAME_PART_EMPTY}"]  # one "?" is "not recorded", as before


def saved_twice(name: str) -> str:
    """What a program that takes UTF-8 for Windows-1252 and saves it again writes."""
    return name.encode("utf-8").decode("cp1252")


def test_a_name_saved_twice_as_windows_1252_is_read_back(store, encoder):
    """Such a program writes Fehér with an A-tilde and a copyright sign in place of the
    e-acute. Those rows were refused as holding characters that occur in no name (an
    outsider's Eindhoven export lost all of them); they are read back to the name first
    written, and say so without quoting it."""
    rows = [["D-1", "2026-03-01", saved_twice("Ирина"), saved_twice("Fehér"), ""],
            ["D-2", "2026-03-01", "Ana", saved_twice("Șerban"), ""],
            ["D-3", "2026-03-01", "Ирина", "Fehér", ""],
            ["D-4", "2026-03-01", "Ana", "Șerban", ""]]
    report = run(csv_bytes(rows), store, encoder)
    assert report.errors == []
    notes = [str(note) for note in report.notes]
    assert notes == ["line 2: given_names: " + DOUBLE_ENCODED,
                     "line 2: surname: " + DOUBLE_ENCODED, "line 3: surname: " + DOUBLE_ENCODED]
    assert not any(letter in "".join(notes) for letter in "éИȘ")
    subjects = {ref: encoding_pb2.EncodedSighting.FromString(encoded_of(store, ref)
                                                             ).subject.name_filter
                for ref in ("D-1", "D-2", "D-3", "D-4")}
    assert subjects["D-1"] == subjects["D-3"] and subjects["D-2"] == subjects["D-4"]


@pytest.mark.parametrize("name", ["Müller", "Éva", "JOÃO", "João", "Françoise", "Ioana"])
def test_a_name_written_once_is_never_read_back(name):
    """Accented letters standing alone are never UTF-8: only a name saved twice changes."""
    assert undo_double_encoding(name) is None


def test_a_gemeente_column_keeps_this_nodes_rows_and_skips_the_others(store, encoder):
    # one export of several municipalities: each node takes its own rows, none is stored
    # twice, and the column itself is never stored
    header = [*HEADER, "gemeente"]
    rows = [[*good("G-1"), "GM0363"], [*good("G-2"), "GM0599"], [*good("G-3"), "0363"],
            [*good("G-4"), "599"], [*good("G-5"), ""], [*good("G-6"), "Amsterdam"]]
    report = import_csv(csv_bytes(rows, header), store, encoder, TODAY, gemeente="GM0363")
    assert stored_case_refs(store) == ["G-1", "G-3"]
    # a row naming no municipality would be imported by every node of the file: one
    # control, a sighting in each town
    assert [str(error) for error in report.errors] == [
        "line 6: gemeente: empty, in a file of several municipalities: write whose control "
        "it is",
        "line 7: gemeente: not a CBS code (GMxxxx), in a file of several "
        "municipalities: write whose control it is"]
    assert report.summary() == ("imported 2, unchanged 0, rejected 2, skipped 2 of other "
                                "municipalities (GM0599 2)")


def test_a_gemeente_column_of_this_node_alone_keeps_a_row_it_cannot_read(store, encoder):
    header = [*HEADER, "gemeente"]
    rows = [[*good("G-1"), "GM0363"], [*good("G-2"), ""], [*good("G-3"), "Amsterdam"]]
    report = import_csv(csv_bytes(rows, header), store, encoder, TODAY, gemeente="GM0363")
    assert stored_case_refs(store) == ["G-1", "G-2", "G-3"] and report.errors == []
    assert [str(note) for note in report.notes] == [
        "line 4: gemeente: not a CBS code (GMxxxx), so not checked against this node's"]


def test_a_column_outside_the_design_still_refuses_the_file(store, encoder):
    with pytest.raises(CsvFileError, match=r"unknown column\(s\): sighting_uuid \(allowed: "
                                           r"case_ref, .*, gemeente\)"):
        import_csv(csv_bytes([[*good("G-1"), "x"]], [*HEADER, "sighting_uuid"]), store,
                   encoder, TODAY)


# A town's system exporting American dates (m/d/yyyy): the order is the file's
US_HEADER = [*HEADER, "companion_given_names", "companion_surname", "companion_date_of_birth"]


def _us_rows(observed: list[str], births: list[str], companions: list[str] | None = None
             ) -> list[list[str]]:
    companions = companions or [""] * len(observed)
    return [[f"U-{k}", seen, "Ana", f"Pop{'a' * k}", born, *(("Ion", "Rusu") if him else
                                                              ("", "")), him]
            for k, (seen, born, him) in enumerate(zip(observed, births, companions,
                                                      strict=True), start=1)]


def _stored(store: NodeStore) -> dict[str, tuple[str, bytes]]:
    """case_ref -> (date of the control, digest of its encodings, UUID left out)"""
    return {case_ref: (day, store.content_digest_of(case_ref, day))
            for case_ref, _, day, _ in store.listing()}


def test_a_month_first_file_is_read_month_first_and_said_once(store, encoder, tmp_path):
    written = _us_rows(["8/25/2026", "8/12/2026", "3/5/2026"], ["3/5/1990", "12/1/1985", ""],
                       ["", "", "2/11/1980"])
    report = import_csv(csv_bytes(written, US_HEADER), store, encoder, TODAY)
    assert (report.imported, report.errors, report.notes) == (3, [], [])
    assert report.advice() == ["dates in this file are month-first (m/d/yyyy), as line 2 "
                               "(observed_on) shows: read as such"]
    # the same controls written year first: the same dates, of the control and of birth
    iso = _us_rows(["2026-08-25", "2026-08-12", "2026-03-05"],
                   ["1990-03-05", "1985-12-01", ""], ["", "", "1980-02-11"])
    other = NodeStore(tmp_path / "iso.db", create=True)
    try:
        assert import_csv(csv_bytes(iso, US_HEADER), other, encoder, TODAY).imported == 3
        assert _stored(store) == _stored(other)
    finally:
        other.close()


def test_a_month_first_date_of_birth_is_named_by_line_never_by_its_value(store, encoder):
    written = _us_rows(["2026-03-01", "01-03-2026"], ["3/5/1990", "3/25/1990"])
    report = import_csv(csv_bytes(written, US_HEADER), store, encoder, TODAY)
    assert report.advice() == ["dates in this file are month-first (m/d/yyyy), as line 3 "
                               "(date_of_birth) shows: read as such"]
    # 01-03-2026 in a month-first file is 3 January, its own dash read as the file's slash
    assert sorted(day for *_, day, _ in store.listing()) == ["2026-01-03", "2026-03-01"]


def test_month_names_year_first_and_roman_months_are_read_as_written_in_a_month_first_file():
    row = dict(zip(US_HEADER, _us_rows(["8/25/2026"], ["5 March 1990"])[0], strict=True))
    for born in ("5 March 1990", "1990-03-05", "5.III.1990", "19900305"):
        parsed = parse_row(2, {**row, "date_of_birth": born}, TODAY, month_first=True)
        assert parsed.subject.date_of_birth == dt.date(1990, 3, 5), born
    assert parse_row(2, row, TODAY, month_first=True).observed_on == dt.date(2026, 8, 25)


@pytest.mark.parametrize(("observed", "births", "companions", "note"), [
    # both orders shown: read day-first as always, and said with a line of each
    (["25/8/2026", "8/25/2026"], ["3/5/1990", ""], None,
     "dates in this file are written both day-first, as line 2 (observed_on), "
     "and month-first, as line 3 (observed_on): read day-first where both "
     "readings are dates (3/5 is 3 May), so check those; export dates as YYYY-MM-DD"),
    (["1/3/2026", "2/3/2026"], ["3/5/1990", "25/12/1980"], ["", "3/25/1970"],
     "dates in this file are written both day-first, as line 3 (date_of_birth), and "
     "month-first, as line 3 (companion_date_of_birth): read day-first where both "
     "readings are dates (3/5 is 3 May), so check those; export dates as YYYY-MM-DD"),
    # every date ambiguous, or only day-first ones: day-first, nothing to say
    (["1/3/2026", "2/3/2026"], ["3/5/1990", "12/1/1985"], None, None),
    (["25/8/2026", "2/3/2026"], ["3/5/1990", ""], None, None),
])
def test_a_file_of_both_orders_or_of_neither_is_read_day_first(store, encoder, tmp_path,
                                                                 observed, births, companions,
                                                                 note):
    written = _us_rows(observed, births, companions)
    report = import_csv(csv_bytes(written, US_HEADER), store, encoder, TODAY)
    assert report.advice() == ([note] if note else [])
    assert stored_case_refs(store) == ["U-1", "U-2"]
    # the first row read day-first: its control and her 3/5/1990 as 3 May
    day, month, year = observed[0].split("/")
    iso = [[*written[0][:1], f"{year}-{int(month):02d}-{int(day):02d}", *written[0][2:4],
            "1990-05-03", *written[0][5:]]]
    other = NodeStore(tmp_path / "iso.db", create=True)
    try:
        import_csv(csv_bytes(iso, US_HEADER), other, encoder, TODAY)
        assert _stored(store)["U-1"] == _stored(other)["U-1"]
    finally:
        other.close()


def test_the_import_command_reads_a_month_first_export_and_says_so(tmp_path, pki, secret_file,
                                                                    capsys):
    from tests.conftest import make_node
    from zichtlijn import cli

    # the command reads against the real today: controls of the last weeks
    today = dt.date.today()
    late = next(today - dt.timedelta(days=k) for k in range(1, 40)
                if (today - dt.timedelta(days=k)).day > 12)
    early = next(today - dt.timedelta(days=k) for k in range(1, 60)
                 if (day := today - dt.timedelta(days=k)).day <= 12 and day.day != day.month)
    config = make_node(tmp_path, pki, secret_file, "GM0363", 1)
    export = tmp_path / "export.csv"
    us = [f"{day.month}/{day.day}/{day.year}" for day in (late, early)]
    export.write_bytes(csv_bytes(_us_rows(us, ["3/5/1990", ""]), US_HEADER))
    capsys.readouterr()
    assert cli.main(["node", "import", "--home", str(config.home), str(export)]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "export.csv: dates in this file are month-first (m/d/yyyy), as line 2 (observed_on) "
        "shows: read as such"]
    assert "imported 2, unchanged 0, rejected 0" in captured.out
    store = NodeStore(config.db_path)
    try:
        assert sorted(store.dates_of(f"U-{k}")[0] for k in (1, 2)) == sorted(
            [late.isoformat(), early.isoformat()])
    finally:
        store.close()


def test_only_codes_the_catalogue_lists_are_kept_and_the_rest_is_counted_never_quoted(
        store, encoder):
    # free text in the signals column: every word not in the catalogue may be a name or a
    # date of birth, so it is neither kept nor sent nor said (the shipped catalogue here)
    header = [*HEADER, "signals"]
    rows = [[*good("S-1"), "loverboy Zyxwvutsrqa 1998-05-14 Unlicensed"],
            [*good("S-2", "Elena"), "no_id_access"],
            [*good("S-3", "Ioana"), "Ştefania;controller_present"]]
    report = run(csv_bytes(rows, header), store, encoder)
    assert (report.imported, report.rejected) == (3, 0)
    assert [str(note) for note in report.notes] == [
        f"line {line}: signals: {n} {UNLISTED_SIGNALS} left out (not sent); add them to "
        "signals.toml on hub and nodes if they are signal codes" for line, n in ((2, 3), (4, 1))]
    [advice] = report.advice()
    assert advice.startswith("2 row(s) carry 4 word(s) in signals that the signal catalogue "
                             "does not list, left out and not sent (lines 2, 4): ")
    said = " ".join([*map(str, report.notes), *report.note_lines(), advice]).lower()
    for word in ("loverboy", "zyxwvutsrqa", "1998-05-14", "ştefania"):
        assert word not in said
        for path in store.path.parent.glob("node.db*"):
            assert word.encode() not in path.read_bytes().lower()
    signals = {case_ref: encoding_pb2.EncodedSighting.FromString(encoded_of(store, case_ref)
                                                                 ).signals
               for case_ref in ("S-1", "S-2", "S-3")}
    assert signals == {"S-1": ["unlicensed"], "S-2": ["no_id_access"],
                       "S-3": ["controller_present"]}


def test_a_node_catalogue_decides_and_someone_typing_is_told_without_the_value():
    row = dict(zip([*HEADER, "signals"], [*good("S-5"), "eigen_code;Popescu"], strict=True))
    assert parse_row(2, row, TODAY).signals == ()  # the shipped catalogue lacks eigen_code
    assert parse_row(2, row, TODAY, frozenset({"eigen_code"})).signals == ("eigen_code",)
    with pytest.raises(RowError) as refused:
        parse_row(2, row, TODAY, frozenset({"eigen_code"}), strict=True)
    assert str(refused.value) == (f"line 2: signals: 1 {UNLISTED_SIGNALS}; enter only codes "
                                  "the catalogue lists")


QUOTE_HEADER = b"case_ref,observed_on,given_names,surname,place_of_birth\n"


def test_a_quote_left_open_refuses_its_line_and_reads_the_lines_it_took_as_rows(store,
                                                                                encoder):
    # first: imported 1, exit 0, W-2 and W-3 lost without a word inside W-1's place; then
    # (until 2026-12-08) all three refused as one record: an outsider's export lost 128
    # controls to one stray quote
    data = (QUOTE_HEADER + b'W-1,2026-03-01,Ana,Zyxwvutsrqa,"Chisinau\n'
            b"W-2,2026-03-02,Eva,Qwertyuiopz,Cluj\nW-3,2026-03-03,Ina,Qwertyuiopz,Iasi\n")
    report = run(data, store, encoder)
    assert [str(error) for error in report.errors] == [
        "line 2: place_of_birth: a quote left open at line 2 took lines 3-4 into this "
        "field: lines 3-4 read again as rows of their own"]
    assert report.summary() == "imported 2, unchanged 0, rejected 1"
    assert stored_case_refs(store) == ["W-2", "W-3"]
    assert "Qwertyuiopz" not in str(report.errors[0])  # never what it took in


def test_a_quote_left_open_mid_file_refuses_its_line_and_keeps_every_row_else(store,
                                                                             encoder):
    data = (QUOTE_HEADER + b"W-0,2026-03-01,Ana,Pop,Iasi\n"
            b'W-1,2026-03-01,Ana,Zyxwvutsrqa,"Chisinau\n'
            b'W-2,2026-03-02,Eva,Qwertyuiopz,Cluj\nW-3,2026-03-03,Ina,Qwertyuiopz,"Iasi"\n'
            b"W-4,2026-03-04,Ina,Qwertyuiopz,Iasi\n")
    report = run(data, store, encoder)
    assert [str(error) for error in report.errors] == [
        "line 3: place_of_birth: a quote left open at line 3 took lines 4-5 into this "
        "field: lines 4-5 read again as rows of their own"]
    # W-3's first quote closed W-1's; read again on its own, its line is a row
    assert stored_case_refs(store) == ["W-0", "W-2", "W-3", "W-4"]


def test_each_quote_left_open_refuses_its_own_line_only(store, encoder):
    """Two stray quotes in one export, each closed by the next quote in the file: each
    refuses the line it opened on, and every line either took is read as a row."""
    data = (QUOTE_HEADER + b'W-1,2026-03-01,Ana,Pop,"Chisinau\n'
            b'W-2,2026-03-02,Eva,Pop,Cluj\nW-3,2026-03-03,Ina,Pop,"Iasi"\n'
            b'W-4,2026-03-04,Ina,Pop,Iasi\nW-5,2026-03-05,Ana,Pop,"Brasov\n'
            b'W-6,2026-03-06,Ana,Pop,Cluj\nW-7,2026-03-07,Eva,Pop,"Arad"\n')
    report = run(data, store, encoder)
    assert [error.line for error in report.errors] == [2, 6]
    assert stored_case_refs(store) == ["W-2", "W-3", "W-4", "W-6", "W-7"]


def test_a_row_repeated_in_the_file_keeps_the_notes_of_what_was_left_out(store, encoder):
    """Counted unchanged, the repeat still says that a word of its signals was left out."""
    data = (b"case_ref,observed_on,given_names,surname,signals\n"
            b"D-2,2026-03-01,Ana,Ionescu,\nD-2,2026-03-01,Ana,Ionescu,loverboy\n")
    report = run(data, store, encoder)
    assert (report.imported, report.unchanged, report.rejected) == (1, 1, 0)
    assert [str(note) for note in report.notes] == [
        "line 3: signals: 1 code(s) not in the signal catalogue left out (not sent); add "
        "them to signals.toml on hub and nodes if they are signal codes"]


def test_a_closed_cell_whose_lines_hold_separators_is_no_open_quote(store, encoder):
    """Excel's Alt+Enter inside a quoted list of signal codes: its lines hold separators,
    but none reads as a row of the file (no date where the date of the control is)."""
    data = (b"case_ref,observed_on,given_names,surname,signals\n"
            b'C-1,2026-03-01,Maria,Popescu,"unlicensed, injuries,\nno_language, '
            b'many_clients, x"\nC-2,2026-03-02,Ana,Ionescu,unlicensed\n')
    report = run(data, store, encoder)
    assert report.errors == [] and stored_case_refs(store) == ["C-1", "C-2"]


def test_a_quote_left_open_that_makes_too_many_fields_is_read_again_the_same(store,
                                                                             encoder):
    data = (b"case_ref,observed_on,given_names,surname\n"
            b'W-1,2026-03-01,"Ana,Pop\nW-2,2026-03-02,Eva,Qwertyuiopz\n'
            b'W-3,2026-03-03,Ina,"Qwertyuiopz",x,y\nW-4,2026-03-04,Ina,Pop\n')
    report = run(data, store, encoder)
    assert [str(error) for error in report.errors] == [
        "line 2: given_names: a quote left open at line 2 took lines 3-4 into this field: "
        "lines 3-4 read again as rows of their own",
        "line 4: row: has 6 fields, the header has 4"]  # its own two cells too many
    assert stored_case_refs(store) == ["W-2", "W-4"]


def test_a_line_break_in_a_cell_keeps_the_lines_of_its_record_in_what_is_said(store,
                                                                              encoder):
    # Excel's Alt+Enter is no swallowed row: read, and the record named by both its lines
    rows = [["A-1", "2026-03-01", "Ana", "", "Chișinău\nMoldova"]]
    report = run(csv_bytes(rows, [*HEADER[:4], "place_of_birth"]), store, encoder)
    assert (report.imported, report.rejected) == (1, 0)
    assert [str(note) for note in report.notes] == [f"lines 2-3: surname: {NAME_PART_EMPTY}"]


def test_a_cell_over_pythons_field_limit_refuses_its_row_and_keeps_the_others(store,
                                                                             encoder):
    # before: "line 4: unreadable CSV (field larger than field limit (131072))", 0 stored
    rows = [good("L-1"), good("L-2", "Elena"), [*good("L-3", "Ioana")[:4], "x" * 140_000],
            good("L-4", "Maria")]
    report = run(csv_bytes(rows), store, encoder)
    assert [str(error) for error in report.errors] == [
        "line 4: date_of_birth: too long (140000 characters, at most 200)"]
    assert stored_case_refs(store) == ["L-1", "L-2", "L-4"]


def test_past_the_cell_bound_reading_stops_and_the_rows_before_are_kept(store, encoder,
                                                                        monkeypatch):
    from node import csv_file

    monkeypatch.setattr(csv_file, "MAX_CELL_CHARS", 1000)  # as 4 MiB, in a small file
    data = csv_bytes([good("L-1"), good("L-2", "Elena")]) + (
        b'L-3,2026-03-01,Ana,Pop,"14-03-1998\n'
        + b"".join(b"L-%d,2026-03-01,Ana,Pop,%s\n" % (k, b"1" * 400) for k in range(4, 10)))
    report = run(data, store, encoder)
    assert [str(error) for error in report.errors] == [
        "lines 4-10: file: a cell of more than 1,000 characters (a quote left open "
        "probably took the rest of the file into it): reading stopped at line 4, its 7 "
        "line(s) to the end of the file not read; the rows above are kept"]
    assert stored_case_refs(store) == ["L-1", "L-2"]
    assert report.rejected == 1


def test_the_import_command_fails_for_a_quote_left_open_and_says_which_lines(
        tmp_path, pki, secret_file, capsys):
    from tests.conftest import make_node
    from zichtlijn import cli

    config = make_node(tmp_path, pki, secret_file, "GM0363", 1)
    export = tmp_path / "lastquote.csv"
    export.write_bytes(QUOTE_HEADER + b'W-1,2026-03-01,Ana,Zyxwvutsrqa,"Chisinau\n'
                       b"W-2,2026-03-02,Eva,Qwertyuiopz,Cluj\n"
                       b"W-3,2026-03-03,Ina,Qwertyuiopz,Iasi\n")
    capsys.readouterr()
    assert cli.main(["node", "import", "--home", str(config.home), str(export)]) == 1
    captured = capsys.readouterr()
    assert captured.err == ("lastquote.csv: line 2: place_of_birth: a quote left open at "
                            "line 2 took lines 3-4 into this field: lines 3-4 read again as "
                            "rows of their own (row refused)\n")
    assert captured.out == "lastquote.csv: imported 2, unchanged 0, rejected 1\n"


def test_a_file_without_a_header_row_says_so_without_its_cells(store, encoder):
    # before: "unknown column(s): b_1, 2026_03_01, ana, zyxwvutsrqa, 1998_05_14"
    with pytest.raises(CsvFileError) as refused:
        run(b"B-1,2026-03-01,Ana,Zyxwvutsrqa,1998-05-14\nB-2,2026-03-02,Eva,Pop,1997-01-01\n",
            store, encoder)
    assert str(refused.value) == ("line 1: no header row: none of its 5 cells is a column "
                                  "name (case_ref, observed_on, given_names, surname, ...)")
    # a row of data that repeats a cell is no header either: its cells are not named
    with pytest.raises(CsvFileError, match=r"^line 1: no header row: none of its 4 cells"):
        run(b"B-1,2026-03-01,Popa,Popa\n", store, encoder)


@pytest.mark.parametrize(("observed", "reason"), [
    ("1998-05-14", "before 2000 (is this column the date of the control?)"),
    ("2031-05-14", "in the future"),
    ("14 Mairie 1998", "unrecognised date format (use DD-MM-YYYY or YYYY-MM-DD)")])
def test_a_control_date_that_cannot_be_one_is_refused_without_its_value(observed, reason):
    # an export that swapped its columns has a date of birth in observed_on
    row = dict(zip(HEADER, ["O-1", observed, "Ana", "Pop", "2026-03-01"], strict=True))
    with pytest.raises(RowError) as refused:
        parse_row(2, row, TODAY)
    assert str(refused.value) == f"line 2: observed_on: {reason}"


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff", "\u2060"])
def test_a_column_name_holding_an_invisible_character_says_so(store, encoder, invisible):
    # a byte-order mark pasted twice, a zero-width space: before, "unknown column(s): case_ref"
    data = f"\ufeff{invisible}case_ref,observed_on,given_names,surname\n".encode()
    with pytest.raises(CsvFileError) as refused:
        run(data, store, encoder)
    assert str(refused.value).startswith(
        "line 1: column name(s) holding a character that prints as nothing: case_ref (holds "
        f"U+{ord(invisible):04X} ")
    assert str(refused.value).endswith("); type the name again")


def test_a_utf16_file_without_its_byte_order_mark_is_named_as_such(store, encoder):
    data = (b"case_ref,observed_on,given_names,surname\nA-1,2026-03-01,Ana,Pop\n"
            ).decode().encode("utf-16-le")
    with pytest.raises(CsvFileError) as refused:
        run(data, store, encoder)
    assert "\x00" not in str(refused.value)
    assert str(refused.value) == (
        "line 1: holds NUL bytes (\\x00): the file looks like UTF-16 without its byte-order "
        "mark; save it as \"CSV UTF-8\" (or Excel's \"Unicode text\") and import it again")
    with pytest.raises(CsvFileError) as refused:
        run(b"case_ref,observed_on,given_names,surname,x\x00\x01\n", store, encoder)
    assert str(refused.value) == ("line 1: header holds NUL bytes (\\x00); save the file as "
                                  "\"CSV UTF-8\" and import it again")
    with pytest.raises(CsvFileError, match=r"unknown column\(s\): \\x01x \(allowed"):
        run(b"case_ref,observed_on,given_names,surname,\x01x\n", store, encoder)


# JOSÉ\u2013MARIA in Windows-1252: É (C9) and the en dash (96) are also one UTF-8 character, ɖ
MISREAD_BYTES = b"JOS\xc9\x96MARIA"


def test_a_windows_1252_file_whose_bytes_read_as_utf8_is_read_as_the_operator_says(
        store, encoder):
    # before: refused whole ("holds UTF-8 letters, so the file is UTF-8 ...")
    data = csv_bytes([good("W-1", "JOSÉ\u2013MARIA", "Pop"), good("W-2", "Zoë", "Müller")]
                     ).decode("utf-8").encode("cp1252")
    assert MISREAD_BYTES in data
    report = import_csv(data, store, encoder, TODAY, encoding="windows-1252")
    assert (report.imported, report.rejected) == (2, 0)
    # the same identity as the name typed as UTF-8 (the en dash a hyphen)
    again = run(csv_bytes([good("W-1", "JOSÉ-MARIA", "Pop")]), store, encoder)
    assert (again.imported, again.unchanged, again.rejected) == (0, 1, 0)


@pytest.mark.parametrize("name", ["Thị Phương", "Trương", "Məmmədova", "O\u02bbg\u02bbiloy",
                                  "Xiǎoměi"])
def test_names_written_in_utf8_are_read_whatever_their_letters(store, encoder, name):
    """Vietnamese ư and ơ, Azerbaijani ə, Uzbek's turned comma, pinyin ǎ: UTF-8 letters
    of blocks that a Windows-1252 file misread as UTF-8 also gives; a UTF-8 file is read
    as it is."""
    report = run(csv_bytes([good("V-1", name, "Pop")]), store, encoder)
    assert (report.imported, report.rejected) == (1, 0)


def test_a_utf8_file_with_such_letters_said_to_be_windows_1252_is_refused(store, encoder):
    # Romanian and Vietnamese in one UTF-8 file: read as Windows-1252, Ştefan would become
    # "Åžtefan" without a word
    data = csv_bytes([good("W-1", "Ştefan", "Popa"), good("W-2", "Thị", "Trương")])
    with pytest.raises(CsvFileError, match="holds UTF-8 letters, so the file is UTF-8"):
        import_csv(data, store, encoder, TODAY, encoding="windows-1252")
    assert stored_case_refs(store) == []


@pytest.mark.parametrize("name", ["Ana\u2013Maria", "Юлия", "Ştefania", "Ελένη", "محمد",
                                  "Nguyễn"])
def test_a_utf8_file_of_names_said_to_be_windows_1252_is_still_refused(store, encoder, name):
    with pytest.raises(CsvFileError, match=r"^line 2: holds UTF-8 letters"):
        import_csv(csv_bytes([good("U-1", name)]), store, encoder, TODAY,
                   encoding="windows-1252")


def test_a_row_repeated_in_another_spelling_in_one_file_is_unchanged_as_in_a_later_file(
        store, encoder):
    # before: "repeats line 2 with other content", where a later file counted it unchanged
    respelled = [["D-1", "01-03-2026", "ANA\u200b MARIA", "POPESCU", "1998-03-14"],
                 ["D-1", "2026-03-01 10:15", "ana maria", "Popescu", "14.03.1998"]]
    report = run(csv_bytes([good("D-1"), *respelled]), store, encoder)
    assert (report.imported, report.unchanged, report.errors) == (1, 2, [])
    later = run(csv_bytes(respelled), store, encoder)
    assert (later.imported, later.unchanged, later.errors) == (0, 2, [])
    # other content is still refused, naming the first line
    other = run(csv_bytes([good("D-2"), good("D-2", "Elena")]), store, encoder)
    assert [str(error) for error in other.errors] == [
        "line 3: case_ref: 'D-2' of 2026-03-01 repeats line 2 with other content"]


@pytest.mark.parametrize("length", [65, 300])
def test_a_case_reference_over_64_characters_says_it_is_too_long(length):
    # before: "start with a letter or digit; use letters, ... (at most 64)" for a good start
    row = dict(zip(HEADER, ["A" * length, "2026-03-01", "Ana", "Pop", ""], strict=True))
    with pytest.raises(RowError) as refused:
        parse_row(2, row, TODAY)
    assert str(refused.value) == f"line 2: case_ref: too long ({length} characters, at most 64)"


@pytest.mark.parametrize("formula", ["=0612345678", "-0612345678", "@0612345678",
                                     "=HYPERLINK(\"tel:0612345678\")"])
def test_a_phone_that_starts_like_a_formula_refuses_the_row_as_in_any_field(formula):
    # before: kept (a formula in the phone field passed); the README says refused
    row = dict(zip([*HEADER, "phone"], [*good("P-1"), formula], strict=True))
    with pytest.raises(RowError, match=r"^line 2: phone: starts like a spreadsheet formula"):
        parse_row(2, row, TODAY)


@pytest.mark.parametrize(("cell", "number"), [("+31 6 12345678", "+31612345678"),
                                              ('="0612345678"', "+31612345678")])
def test_a_phones_plus_and_excels_text_form_are_no_formulas(cell, number):
    row = dict(zip([*HEADER, "phone"], [*good("P-2"), cell], strict=True))
    assert parse_row(2, row, TODAY).entities == [("phone", number)]


@pytest.mark.parametrize("end", [b"\x1a", b"\r\n\x1a", b"\x1a\x1a"])
def test_a_dos_end_of_file_mark_is_no_row(store, encoder, end):
    data = csv_bytes([good("Z-1"), good("Z-2", "Elena")]).replace(b"\n", b"\r\n")
    report = run(data.removesuffix(b"\r\n") + end, store, encoder)
    assert (report.imported, report.errors) == (2, [])
    assert stored_case_refs(store) == ["Z-1", "Z-2"]


def test_hungarian_no_with_its_accent_is_a_woman_and_english_no_is_no_sex():
    row = dict(zip([*HEADER, "sex"], [*good("H-1"), "nő"], strict=True))
    assert parse_row(2, row, TODAY).subject.sex == "f"
    row["sex"] = "no"
    assert parse_row(2, row, TODAY).subject.sex is None  # noted, not guessed
