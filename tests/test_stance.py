"""Stance cues: lexicon and stemming, every category and attribution pattern, on seed and hand-written sentences."""

import io

import pandas as pd
import pytest

from conftest import handwritten_tables
from korwatch_utils.cli import main
from korwatch_utils.tables import columns
from korwatch_utils.views.render import cue_sentences_html
from korwatch_utils.analyses.stance import CATEGORIES, CUE_COLUMNS, STANCE_CATEGORIES, filter_cues, lemma, load_cues, stance_cues, stance_matrix


def cues_of(text: str, names: list[tuple[str, str]]) -> pd.DataFrame:
    """Cues in one hand-written article: names are (surface, type) in order of appearance; one sentence per line."""
    return stance_cues(*handwritten_tables(text, names))


def found(cues: pd.DataFrame) -> set[tuple]:
    return set(zip(cues.speaker, cues.cue, cues.category, cues.target))


@pytest.mark.parametrize("form, stem", [
    ("mengecam", "kecam"), ("dikecam", "kecam"), ("kecaman", "kecam"), ("mendesak", "desak"), ("desakan", "desak"),
    ("memperingatkan", "peringat"), ("peringatan", "peringat"), ("menuduh", "tuduh"), ("dituduh", "tuduh"),
    ("tuduhan", "tuduh"), ("membantah", "bantah"), ("membantahnya", "bantah"), ("menolak", "tolak"),
    ("mendukung", "dukung"), ("menyepakati", "sepakat"), ("menyetujui", "setuju"), ("berjanji", "janji"),
    ("mengancam", "ancam"), ("mengkhawatirkan", "khawatir"), ("keprihatinan", "prihatin"),
])
def test_lemma_covers_cue_morphology(form, stem):
    assert lemma(form) == stem


def _inflections(stem: str) -> set[str]:
    """Affixed forms of a stem, with and without the nasal prefixes' recoding of its first letter (tolak, menolak)."""
    prefixes = ["", "me", "mem", "men", "meng", "meny", "di", "ber", "ter", "pe", "pem", "pen", "peng", "peny", "ke",
                "per", "memper", "diper", "se"]
    suffixes = ["", "i", "kan", "an", "nya", "lah", "kannya", "annya"]
    return {prefix + root + suffix for prefix in prefixes for root in (stem, stem[1:]) for suffix in suffixes}


def test_words_skipped_by_the_stem_hint_never_stem_to_a_cue(seeds_cleaned):
    from korwatch_utils.analyses.stance import _Lexicon, _overrides
    from korwatch_utils.text.indonesian import WORD

    lexicon = _Lexicon(load_cues())
    words = {word.lower() for text in seeds_cleaned.articles["text"] for word in WORD.findall(text)}
    words |= {form for stem in lexicon.lemmas for form in _inflections(stem)}
    words |= {form + clitic for form in _overrides() for clitic in ("", "nya", "lah")}
    words -= {*lexicon.forms, *lexicon.phrases}
    stemming_to_a_cue = {word for word in words if lexicon.lemmas.get(lemma(word))}
    assert len(stemming_to_a_cue) > 100
    assert {word for word in stemming_to_a_cue if lexicon.match([word], 0) is None} == set()


def test_lexicon_is_valid_and_covers_every_category(tmp_path):
    lexicon = load_cues()
    assert set(lexicon.loc[lexicon.match != "exclude", "category"]) == set(CATEGORIES)
    bad = tmp_path / "cues.csv"
    bad.write_text("cue,category,polarity,match,notes\nkecam,blame,negative,lemma,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown category"):
        load_cues(bad)


def test_words_sharing_a_stem_with_a_cue_are_not_cues():
    cues = cues_of("Rusia dan Korea Utara menandatangani perjanjian itu menuju Moskow tentang kerja sama.\n"
                   "Pertandingan itu seru dan gajah terancam punah; delegasi bertolak ke Moskow.",
                   [("Rusia", "LOC"), ("Korea Utara", "LOC"), ("Moskow", "LOC"), ("Moskow", "LOC")])
    # perjanjian (janji), menuju (tuju ~ setuju), tentang (menentang), seru (fun), terancam, bertolak (tolak)
    assert cues.empty


def test_adjective_use_is_excluded():
    cues = cues_of("Kim Hong-kyun melakukan panggilan telepon mendesak dengan Kurt Campbell.",
                   [("Kim Hong-kyun", "PER"), ("Kurt Campbell", "PER")])
    assert cues.empty


def test_active_voice_speaker_and_target_seed_sentences():
    text = ("Washington menuduh Pyongyang mengirimkan senjata untuk Moskow berperang di Ukraina.\n"
            "Pengumuman ini muncul setelah Gedung Putih pekan lalu memperingatkan Rusia sudah melakukan perundingan.\n"
            "Putin memperingatkan Korea Selatan bahwa mereka akan membuat kesalahan.\n"
            "Rusia menuduh NATO \"menciptakan ancaman\" bagi Rusia di Asia.")
    cues = cues_of(text, [("Washington", "LOC"), ("Pyongyang", "LOC"), ("Moskow", "LOC"), ("Ukraina", "LOC"),
                          ("Gedung Putih", "ORG"), ("Rusia", "LOC"), ("Putin", "PER"), ("Korea Selatan", "LOC"),
                          ("Rusia", "LOC"), ("NATO", "ORG"), ("Rusia", "LOC"), ("Asia", "LOC")])
    assert {("Washington", "menuduh", "accuse", "Pyongyang"), ("Gedung Putih", "memperingatkan", "warn", "Rusia"),
            ("Vladimir Putin", "memperingatkan", "warn", "Korea Selatan"),
            ("Rusia", "menuduh", "accuse", "NATO")} <= found(cues)
    assert set(cues.loc[cues.cue == "menuduh", "attribution"]) == {"active"}


def test_passive_voice_with_and_without_agent():
    text = ("Pyongyang dituduh mengirim pasukan ke Moskow.\n"
            "Itu melanggar resolusi Dewan Keamanan PBB yang didukung oleh Rusia sendiri.")
    cues = cues_of(text, [("Pyongyang", "LOC"), ("Moskow", "LOC"), ("Dewan Keamanan PBB", "ORG"), ("Rusia", "LOC")])
    assert ("", "dituduh", "accuse", "Pyongyang") in found(cues)
    assert ("Rusia", "didukung", "support", "Dewan Keamanan PBB") in found(cues)
    assert set(cues.attribution) == {"passive"}


def test_quotation_attributed_after_with_title_and_to_a_subject():
    text = ('"Seperti yang telah kami peringatkan secara terbuka, perundingan antara Rusia dan DPRK maju," '
            'kata Juru Bicara Dewan Keamanan Nasional (NSC) Adrienne Watson.\n'
            '"Kami mendesak DPRK untuk menghentikan perundingan senjata," ujar Watson.\n'
            '"Kami menolak tuduhan itu," Korea Utara menambahkan.')
    cues = cues_of(text, [("Rusia", "LOC"), ("DPRK", "ORG"), ("Dewan Keamanan Nasional", "ORG"), ("NSC", "ORG"),
                          ("Adrienne Watson", "PER"), ("DPRK", "ORG"), ("Watson", "PER"), ("Korea Utara", "LOC")])
    assert ("Adrienne Watson", "peringatkan", "warn", "") in found(cues) or \
        ("Adrienne Watson", "peringatkan", "warn", "Rusia") in found(cues)
    assert ("Adrienne Watson", "mendesak", "urge", "Korea Utara") in found(cues)
    rejected = cues[cues.cue == "menolak"].iloc[0]
    assert (rejected.speaker, rejected.attribution) == ("Korea Utara", "quote")
    assert rejected.quote == "Kami menolak tuduhan itu,"


def test_quote_across_sentences_and_active_subject_inside_it():
    text = ('"Seoul sangat mendesak penarikan segera pasukan Korea Utara.\n'
            'Akhiri kerja sama ilegal," kata Kementerian Luar Negeri Korea Selatan pada hari Jumat.')
    cues = cues_of(text, [("Seoul", "LOC"), ("Korea Utara", "LOC"), ("Kementerian Luar Negeri Korea Selatan", "ORG")])
    assert found(cues) == {("Seoul", "mendesak", "urge", "Korea Utara")}


def test_quote_introduced_by_a_reporting_verb_keeps_its_subject():
    text = 'AS menyebut pernyataan Putin "sangat mengkhawatirkan" dan tindakan itu akan mengguncang Semenanjung Korea.'
    cues = cues_of(text, [("AS", "LOC"), ("Putin", "PER"), ("Semenanjung Korea", "LOC")])
    assert found(cues) == {("Amerika Serikat", "mengkhawatirkan", "concern", "Vladimir Putin")}


def test_according_to_and_reported_speech():
    text = ("Menurut Sergei Lavrov, Barat mengancam keamanan kawasan.\n"
            "Juru bicara NSC John Kirby mengatakan pekan lalu bahwa meskipun ada penolakan, Korea Utara memasok roket.")
    cues = cues_of(text, [("Sergei Lavrov", "PER"), ("NSC", "ORG"), ("John Kirby", "PER"), ("Korea Utara", "LOC")])
    rows = cues.set_index("cue")
    assert (rows.loc["mengancam", "speaker"], rows.loc["mengancam", "attribution"]) == ("Sergei Lavrov", "according_to")
    assert (rows.loc["penolakan", "speaker"], rows.loc["penolakan", "attribution"]) == ("John Kirby", "reported")


def test_referring_speakers_resolve_to_the_nearest_matching_actor():
    text = ("Kementerian Luar Negeri Korea Selatan memanggil duta besar Rusia.\n"
            "Kementerian itu mengecam pengiriman pasukan Korea Utara.\n"
            "Adrienne Watson berbicara kepada wartawan.\n"
            "Dia mengaku mempunyai informasi tentang Kim Jong Un.\n"
            "\"Kami prihatin,\" kata kementerian itu.")
    cues = cues_of(text, [("Kementerian Luar Negeri Korea Selatan", "ORG"), ("Rusia", "LOC"), ("Korea Utara", "LOC"),
                          ("Adrienne Watson", "PER"), ("Kim Jong Un", "PER")])
    rows = cues.set_index("cue")
    assert (rows.loc["mengecam", "speaker"], rows.loc["mengecam", "attribution"]) == (
        "Kementerian Luar Negeri Korea Selatan", "referring")
    assert rows.loc["mengecam", "target"] == "Korea Utara"
    assert (rows.loc["mengaku", "speaker"], rows.loc["mengaku", "category"]) == ("Adrienne Watson", "claim")
    assert rows.loc["prihatin", "speaker"] == "Kementerian Luar Negeri Korea Selatan"


def test_nominal_cues_take_the_actor_after_them():
    text = "Kritik Seoul muncul setelah kecaman Presiden Yoon terhadap Rusia dan dukungan AS kepada Ukraina."
    cues = cues_of(text, [("Seoul", "LOC"), ("Yoon", "PER"), ("Rusia", "LOC"), ("AS", "LOC"), ("Ukraina", "LOC")])
    assert {("Seoul", "Kritik", "condemn", ""), ("Yoon", "kecaman", "condemn", "Rusia"),
            ("Amerika Serikat", "dukungan", "support", "Ukraina")} <= found(cues)


def test_negation_flips_polarity_and_a_hedge_flags_its_sentence_without_a_row():
    text = ("Tiongkok tidak mendukung sanksi terhadap Korea Utara.\n"
            "Kim Jong Un dikabarkan mengecam Vladimir Putin.\n"
            "Putin memperingatkan Korea Selatan, mengklaim bahwa Seoul \"tidak perlu khawatir\".")
    cues = cues_of(text, [("Tiongkok", "LOC"), ("Korea Utara", "LOC"), ("Kim Jong Un", "PER"),
                          ("Vladimir Putin", "PER"), ("Putin", "PER"), ("Korea Selatan", "LOC"), ("Seoul", "LOC")])
    rows = cues.set_index("cue")
    assert rows.loc["mendukung", ["speaker", "polarity", "negated"]].tolist() == ["Tiongkok", "negative", True]
    assert "dikabarkan" not in rows.index and "hedge" not in set(cues.category)  # the reporter's, no stance
    assert rows.loc["mengecam", ["speaker", "hedged"]].tolist() == ["Kim Jong Un", True]
    assert not rows.loc["mendukung", "hedged"]
    assert rows.loc["mengklaim", ["speaker", "attribution"]].tolist() == ["Vladimir Putin", "coordinated"]
    assert rows.loc["khawatir", ["polarity", "negated"]].tolist() == ["positive", True]


def test_multi_word_cue_is_one_cue():
    cues = cues_of("Korea Selatan telah menyatakan keprihatinan mendalam atas upaya Rusia.",
                   [("Korea Selatan", "LOC"), ("Rusia", "LOC")])
    assert found(cues) == {("Korea Selatan", "menyatakan keprihatinan", "concern", "Rusia")}


# The seed cases: (doc_id prefix, speaker, category, target), read by hand from seeds/.
SEED_CASES = [
    ("002", "Seoul", "urge", "Korea Utara"),  # Seoul urging the withdrawal of North Korean troops
    ("002", "Yoon Suk Yeol", "condemn", "Korea Utara"),  # President Yoon condemning the deployment
    ("002", "Korea Utara", "deny", None),  # North Korea denying sending troops
    ("002", "", "accuse", "Pyongyang"),  # "Pyongyang dituduh": no agent
    ("002", "Korea Selatan", "concern", "Rusia"),  # deep concern over Russia's pact
    ("003", "Washington", "accuse", "Pyongyang"),
    ("003", "Gedung Putih", "warn", "Rusia"),
    ("003", "Adrienne Watson", "urge", "Korea Utara"),
    ("003", "Adrienne Watson", "claim", None),  # "Dia mengaku"
    ("004", "Vladimir Putin", "warn", "Korea Selatan"),
    ("004", "Vladimir Putin", "threaten", "Korea Utara"),
    ("004", "Amerika Serikat", "concern", "Vladimir Putin"),  # the US calls Putin's remarks worrying
    ("004", "Rusia", "accuse", "NATO"),
    ("004", "Rusia", "support", "Dewan Keamanan PBB"),  # resolution "didukung oleh Rusia"
    ("001", "Kurt Campbell", "commit", None),  # Campbell promising cooperation
    ("001", "Matthew Miller", "urge", "Pyongyang"),  # Miller asking Pyongyang to stop
]


@pytest.fixture(scope="module")
def seed_cues(seeds_cleaned, seeds_annotations, seeds_mentions):
    return stance_cues(seeds_cleaned.articles, seeds_mentions, seeds_annotations.sentences)


@pytest.mark.parametrize("doc, speaker, category, target", SEED_CASES)
def test_seed_cases(seed_cues, doc, speaker, category, target):
    rows = seed_cues[seed_cues.doc_id.str.startswith(doc) & (seed_cues.speaker == speaker)
                     & (seed_cues.category == category)]
    assert len(rows), f"no {category} cue by {speaker!r} in seed {doc}"
    if target is not None:
        assert target in set(rows.target)


def test_seed_cues_table_and_matrix(seed_cues):
    assert list(seed_cues.columns) == CUE_COLUMNS
    assert set(seed_cues.category) == set(STANCE_CATEGORIES) == set(CATEGORIES) - {"hedge"}
    texts = dict(zip(seed_cues.doc_id, seed_cues.sentence))
    assert all(cue in sentence for cue, sentence in zip(seed_cues.cue, seed_cues.sentence))
    assert texts
    matrix = stance_matrix(seed_cues)
    row = matrix[(matrix.speaker == "Washington") & (matrix.target == "Pyongyang")].iloc[0]
    assert (row.negative, row.positive, row.total) == (1, 0, 1)
    assert (matrix.speaker != "").all() and (matrix.target != "").all()
    assert set(filter_cues(seed_cues, categories=["warn"]).category) == {"warn"}


def test_cue_sentences_are_escaped_and_highlighted():
    cues = cues_of('<b>Rusia</b> mengecam NATO & <script>x</script>.', [("Rusia", "LOC"), ("NATO", "ORG")])
    html = cue_sentences_html(cues)
    assert "<script>" not in html and "<b>Rusia" not in html and "&amp;" in html
    assert '<span class="kw-cue">mengecam</span>' in html and '<span class="kw-target">NATO</span>' in html


def test_cli_stance_writes_the_cues_table(capsys, seeds_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("KORWATCH_CACHE", str(tmp_path))
    assert main(["stance", str(seeds_dir), "--speaker", "Washington"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False)
    assert list(frame.columns) == columns("cues")
    assert set(zip(frame.cue, frame.target)) == {("menuduh", "Pyongyang")}


def test_no_cues_gives_empty_tables_and_figure():
    from korwatch_utils.views.plots import stance_heatmaps

    cues = cues_of("Cuaca cerah di Jakarta hari ini.", [("Jakarta", "LOC")])
    assert cues.empty and list(cues.columns) == CUE_COLUMNS
    matrix = stance_matrix(cues)
    assert matrix.empty and list(matrix.columns) == ["speaker", "target", "negative", "neutral", "positive", "total"]
    assert "no cue" in stance_heatmaps(matrix).axes[0].get_title()


@pytest.mark.parametrize("phrase", list(load_cues().query("match == 'exclude'").cue))
def test_each_excluded_sense_gives_no_cue(phrase):
    cues = cues_of(f"Korea Utara {phrase} Rusia.", [("Korea Utara", "LOC"), ("Rusia", "LOC")])
    assert not any(set(cue.lower().split()) & set(phrase.lower().split()) for cue in cues.cue), phrase


@pytest.mark.parametrize("text, names, expected", [
    # the subject is seven words before its verb, past the rules' reach
    ("Pemerintah Jepang dalam pernyataan yang dirilis pada Selasa malam memprotes peluncuran rudal Korea Utara.",
     [("Jepang", "LOC"), ("Korea Utara", "LOC")], ("Jepang", "memprotes", "condemn", "Korea Utara")),
    # a relative clause's "yang" stands for the actor before it
    ("Korea Utara, yang selama ini mengecam latihan militer gabungan, kembali meluncurkan rudal.",
     [("Korea Utara", "LOC")], ("Korea Utara", "mengecam", "condemn", "")),
    # a noun cue as the subject of a passive verb: the actor is the verb's "oleh" agent
    ("Kecaman keras terhadap Amerika Serikat disampaikan oleh Menlu Sergei Lavrov.",
     [("Amerika Serikat", "LOC"), ("Sergei Lavrov", "PER")], ("Sergei Lavrov", "Kecaman", "condemn", "Amerika Serikat")),
])
def test_the_parse_finds_speakers_the_rules_leave_open(text, names, expected):
    cues = cues_of(text, names)
    assert expected in found(cues) and set(cues.attribution) == {"parse"}


def test_only_sentences_with_a_speakerless_cue_and_an_actor_are_parsed(monkeypatch):
    from korwatch_utils.analyses import stance

    parsed = []
    real_parse = stance.parse
    monkeypatch.setattr(stance, "parse", lambda texts: parsed.extend(texts) or real_parse(texts))
    text = ("Rusia mengecam sanksi itu.\n"                                   # the rules find Rusia: not parsed
            "Langkah tersebut dikecam secara luas.\n"                      # no actor named: not parsed
            "Pemerintah Jepang dalam pernyataan yang dirilis pada Selasa malam memprotes uji coba itu.")
    cues = cues_of(text, [("Rusia", "LOC"), ("Jepang", "LOC")])
    assert parsed == ["Pemerintah Jepang dalam pernyataan yang dirilis pada Selasa malam memprotes uji coba itu."]
    assert list(cues.speaker) == ["Rusia", "", "Jepang"]
