"""Validation errors of the course format: a code with parameters, shown as `path:line: message`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Message templates per language. Every code has an English and an Italian text.
MESSAGES: dict[str, dict[str, str]] = {
    # files and YAML
    "not_utf8": {
        "en": "file is not valid UTF-8 text",
        "it": "il file non è testo UTF-8 valido",
    },
    "nul_character": {
        "en": "the file contains a NUL character (byte 0): save it again as plain text",
        "it": "il file contiene un carattere NUL (byte 0): salvalo di nuovo come testo semplice",
    },
    "yaml_invalid": {
        "en": "invalid YAML: {detail}",
        "it": "YAML non valido: {detail}",
    },
    "yaml_alias": {
        "en": "YAML aliases (*name) are not allowed",
        "it": "gli alias YAML (*nome) non sono ammessi",
    },
    "duplicate_key": {
        "en": "duplicate key '{key}'",
        "it": "chiave duplicata '{key}'",
    },
    "not_mapping": {
        "en": "expected 'key: value' lines (a YAML mapping)",
        "it": "attese righe 'chiave: valore' (una mappa YAML)",
    },
    "unknown_key": {
        "en": "unknown key '{key}' (allowed: {allowed})",
        "it": "chiave sconosciuta '{key}' (ammesse: {allowed})",
    },
    "missing_key": {
        "en": "missing required key '{key}'",
        "it": "manca la chiave obbligatoria '{key}'",
    },
    "not_text": {
        "en": "'{key}' must be a non-empty text",
        "it": "'{key}' deve essere un testo non vuoto",
    },
    "not_text_list": {
        "en": "'{key}' must be a list of non-empty texts",
        "it": "'{key}' deve essere un elenco di testi non vuoti",
    },
    "not_bool": {
        "en": "'{key}' must be true or false",
        "it": "'{key}' deve essere true o false",
    },
    "not_number": {
        "en": "'{key}' must be a number (use a dot for decimals: 7.5)",
        "it": "'{key}' deve essere un numero (usa il punto per i decimali: 7.5)",
    },
    "not_choice": {
        "en": "'{key}' must be one of: {allowed} (found '{value}')",
        "it": "'{key}' deve essere uno tra: {allowed} (trovato '{value}')",
    },
    "duplicate_value": {
        "en": "'{key}' lists '{value}' more than once",
        "it": "'{key}' elenca '{value}' più di una volta",
    },
    "empty_list": {
        "en": "'{key}' must not be empty",
        "it": "'{key}' non deve essere vuoto",
    },
    "symlink": {
        "en": "symbolic links are not allowed in a course folder",
        "it": "i collegamenti simbolici non sono ammessi nella cartella del corso",
    },
    "bad_path": {
        "en": "unsafe file path '{name}'",
        "it": "percorso di file non sicuro '{name}'",
    },
    # course.yml
    "course_missing": {
        "en": "course.yml is missing",
        "it": "manca il file course.yml",
    },
    "bad_course_slug": {
        "en": "course folder name '{slug}' must use only lowercase letters, digits and hyphens",
        "it": (
            "il nome della cartella del corso '{slug}' deve contenere solo lettere minuscole, "
            "cifre e trattini"
        ),
    },
    "bad_pass_score": {
        "en": "'pass_score' must be a whole number from 0 to 100",
        "it": "'pass_score' deve essere un numero intero da 0 a 100",
    },
    "bad_module_entry": {
        "en": "module entry '{name}' must be the name of a .md file in the course folder",
        "it": "la voce '{name}' deve essere il nome di un file .md nella cartella del corso",
    },
    "module_missing": {
        "en": "module file '{name}' is listed but does not exist",
        "it": "il modulo '{name}' è elencato ma il file non esiste",
    },
    "no_modules": {
        "en": "the course has no modules",
        "it": "il corso non ha moduli",
    },
    # module files
    "module_too_long": {
        "en": "the module has {size} characters, at most {max}: split it into two modules",
        "it": "il modulo ha {size} caratteri, al massimo {max}: dividilo in due moduli",
    },
    "too_many_brackets": {
        "en": "the module has more than {max} '[' (links, images, glossary terms) up to "
        "this line: split it into two modules",
        "it": "il modulo ha più di {max} '[' (link, immagini, termini del glossario) fino a "
        "questa riga: dividilo in due moduli",
    },
    "bad_module_slug": {
        "en": "module file name '{name}' must use only lowercase letters, digits and hyphens",
        "it": "il nome del file del modulo '{name}' deve contenere solo lettere minuscole, "
        "cifre e trattini",
    },
    "front_matter_missing": {
        "en": "front matter missing: the file must start with a '---' block with title and minutes",
        "it": (
            "intestazione mancante: il file deve iniziare con un blocco '---' con title e minutes"
        ),
    },
    "front_matter_unclosed": {
        "en": "front matter is not closed by a '---' line",
        "it": "l'intestazione non è chiusa da una riga '---'",
    },
    "bad_minutes": {
        "en": "'minutes' must be a whole number from 1 to {max}",
        "it": "'minutes' deve essere un numero intero da 1 a {max}",
    },
    "unknown_container": {
        "en": "unknown block ':::{name}' (allowed: {allowed})",
        "it": "blocco sconosciuto ':::{name}' (ammessi: {allowed})",
    },
    "image_not_media": {
        "en": "image '{src}' must be a relative path inside media/, e.g. media/grafico.png",
        "it": (
            "l'immagine '{src}' deve essere un percorso relativo in media/, es. media/grafico.png"
        ),
    },
    "image_missing": {
        "en": "image not found: '{src}' (put the file in the course's media/ folder)",
        "it": "immagine non trovata: '{src}' (metti il file nella cartella media/ del corso)",
    },
    "media_type": {
        "en": "media file '{name}' is not a supported image ({allowed})",
        "it": "il file '{name}' in media/ non è un'immagine supportata ({allowed})",
    },
    "unknown_term": {
        "en": "glossary term '{term}' is not defined in glossary.yml",
        "it": "il termine '{term}' non è definito in glossary.yml",
    },
    # quiz blocks
    "single_correct": {
        "en": "'single' question needs exactly one correct choice (found {count})",
        "it": "una domanda 'single' richiede esattamente una scelta corretta (trovate {count})",
    },
    "multiple_correct": {
        "en": "'multiple' question needs at least one correct choice",
        "it": "una domanda 'multiple' richiede almeno una scelta corretta",
    },
    "choices_required": {
        "en": "'{type}' question needs 'choices' with at least 2 choices (found {count})",
        "it": "una domanda '{type}' richiede 'choices' con almeno 2 scelte (trovate {count})",
    },
    "key_not_for_type": {
        "en": "'{key}' is not used by '{type}' questions",
        "it": "'{key}' non si usa nelle domande '{type}'",
    },
    "number_answer": {
        "en": "'number' question needs a numeric 'answer'",
        "it": "una domanda 'number' richiede una risposta numerica 'answer'",
    },
    "bad_tolerance": {
        "en": "'tolerance' must be a number >= 0",
        "it": "'tolerance' deve essere un numero >= 0",
    },
    "bad_quiz_id": {
        "en": "'id' must use only letters, digits, hyphens and underscores (at most 80)",
        "it": "'id' deve contenere solo lettere, cifre, trattini e trattini bassi (al massimo 80)",
    },
    "duplicate_quiz_id": {
        "en": "duplicate quiz id '{id}' (first used on line {first_line})",
        "it": "id di quiz duplicato '{id}' (già usato alla riga {first_line})",
    },
    # simulator blocks
    "simulator_name_missing": {
        "en": "the block needs a simulator name, e.g. ```simulator loan (available: {allowed})",
        "it": "il blocco richiede il nome di un simulatore, es. ```simulator loan "
        "(disponibili: {allowed})",
    },
    "unknown_simulator": {
        "en": "unknown simulator '{name}' (available: {allowed})",
        "it": "simulatore sconosciuto '{name}' (disponibili: {allowed})",
    },
    "unknown_field": {
        "en": "unknown field '{key}' for simulator '{name}' (allowed: {allowed})",
        "it": "campo sconosciuto '{key}' per il simulatore '{name}' (ammessi: {allowed})",
    },
    "bad_entries": {
        "en": "'{key}' must be a list of entries with {fields}",
        "it": "'{key}' deve essere un elenco di voci con {fields}",
    },
    # glossary.yml
    "bad_definition": {
        "en": "definition of '{term}' must be a non-empty text",
        "it": "la definizione di '{term}' deve essere un testo non vuoto",
    },
    # zip archives
    "zip_invalid": {
        "en": "not a valid zip file",
        "it": "non è un file zip valido",
    },
    "zip_encrypted": {
        "en": "encrypted zip entries are not supported",
        "it": "i file zip cifrati non sono supportati",
    },
    "zip_symlink": {
        "en": "symbolic links are not allowed in the zip",
        "it": "i collegamenti simbolici non sono ammessi nello zip",
    },
    "zip_duplicate": {
        "en": "the zip contains this file twice",
        "it": "lo zip contiene questo file due volte",
    },
    "zip_too_many_files": {
        "en": "the zip holds more than {max} files",
        "it": "lo zip contiene più di {max} file",
    },
    "zip_too_large": {
        "en": "the zip content is larger than {max} bytes once extracted",
        "it": "il contenuto dello zip supera {max} byte una volta estratto",
    },
    "zip_ratio": {
        "en": "suspicious compression ratio (over {max}:1)",
        "it": "rapporto di compressione sospetto (oltre {max}:1)",
    },
    "zip_size_mismatch": {
        "en": "the file is larger than its declared size",
        "it": "il file è più grande della dimensione dichiarata",
    },
    "zip_layout": {
        "en": "the zip must hold one course: course.yml at the top or in one folder",
        "it": "lo zip deve contenere un corso: course.yml in cima o in un'unica cartella",
    },
}

#: Prefix of the message per context, so quiz and simulator problems read `quiz: ...`.
CONTEXT_PREFIXES: dict[str, dict[str, str]] = {
    "quiz": {"en": "quiz: ", "it": "quiz: "},
    "choice": {"en": "quiz choice: ", "it": "scelta del quiz: "},
    "simulator": {"en": "simulator: ", "it": "simulatore: "},
    "front_matter": {"en": "front matter: ", "it": "intestazione: "},
}

LANGUAGES = ("en", "it")


@dataclass(frozen=True)
class CourseError:
    """One problem in a course file; `str()` gives the English `path:line: message`."""

    path: str
    line: int
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    context: str = ""

    def message(self, lang: str = "en") -> str:
        """The message alone (without path and line) in `lang` ('en' or 'it')."""
        lang = lang if lang in LANGUAGES else "en"
        template = MESSAGES[self.code][lang]
        prefix = CONTEXT_PREFIXES.get(self.context, {}).get(lang, "")
        return prefix + template.format(**self.params)

    def format(self, lang: str = "en") -> str:
        """`path:line: message` with the message in `lang` ('en' or 'it')."""
        return f"{self.path}:{self.line}: {self.message(lang)}"

    def __str__(self) -> str:
        return self.format("en")


class ErrorList(list[CourseError]):
    """A list of errors with a shortcut to add one."""

    def add(self, path: str, line: int, code: str, context: str = "", **params: Any) -> None:
        self.append(CourseError(path, max(1, line), code, params, context))


def sort_errors(errors: list[CourseError]) -> list[CourseError]:
    """Errors ordered by file, then line, keeping the discovery order within a line."""
    return sorted(errors, key=lambda e: (e.path, e.line))
