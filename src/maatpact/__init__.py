"""Maatpact: werkinstrument van het Maatpact Hart van Brabant."""
