"""Access rules for consent and privacy settings: workers only."""

RULES = {
    "privacy.first_choice": ("worker",),
    "privacy.settings": ("worker",),
}
