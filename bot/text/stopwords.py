"""Function words of Hindi and English: what carries grammar, not news.

Used to find the content words of a sentence (extractive summary) and of an article
(grouping one story told by several sources).
"""

from __future__ import annotations


def word_set(words: str) -> frozenset[str]:
    """The whitespace-separated words of a string, as a set (keeps word lists readable)."""
    return frozenset(words.split())


HINDI_STOPWORDS = word_set(
    """
    अंदर अत अदि अप अपना अपनी अपने अभी अब आदि आप इत्यादि इन इनका इन्हीं इन्हें इन्हों इस इसका
    इसकी इसके इसमें इसी इसे उन उनका उनकी उनके उनको उन्हीं उन्हें उन्होंने उस उसके उसी उसे एक एवं
    एस ऐसे और कई कर करता करते करना करने करें कहते कहा का काफ़ी कि कितना किन्हें किन्हों किया
    किर किस किसी किसे की कुछ कुल के को कोई कौन कौनसा गया घर जब जहाँ जहां जा जिन जिन्हें
    जिन्हों जिस जिसे जीधर जैसा जैसे जो तक तब तरह तिन तिन्हें तिन्हों तिस तिसे तो था थी थे दबारा
    दिया दुसरा दूसरे दो द्वारा न नहीं ना निहायत नीचे ने पर पहले पूरा पे फिर बनी बही बहुत बाद
    बाला बिलकुल भी भीतर मगर मानो मे में मैं मैंने यदि यह यहाँ यहां यही या यिह ये रखें रहा रहे
    ऱ्वासा लिए लिये लेकिन व वग़ैरह वर्ग वह वहाँ वहां वहीं वाले वुह वे वो सकता सकते सबसे सभी
    साथ साबुत साभ सारा से सो ही हुआ हुई हुए है हैं हो होता होती होते होना होने हम हमें हमारा
    हमारे हमारी तुम आपका आपके आपकी रही रहें रहती रहते गए गई गयी जाता जाती जाते जाएगा जाएगी
    जाएंगे होगा होगी होंगे वाला वाली बल्कि केवल न केवल हालांकि हालाँकि इसलिए क्योंकि अगर
    तथा अर्थात यानी जबकि लगभग कहीं कभी सब अन्य अधिक कम बड़ा बड़े बड़ी साथ-साथ
    """
)

ENGLISH_STOPWORDS = word_set(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves said says say according new one two year years per cent percent mr ms like
    """
)

STOPWORDS = HINDI_STOPWORDS | ENGLISH_STOPWORDS

#: Words of reporting rather than of a story: two articles sharing them share nothing.
NEWS_FILLER = word_set(
    """
    official officials confirmed confirm told reporters statement week weeks month months
    today yesterday tuesday monday wednesday thursday friday saturday sunday government
    minister ministry report reports reported added announced news people percent time
    कहा बताया सरकार मंत्री मंत्रालय अधिकारी अधिकारियों संवाददाताओं संवाददाता रिपोर्ट सप्ताह
    हफ्ते महीने साल वर्ष आज कल सोमवार मंगलवार बुधवार गुरुवार शुक्रवार शनिवार रविवार घोषणा
    जानकारी लोगों लोग प्रतिशत समय बयान खबर समाचार
    """
)
