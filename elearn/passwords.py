"""Is a new password easy to guess? (ASVS 2.1.7: check against breached and common passwords.)

zxcvbn estimates how many guesses an attacker needs, with its lists of the 30,000 most common
passwords from public breaches, names, English words and patterns (repeats, keyboard rows,
dates, sequences, l33t). We add Italian words people often use and the person's own name and
e-mail. No composition rules (ASVS 2.1.9): a long sentence of ordinary words passes.
"""

from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

# zxcvbn's own ceiling; a password longer than this is judged by its first 72 characters.
ZXCVBN_MAX = 72
# Score 3 = about 10^8 guesses or more: "safely unguessable" for an online attack and a
# moderate defence if hashes ever leaked.
MIN_SCORE = 3

# Words of this site and Italian favourites that zxcvbn's English lists do not know.
LOCAL_WORDS = (
    "welfare",
    "welfare3",
    "cooperativa",
    "cooperative",
    "milano",
    "password",
    "parola",
    "segreta",
    "ciao",
    "amore",
    "tiamo",
    "juventus",
    "inter",
    "milan",
    "napoli",
    "forza",
    "roma",
    "lazio",
    "famiglia",
    "mamma",
    "papa",
    "bambini",
    "lavoro",
    "stipendio",
    "qwertyuiop",
)


def is_weak(password: str, personal: Iterable[str] = ()) -> bool:
    """True when the password is common, a simple pattern or built on the person's data."""
    inputs = list(LOCAL_WORDS)
    for value in personal:
        text = str(value or "").lower()
        local = text.split("@")[0]
        words = text.replace("@", " ").replace(".", " ").split()
        # "Mario Rossi" gives mario, rossi and mariorossi; "m.rossi@x.it" gives m.rossi too.
        for part in (*words, "".join(text.split()), local):
            if len(part) >= 3:
                inputs.append(part)
    return zxcvbn(password[:ZXCVBN_MAX], user_inputs=inputs)["score"] < MIN_SCORE
