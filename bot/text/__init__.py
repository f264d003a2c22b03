"""Text handling for Hindi and English: normalization, cleaning, sentences, language, similarity.

`normalize` (NFC, invisible characters, glued sentences) → `clean` (front matter, Markdown,
site chrome; patterns in `boilerplate`) → `sentences`, `language`, `similarity` (dedup
fingerprints). `translit` folds Latin and Devanagari spellings of a name to one key.
Everything here is pure and offline: no model, no network.
"""
