"""Name normalisation: scripts to Latin, folded variants, Arabic compounds, roles, initials."""

from __future__ import annotations

import pytest

from threats.screening.names import name_forms, normalise, parse_name, tokens
from threats.screening.screener import token_similarity


def roles(text: str, **hints: tuple[str, ...]) -> dict[str, str]:
    form = name_forms([text], **hints)[0]
    return {t.text: t.role for t in form.tokens}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＪＯＳÉ  Ｌuis", "jose luis"),  # NFKC (full-width) and casefold
        ("Rocío Ñúñez", "rocio nunez"),
        ("Gökhan Şimşekoğlu", "gokhan simsekoglu"),
        ("Đặng Thị Hằng", "dang thi hang"),
        ("Łucja Źdźbłowska", "lucja zdzblowska"),
        ("Straße", "strasse"),
        ("Тимофей Скворечников", "timofey skvorechnikov"),
        ("Мірабель", "mirabel"),
        ("梓轩", "zi xuan"),
        ("P'an Hsiu-hsia", "pan hsiu hsia"),  # Wade-Giles apostrophe dropped, hyphen splits
        ("BRAMBLETON, Ottilie Marguerite", "ottilie marguerite brambleton"),
    ],
)
def test_normalise_gives_casefolded_ascii_words_given_names_first(text, expected):
    assert normalise(text) == expected


def test_hanzi_names_also_come_with_the_given_name_joined_and_in_wade_giles():
    spellings = {tuple(t.text for t in f.tokens) for f in name_forms(["张梓轩"])}
    assert {("zhang", "zi", "xuan"), ("zhang", "zixuan"), ("chang", "tzuhsuan")} <= spellings


def test_a_family_character_with_several_readings_gets_each_reading():
    # pypinyin reads 曾 as "ceng"; as a family name it is Zeng
    families = {f.tokens[0].text for f in name_forms(["曾明辉"])}
    assert {"ceng", "zeng"} <= families


@pytest.mark.parametrize(
    "variants",
    [
        ("Yevgeniy", "Evgenii", "Evgeny", "Евгений"),
        ("Yuliana", "Iuliana", "Юлиана"),
        ("Rüdiger", "Ruediger", "Rudiger"),
        ("Aleksandr", "Alexandr"),
        ("Kareem", "Karim"),
        ("Testarowa", "Testarova"),
        ("Hsiu", "Xiu"),
        ("Ziyad", "Zyad", "Ziad"),
        ("Mahmoud", "Mahmud"),
        ("Qasim", "Kasim"),
        ("Fyodor", "Fedor"),
        ("Hassan", "Hasan"),
    ],
)
def test_transliteration_variants_fold_to_one_key(variants):
    assert len({tokens(v) for v in variants}) == 1


def test_vowel_spelling_variants_share_a_skeleton():
    for a, b in (
        ("muhammad", "mohamed"),
        ("hisham", "hesham"),
        ("idris", "edris"),
        ("youssef", "yusuf"),
    ):
        similarity, kind = token_similarity(a, b)
        assert kind == "skeleton" and similarity >= 0.85, (a, b)


@pytest.mark.parametrize(
    "variants",
    [
        ("Abd al-Rahman al-Mithali", "Abdulrahman Al-Mithali", "Abdel Rahman el-Mithali"),
        ("Abd al-Rahman Zayid", "Abdurrahman Zayid", "Abdur Rahman Zayid"),  # sun letter
        ("Abdullah Qasim", "Abd Allah Qasim", "Abdallah Qasim"),
        ("Hamid bin Rashid al-Sayf", "Hamid ibn Rashid as-Sayf", "Hamid Rashid Al Sayf"),
    ],
)
def test_arabic_articles_connectors_and_abd_compounds(variants):
    assert len({tokens(v) for v in variants}) == 1


def test_abu_and_the_name_after_it_are_one_word():
    assert tokens("Abu Yusuf") == ("abuiusuf",)
    assert tokens("Abu Yusuf al-Mithali") == ("abuiusuf", "mithali")


def test_pinyin_syllables_are_never_taken_for_arabic_connectors():
    assert tokens("梁斌思") == ("liang", "bin", "si")


def test_roles_come_from_hints_commas_capitals_hanzi_and_patronymics():
    assert roles("Ottilie Marguerite Brambleton") == {
        "ottilie": "given",
        "marguerite": "middle",
        "brambleton": "family",
    }
    assert roles("BRAMBLETON, Ottilie")["brambleton"] == "family"
    assert roles("KOLOKOLOV Fyodor Ignatyevich")["kolokolov"] == "family"
    assert roles("Колоколов Фёдор Игнатьевич")["kolokolov"] == "family"  # family, given, father
    assert roles("邵明辉") == {"shao": "family", "ming": "given", "hui": "given"}
    hinted = roles("Đỗ Thị Kim Thảo", family_names=("Đỗ",), given_names=("Thảo",))
    assert hinted == {"do": "family", "thi": "middle", "kim": "middle", "thao": "given"}


def test_initials_match_words_with_that_first_letter_only():
    assert token_similarity("v", "vladimir") == (0.9, "initial")
    assert token_similarity("v", "ivan") == (0.0, "")


def test_one_typo_is_tolerated_and_different_words_are_not():
    assert token_similarity("fenwrigth", "fenwright")[1] == "typo"
    assert token_similarity("kolokolnilov", "kolokolnikov")[0] >= 0.8
    assert token_similarity("oleg", "ivan") == (0.0, "")
    assert token_similarity("sami", "sam") == (0.0, "")


def test_parse_name_says_whether_the_name_is_latin_and_plain_ascii():
    assert (parse_name("Rocío").latin, parse_name("Rocío").ascii) == (True, False)
    assert parse_name("Евгений").latin is False
    assert parse_name("Rocio").ascii is True
