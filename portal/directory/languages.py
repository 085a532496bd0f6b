"""Languages people may ask for by ISO 639-1 code, named in the reader's language."""

from portal.i18n import N_

LANGUAGE_CHOICES = {
    "en": N_("English"), "es": N_("Spanish"), "pl": N_("Polish"), "ar": N_("Arabic"), "zh": N_("Chinese"),
    "vi": N_("Vietnamese"), "tl": N_("Tagalog"), "ru": N_("Russian"), "uk": N_("Ukrainian"), "fr": N_("French"),
    "ht": N_("Haitian Creole"), "ko": N_("Korean"), "hi": N_("Hindi"), "ur": N_("Urdu"), "sw": N_("Swahili"),
}
