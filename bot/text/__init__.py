"""Text handling for Hindi and English: normalization, cleaning, sentences, language, similarity."""
