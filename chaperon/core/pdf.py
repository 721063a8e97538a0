"""Text for PDFs made with fpdf2's core fonts (nothing bundled, nothing fetched).

Core fonts hold Latin-1 only: typographic punctuation is put into its plain form, and any other
character outside Latin-1 becomes "?", so no text can stop a document being made.
"""

_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u2022": "*",
    }
)


def latin1(text: str) -> str:
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")
