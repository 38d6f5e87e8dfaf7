"""Indonesian word knowledge, each word class written once: every rule that needs one imports it from here.

Like spaCy's `lang/id/`, split by concern: words of reference and clause
structure, reporting and stance, time. Sources: the closed classes
(pronouns, prepositions, conjunctions, negations) follow Tata Bahasa Baku
Bahasa Indonesia (Alwi et al., 4th ed., 2017) as news uses them; reporting
verbs, weekdays, months, number words and time words are those of Indonesian
news wire copy (KBBI spellings, with the variants news writes: "Jum'at",
"Pebruari", "Agt"). Honorifics and titles before names are data, in
korwatch_utils/data/titles.csv; the cue lexicon in data/stance_cues.csv.
"""

from __future__ import annotations

import re
import unicodedata

# --- words and names -------------------------------------------------------------------------------
# A word, for the rules that need words: letters and digits, joined by inner hyphens ("Korea-Rusia",
# "negara-negara"). The parser splits sentences by its own rule (`nlp.syntax.TOKEN`), matched to its training data.
WORD = re.compile(r"\w+(?:-\w+)*")
CLITICS = ("nya", "lah", "kah")  # enclitics a word may end in: "katanya", "siapakah"
_HYPHENS = re.compile(r"[-\u2010-\u2015]")


def words(text: str) -> list[str]:
    """The words of a text, as WORD finds them."""
    return WORD.findall(text)


def alternation(words_: tuple[str, ...] | list[str]) -> str:
    """The words as a regular-expression alternation, in the order given ("ia|dia|beliau")."""
    return "|".join(re.escape(word) for word in words_)


def fold(name: str) -> str:
    """The key that spelling variants share: no accents, case, hyphens or full stops.

    "Kim Jong-un", "KIM JONG UN" and "Kim Jong Un" fold alike, as do
    "Perserikatan Bangsa-Bangsa" and "Perserikatan Bangsa Bangsa".
    """
    name = unicodedata.normalize("NFKD", name)
    name = "".join(ch for ch in name if not unicodedata.combining(ch))
    name = _HYPHENS.sub(" ", name.casefold()).replace(".", "")
    return " ".join(name.split())


# Function words, whose share tells running prose from menus, headlines and credits (a subset of
# stopwords-iso's Indonesian list, the words news prose uses most).
FUNCTION_WORDS = frozenset((
    "yang dan di ke dari ini itu dengan untuk pada adalah dalam tidak akan juga oleh sebagai bahwa atau karena "
    "telah sudah ada para saat bisa harus kata tersebut lebih masih namun agar kami mereka ia dia kita saya "
    "antara setelah sebelum hingga sejak tetapi serta jika maka pun lagi hanya sangat secara dapat menjadi "
    "terhadap bagi seperti belum bukan".split()))

# --- reference and clause structure ----------------------------------------------------------------
PERSONAL_PRONOUNS = ("ia", "dia", "beliau")  # third person singular: stand for a person named before
OTHER_PRONOUNS = ("mereka", "kami", "kita", "saya", "aku")
DEMONSTRATIVES = ("itu", "tersebut", "ini")  # "kementerian itu": the ministry named before
# Conjunctions and subordinators that open another clause.
CONJUNCTIONS = ("bahwa", "dan", "tetapi", "namun", "sementara", "setelah", "karena", "ketika", "saat", "sehingga",
                "jika", "agar", "untuk", "guna")
NEGATIONS = ("tidak", "tak", "bukan", "belum", "tanpa", "jangan", "enggan")
# Adverbs and auxiliaries that stand between a subject and its verb: "Prakash juga mengaku", "warga pun menolak".
AUXILIARIES = ("juga", "pun", "telah", "sudah", "akan", "masih", "sempat", "kembali", "terus", "bahkan", "lantas",
               "lalu", "kemudian", "segera", "pernah", "hanya", "sedang", "tengah", "langsung", "justru", "tetap",
               "sekali", "lagi", "secara", "resmi", "keras", "sangat", "mulai", "turut", "ikut")
RELATIVE = "yang"  # "warga yang menolak": the phrase before it is the verb's subject
# Words that introduce or join clauses and are never part of an actor's name: "yakni mendesak", "serta memicu".
CLAUSE_LINKS = ("serta", "yakni", "yaitu", "ialah", "adalah", "merupakan", "bahkan", "sebelumnya", "kemudian",
                "selain", "namun", "tetapi", "sehingga", "hingga", "lewat", "melalui")
VERB_PREFIXES = ("me", "ber", "di", "ter", "memper")  # a lower-case word with one of these is a verb, not a name

# --- prepositions ----------------------------------------------------------------------------------
TARGET_PREPOSITIONS = ("terhadap", "atas", "kepada", "bagi", "pada")  # "kecaman X terhadap Y": Y is the target
TOWARDS = (*TARGET_PREPOSITIONS, "dengan", "untuk")  # any preposition a stance's target may follow
AGENT_PREPOSITION = "oleh"  # the agent of a passive: "dikecam oleh X"
ACCORDING_TO = "menurut"  # "menurut X": X said it
ON = "pada"  # "pada hari Senin"
AT = "di"
# Prepositions that end a noun phrase read backwards from a verb: a subject never follows them.
PHRASE_BREAKS = ("di", "ke", "dari", "dalam", "atas", "kepada", "terhadap", "pada", "dengan", "untuk", "oleh",
                 "bagi", "tentang", "soal", "terkait", "menurut", "sejak", "hingga", "sampai", "antara", "saat")
TEMPORAL_PREPOSITIONS = (ON, "sejak", "hingga", "sampai")  # before a date or a year: on, since, until
UNTIL = ("sampai", "hingga")  # between the two ends of a range: "Senin sampai Kamis"

# --- reporting -------------------------------------------------------------------------------------
# Roots that report speech after a quote: '"...," kata X', 'ujarnya'.
REPORTING_ROOTS = ("kata", "ujar", "ucap", "tutur", "ungkap", "jelas", "tegas", "tambah", "imbuh", "papar", "terang",
                   "sebut")
# Verbs whose subject says what follows: "X mengatakan bahwa ...".
REPORTING_VERBS = ("mengatakan", "menyatakan", "berkata", "menegaskan", "menambahkan", "menyebut", "menyebutkan",
                   "menjelaskan", "mengungkapkan", "menilai", "menganggap", "mengklaim", "melaporkan",
                   "memberitakan", "menggambarkan", "menulis")
# Bare nouns whose actor follows them: "kritik Seoul".
BARE_NOUNS = ("kritik", "klaim", "janji", "komitmen", "protes", "tekad", "ikrar")

# --- time ------------------------------------------------------------------------------------------
MONTHS = {"januari": 1, "februari": 2, "pebruari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
          "agustus": 8, "september": 9, "oktober": 10, "november": 11, "nopember": 11, "desember": 12,
          "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "agu": 8, "agt": 8, "ags": 8, "sep": 9,
          "sept": 9, "okt": 10, "nov": 11, "des": 12}
MONTH_ABBREVIATIONS = {name for name in MONTHS if len(name) <= 4 and name not in ("juni", "juli", "mei")}
WEEKDAYS = {"senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "sabtu": 5, "minggu": 6,
            "ahad": 6}
WEEKDAY_NAMES = tuple(name.capitalize() for name in WEEKDAYS)  # as written: "Senin", "Jum'at"
NUMBER_WORDS = {"satu": 1, "se": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
                "delapan": 8, "sembilan": 9, "sepuluh": 10}
TIME_UNITS = {"hari": "day", "pekan": "week", "minggu": "week", "bulan": "month", "tahun": "year"}
DAY, MONTH_WORD, YEAR_WORD = "hari", "bulan", "tahun"
WEEK_WORDS = tuple(word for word, unit in TIME_UNITS.items() if unit == "week")  # "minggu" is Sunday too
FUTURE_WORDS = ("akan", "dijadwalkan", "berencana", "rencananya", "direncanakan", "hendak", "mendatang")
PARTS_OF_MONTH = {"awal": (1, 10), "pertengahan": (11, 20), "medio": (11, 20), "akhir": (21, 31)}
WEEK_SHIFTS = {"lalu": -1, "kemarin": -1, "depan": 1, "ini": 0}
DAY_SHIFTS = {"kemarin lusa": -2, "kemarin": -1, "hari ini": 0, "besok": 1, "lusa": 2}
TOMORROW = ("besok", "esok")
# Words before a weekday that make it no day: "setiap Senin" (every), "salat Jumat" (a prayer).
EVERY = ("setiap", "tiap", "saban")
PRAYER = ("salat", "shalat", "sholat", "solat")

# --- offices ---------------------------------------------------------------------------------------
# Titles of the offices in data/officeholders.csv, as Indonesian news writes them before a name.
OFFICE_TITLES = {
    "head_of_state": r"Presiden|Pemimpin(?:\s+Tertinggi)?|Kepala\s+Negara",
    "head_of_government": r"Perdana\s+Menteri|PM|Premier",
    "foreign_minister": r"Menteri\s+Luar\s+Negeri|Menlu|Menteri\s+Urusan\s+Luar\s+Negeri",
    "defence_minister": r"Menteri\s+Pertahanan|Menhan",
    "secretary_general": r"Sekretaris\s+Jenderal|Sekjen",
}
# A title after these words is not held now ("mantan Presiden", "calon Presiden").
NOT_IN_OFFICE = ("mantan", "eks", "bekas", "calon", "capres", "cawapres", "kandidat", "almarhum", "mendiang",
                 "pengganti", "era", "masa", "zaman", "rezim")
