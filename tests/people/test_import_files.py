"""What counts as a readable file: UTF-8 CSV, a header of known columns, well-formed rows."""

import codecs

import pytest

from chaperon.core.actors import SYSTEM
from chaperon.people.imports import ImportResult, UnreadableFile, decode_csv, people_import
from chaperon.people.models import Learner
from tests.conftest import Cast
from tests.people.test_import_helpers import csv_text, everything

HEADER = "external_id,first_name,last_name,date_of_birth"


def check(cast: Cast, text: str, kind: str = "learners") -> ImportResult:
    return people_import(
        actor=SYSTEM, organisation=cast.organisation, kind=kind, text=text, dry_run=True
    )


def problems(cast: Cast, text: str, kind: str = "learners") -> list[str]:
    return [str(error) for error in check(cast, text, kind).errors]


def test_utf8_with_or_without_a_byte_order_mark_is_read(cast: Cast) -> None:
    text = csv_text(HEADER, "L001,Zoë,Ó Briain,2012-05-17")
    for data in (text.encode(), codecs.BOM_UTF8 + text.encode()):
        decoded = decode_csv(data)
        assert decoded == text
        assert check(cast, decoded).created == 1


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            codecs.BOM_UTF16_LE + csv_text(HEADER).encode("utf-16-le"),
            "The file is saved as UTF-16",
        ),
        (
            csv_text(HEADER, "L001,Zoë,Brook,2012-05-17").encode("latin-1"),
            "The file is not UTF-8 text: line 2 has a character that is not UTF-8 (byte 0xEB)",
        ),
        (b"PK\x03\x04\x14\x00\x06\x00 workbook", "The file is an Excel workbook, not a CSV file"),
        (b"external_id\x00\x01\x02", "The file holds binary data, not CSV text"),
    ],
)
def test_a_file_that_is_not_utf8_csv_is_refused_saying_how_to_save_it(
    data: bytes, expected: str
) -> None:
    with pytest.raises(UnreadableFile) as refused:
        decode_csv(data)
    assert str(refused.value).startswith(expected)
    assert "CSV UTF-8 (Comma delimited)" in str(refused.value)


def test_column_names_are_matched_ignoring_capitals_spaces_and_order(cast: Cast) -> None:
    text = csv_text(" Date of Birth ,External ID,Last-Name,FIRST_NAME", "17/05/2012,L001,Brook,Zoe")
    result = check(cast, text)
    assert (result.created, result.errors) == (1, ())


def test_a_header_with_missing_unknown_or_repeated_columns_is_refused(cast: Cast) -> None:
    text = csv_text("external_id,first_name,surname,first_name,dob", "L001,Zoe,Brook,Zoe,2012")

    assert problems(cast, text) == [
        "line 1, column surname: is not a column of a learners file; rename it or remove it "
        "(the columns are external_id, first_name, last_name, date_of_birth, year_group, "
        "tutor_group, adult_at_risk, email)",
        "line 1, column first_name: appears twice; keep one of them",
        "line 1, column dob: is not a column of a learners file; rename it or remove it "
        "(the columns are external_id, first_name, last_name, date_of_birth, year_group, "
        "tutor_group, adult_at_risk, email)",
        "line 1, column last_name: is missing; add a column with this name",
        "line 1, column date_of_birth: is missing; add a column with this name",
    ]


def test_a_file_of_another_kind_is_named(cast: Cast) -> None:
    text = csv_text(HEADER, "L001,Zoe,Brook,2012-05-17")
    assert problems(cast, text, kind="staff")[-1] == (
        "line 1: this looks like a learners file: choose “Learners” as the kind of file"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "line 1: the file is empty; the first line must name the columns"),
        ("\r\n" + HEADER + "\r\n", "line 1: is empty; the first line must name the columns"),
        (
            "external_id;first_name;last_name;date_of_birth\r\nL001;Zoe;Brook;2012-05-17\r\n",
            "line 1: the values are not separated by commas",
        ),
    ],
)
def test_a_file_without_a_usable_header_is_refused(cast: Cast, text: str, expected: str) -> None:
    assert problems(cast, text)[0].startswith(expected)


def test_line_numbers_count_lines_of_the_file_even_inside_quoted_values(cast: Cast) -> None:
    text = csv_text(
        "external_id,first_name,last_name,date_of_birth,year_group",
        'L001,Zoe,Brook,2012-05-17,"Year 8,',
        'nurture group"',
        "",
        "L002,Yan,Cole,2012-13-01,Year 8",
        "L003,Xan,Dale,2012-01-01,Year 8,extra",
        'L004,"Wes,Eden,2012-01-01,Year 8',
    )

    assert [error.split(":")[0] for error in problems(cast, text)] == [
        "line 2, column year_group",  # the record starts on line 2; a year is one line
        "line 5, column date_of_birth",
        "line 6",
        "line 7",
    ]
    assert "holds a line break (U+000D)" in problems(cast, text)[0]
    assert "has 6 values but the header names 5 columns" in problems(cast, text)[2]
    assert "cannot be read as CSV" in problems(cast, text)[3]


def test_a_value_under_a_nameless_column_is_refused_but_empty_ones_are_ignored(
    cast: Cast,
) -> None:
    text = csv_text(HEADER + ",", "L001,Zoe,Brook,2012-05-17,", "L002,Yan,Cole,2012-01-01,oops")

    assert problems(cast, text) == [
        "line 3, column #5: has a value but no name in the header; name the column or empty it"
    ]


def test_a_header_without_rows_imports_nothing(cast: Cast) -> None:
    before = everything()
    result = people_import(
        actor=SYSTEM, organisation=cast.organisation, kind="learners", text=csv_text(HEADER)
    )
    assert (result.rows, result.created, result.errors) == (0, 0, ())
    assert everything()["Learner"] == before["Learner"]


def test_a_dry_run_counts_without_writing_or_auditing(cast: Cast) -> None:
    before = everything()
    result = check(cast, csv_text(HEADER, "L001,Zoe,Brook,2012-05-17", "L002,Yan,Cole,2012-01-01"))
    assert (result.dry_run, result.created) == (True, 2)
    assert everything() == before
    assert not Learner.objects.filter(external_id="L001").exists()
