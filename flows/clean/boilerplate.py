"""Boilerplate removal: keep the article's main block, drop page furniture.

A text dump of a web page is a column of lines: menus, teasers, the article, comment
threads, footers. Each line gets a score from cheap features (length in words, or in
characters for CJK; sentence-final punctuation; Title-Case headline look; furniture
phrases such as cookie/subscribe/©; repetition on the page). The body is the
maximum-scoring contiguous run of lines (Kadane's algorithm), which keeps the odd
short subheading inside an article but not a menu next to it. Three page-structure
signals shape that search:

- **barriers**: a line such as "Comments", "Most read" or "You may also like" is
  never inside an article, so the run cannot cross it;
- **headline anchor**: pages repeat the headline (their first line, minus " - Site")
  just above the body, so an occurrence followed by content is where the body
  starts; content before it counts for less;
- **after the comments**: once the article has started, content after a comment
  marker is reader comments, which count for little.

Inside the chosen run, a heading of a list of links ("Trending News", "Related",
"Leia também") is dropped with the short lines after it, up to the next line of
prose: sites set such insets in the middle of a story, which goes on below them.
Photo captions and credits, author lines ("By …") and date stamps ("Updated 1:33 am
CST, Wednesday, November 20, 2019") score as furniture; a line that is only a
relative time ("32M ago") stamps a feed's teaser and is a soft end.

Across documents, a short line that recurs in several different documents of the
same source (URL host, or input file/folder when there is no URL) in one batch is
the site's furniture ("Our newsletter, every morning."), and is scored like a line
repeated on its own page. Long lines are exempt: a paragraph in several documents
is a story printed twice, not furniture (the warehouse's `duplicate_articles` view
finds articles whose whole body another one has).

Within the kept lines, a long line that repeats the rest of the article is dropped:
pages carry the story again in their metadata (schema.org's `articleBody`, as
JSON-LD or microdata, which text dumps print as one line), so the article came out
twice, once in paragraphs and once or twice more as a single line
(`repeated_copies`).

The weights were set on the dev set's pages by a coarse grid with a broad plateau
(F1 moves < 0.005 around them), not per page. Measured with `newsclean eval`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

import polars as pl

from flows.clean.headline import WORD, equal_lines, norm, strip_site_suffix
from flows.clean.repairs import repair
from flows.clean.rows import map_rows

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
SENTENCE_END = re.compile(r"[.!?…。！？\"”’»)\]]\s*$")
# (?:^|\W) … (?:\W|$) rather than \b … \b: the same lines match (every phrase starts
# and ends with a letter), and Rust's regex runs it on its DFA, 16x faster than
# with a Unicode \b.
FURNITURE = re.compile(
    r"(?i)(?:^|\W)(?:cookies?|(?:un)?subscribe|sign up|sign in|log ?in|newsletter|"
    r"all rights reserved|copyright|advertisement|share this|follow us|read more|"
    r"click here|terms of (?:use|service)|privacy policy|share (?:on|via|to) (?:facebook|"
    r"twitter|linkedin|whatsapp|e-?mail|pinterest|reddit|messenger|telegram)|"
    # what a page says to the reader's browser or about reprints, never to the story
    r"enable javascript|javascript is (?:required|disabled)|non-commercial use|"
    r"thanks for watching|"
    # a newsletter box's other words
    r"stay up[ -]to[ -]date|suc+es+fully subscribed|thanks for subscribing|activation link"
    r")(?:\W|$)|©|スポンサードリンク|スポンサーリンク"  # a Japanese blog's "sponsored link"
)
# Furniture by the shape of the whole line. Kept apart from FURNITURE: as one
# pattern, polars' regex engine took 36 times as long over the dev set's lines
# (182 ms against 5 + 7 ms), and Python's 2.6 times.
FURNITURE_LINE = re.compile(
    r"(?i)^\W*(?:"
    # "Related: <a headline>" ("See more:", "Read next:" …)
    r"(?:related|see (?:more|also)|more|read next|(?:also|read) (?:read|also))\s*:|"
    # a lone media or widget label: "Video", "Featured Video", "Close", "Advert"
    r"(?:(?:featured|latest|more|top)\s+)?(?:videos?|photos?)\W*$|"
    r"(?:podcast|gallery|watch|listen|close|advert)\W*$|"
    # an author box's role line: "Staff Writer", "Opinion Columnist", "Ideas Contributor"
    r"(?:(?:senior|staff|contributing|opinion|ideas|guest|chief|deputy|managing|"
    r"executive|associate)\s+)?(?:writer|reporter|editor|columnist|contributor|"
    r"correspondent)\W*$|"
    # a share counter ("0 shares"), a slideshow's "Image 1 of / 23", "View all (4)"
    r"(?:[\d,.]+k?\s+)?shares?\W*$|image \d+ of\W*\d+\W*$|view all \(\d+\)\W*$|"
    # a link to more coverage: "Follow AP's full coverage of Brexit at …"
    r"(?:follow \S+\s+)?(?:full|more) coverage\b)|"
    # a bare number (an article id) or counter ("1 / 4")
    r"^\s*\d{6,}\s*$|^\s*\d+\s*/\s*\d+\s*$|"
    # how to reach the reporter: "Write to Al Root at allen.root@…"
    r"^(?:write to|reach|contact|email)\s+(?:\w+\s+){0,3}(?:at|on)\s+(?:\S+@|twitter|https?://)|"
    # a Japanese blog's tag or category line: "タグ: ソフトウェア"
    r"^(?:タグ|カテゴリー?)\s*[:：]"
)
# "Follow VentureBeat on Twitter", "Have a tip? … Follow her on Twitter @AmyKup":
# 36 of 37 such lines on the dev set's pages were not article text. Only in a line
# of fewer than FOLLOW_MAX_WORDS words: a post's last paragraph may end "… Follow
# him on Instagram to watch."
FOLLOW = re.compile(
    r"(?i)(?:^|\W)follow\W[^.!?]{0,60}(?:twitter|facebook|instagram|linkedin|youtube)(?:\W|$)"
)
FOLLOW_MAX_WORDS = 25
# A photo caption or credit line: "Image caption …", "Photo: A. Name, AP", "Image 3
# of 5", "… (Image: GETTY)", "… (Photo by A. Name/Getty Images for …)", "… Credit:
# Reuters", "Photograph by …/Getty Images". On the dev set's pages 74 of 78 such
# lines were not article text; every one of the 12 lines that say "file photo" on
# the dev set's 297 pages is a caption.
CAPTION = re.compile(
    r"(?i)^(?:image (?:caption|copyright)(?:\W|$)|photo(?:graph)?(?::| by\W)|image \d+ of \d+$|"
    r"caption$)|\((?:image|photo|picture)s?(?: credit)?(?::| by\s)[^()]*\)$|"
    # a wire photo's credit closing its caption: "(AP Photo/Evan Vucci)", "(AFP Photo)"
    r"\((?:ap|afp|upi|epa|reuters)\s+(?:file\s+)?photo(?:/[^()]*)?\)$|"
    r"(?:^|\W)(?:credit|photograph):[^.!?]{0,60}$|(?:getty images|shutterstock|istock)\)?$|"
    # the wire services' "FILE - In this June 20, 2020, file photo, …", "(PTI File Photo)"
    r"(?:^|\W)file photo(?:\W|$)|"
    # … or that ends in a picture agency: "Michael Conroy, AP", "(Manu Fernandez/AP)",
    # "… Austria. Leonhard Foeger / Reuters file", "Registry via AP", "Reuters". Not a
    # wire story's sign-off ("… on August 11-21. — AFP"), which is the article's.
    r"(?:^|[,/|]\s*|\svia\s+)(?:the\s+)?(?:ap|associated press|reuters|afp|epa|"
    r"getty|bloomberg|alamy|dpa|xinhua)(?:\s+(?:file|photo|images?))?\)?$"
)
# An author line: "By Laura Mowat", "By Tess Bonn - 11/19/19 06:56 AM EST", "Von
# Moritz Bachmann publiziert am …" (case-sensitive; a sentence such as "By Tuesday,
# the water had receded." ends with a full stop). None of the dev set's 41 was
# article text.
BYLINE_LINE = re.compile(r"^(?:By|BY|Von|Por|Par|Door|Oleh)\s+[A-Z@][^\n]*[^.!?\s]\s*$")
# A line that is only a date stamp: "Updated 1:33 am CST, Wednesday, November 20,
# 2019", "PUBLISHED: 10:48, Tue, Nov 19, 2019", "Nov 18". Every word is a number,
# an English month or weekday, a time-of-day or zone word or a publication label,
# and it holds a day next to a month, a time (10:48) or a numeric date. On the dev
# set's pages 203 of 206 such lines were not article text (the three were parts
# of a line of the article). The dates step reads them from the text it keeps.
_MONTH_WORDS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|"
    "april|june|july|august|september|october|november|december"
)
_STAMP_WORD = (
    rf"\d{{1,4}}(?:st|nd|rd|th|am|pm|h)?|{_MONTH_WORDS}|"
    "mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|"
    "friday|saturday|sunday|am|pm|a\\.m|p\\.m|est|edt|cst|cdt|mst|mdt|pst|pdt|et|ct|pt|"
    "gmt|utc|bst|cet|cest|ist|aest|aedt|hkt|sgt|jst|wib|"
    "published|updated|posted|last|first|modified|on|at|date|publish|uhr"
)
STAMP_LINE = re.compile(rf"(?i)^\W*(?:(?:{_STAMP_WORD})(?:[\W_]+|$))+$")
# A day next to a month ("Nov 18", "20th November"; "September 2022" alone is an
# archive link or the end of a wrapped sentence), a time, or a numeric date. No
# look-arounds: polars' regex engine has none.
STAMP_DATE = re.compile(
    rf"(?i)(?:^|[\W\d_])(?:{_MONTH_WORDS})[\W_]*\d{{1,2}}(?:\D|$)|"
    rf"(?:^|\D)\d{{1,2}}(?:st|nd|rd|th)?[\W_]*(?:{_MONTH_WORDS})(?:[\W\d_]|$)|"
    r"\d{1,2}:\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}"
)
# A line of HTML left in the text: a tag with attributes (`<span data-mce-type="…"`,
# `<script type="…" src="…">`, `<img height="1" …>`) or a bare common tag
# (`</div>`, `<br>`). A browser shows nothing for it, so it reads as a blank line:
# scored as text, a style attribute weighed as many words as a paragraph, and as
# furniture it cut an article's last line off. A title in angle brackets ("<The
# Palace: Tale of Jang Noksu>", article text on a dev page) is no tag.
MARKUP = re.compile(
    r"^<[A-Za-z][\w:-]*\s+[\w:-]+\s*=\s*[\"']|^</?(?:a|b|i|p|br|hr|div|span|img|"
    r"script|style|iframe|noscript|meta|link|figure|section|ul|li|table|tr|td)\s*/?>$"
)
COMMENTS = re.compile(
    r"(?i)^\W*(\d+ comments?|comments?( \(\d+\))?|top rated comments|leave a (comment|reply)|"
    r"post a comment|show comments|view comments|join the (conversation|discussion)|"
    r"\d+ responses?( to .{0,80})?|discussion)\W*$"
)
BARRIER = re.compile(
    r"(?i)^\W*(most (viewed|read|popular|shared|commented)|recommended( for you| stories| "
    r"articles)?|you (may|might) (also )?(like|enjoy)|more (from|stories|news)\b.{0,40}|"
    r"trending( now| stories)?|popular( now| stories| posts)?|read next|what to read next|"
    r"popular on .{1,40}|around the web|sponsored (content|stories|links)|promoted stories|"
    r"about the (author|reporter|writer)|sources?|references?|about this statement|"
    # a press release's or a blog's closing box: "About Ascom", "Über Moritz Bachmann"
    # (in German, Portuguese, Spanish and French a full name: "Über Grenzen" may be a
    # subheading). On the dev set's gold pages none of 65 such lines was text.
    r"(?-i:About(?:\s+[A-ZÀ-ÖØ-Þ][\w.'’-]*){1,3}|(?:Über|Sobre|Acerca de|À propos de)"
    r"(?:\s+[A-ZÀ-ÖØ-Þ][\w.'’-]*){2,3}|"
    # a section's or the site's other stories: "More Washington Examiner", "More Sports"
    r"More(?:\s+[A-Z][\w'’.&-]*){1,4}))\W*$"
)
# Headings of a list of links to other articles: after the article, or an inset in
# it ("Trending News" and five headlines, then the story goes on). In the languages
# newsclean meets most; each alternative is a whole line. They score as any line
# does (an inset is no end of the article); what follows one is dropped up to the
# next line of prose (`_drop_link_lists`).
LINK_LIST = (
    r"related( articles| stories| posts| news| content| coverage| links| topics)?|"
    r"(quick|useful|helpful) links|"
    r"related coverage (from|on) .{1,60}|read (also|more)|see also|don['’]?t miss|"
    r"most (viewed|read|popular|shared|commented) (in|on) .{1,40}|"
    r"more .{1,30} (stories|articles|videos)|trending (news|articles|topics)|"
    # pt, es, fr, de, it, id, ru, ja
    r"voc[eê] (tamb[eé]m )?pode gostar|leia tamb[eé]m|veja tamb[eé]m|mais lid[ao]s|"
    r"(not[ií]cias|mat[eé]rias) relacionadas|"
    r"(tambi[eé]n )?te puede(n)? interesar|le[ae] tambi[eé]n|noticias relacionadas|"
    r"(lo )?m[aá]s le[ií]d[ao]s?|"
    r"vous aimerez (aussi|[eé]galement)|([àa] )?lire aussi|sur le m[eê]me sujet|les plus lus|"
    r"(das )?k[oö]nnte (sie|dich) auch interessieren|lesen sie auch|mehr zum thema|"
    r"meistgelesen(e)?|"
    r"potrebbe(ro)? interessarti|leggi anche|articoli correlati|i pi[uù] lett[ie]|"
    r"baca juga|berita terkait|terpopuler|"
    r"читайте также|похожие (статьи|новости|материалы)|самое (читаемое|популярное)|"
    r"関連記事|人気記事|新着記事"
)
LIST_HEAD = re.compile(rf"(?i)^\W*(?:{LINK_LIST})\W*$")
# A sentence ending and the next one starting: a line of several sentences is prose
# even when its first words are names and titles (“The Discovery,” “The One I
# Love”) that make it look like a Title Case headline. "U.S. Stocks" does not match.
TWO_SENTENCES = re.compile(r"[a-z][.!?][\"”’)]?\s+[\"“‘]?[A-Z]")
PROSE_END = re.compile(r"(?<!\.)\.[\"”’»)]?$")  # a sentence, not a headline or "More..."
# A line that is only a relative time ("32M ago", "Posted 4 hours ago", "vor 2
# Stunden"): the stamp under each teaser of a news feed. An article prints its own
# time once, above the body, and with a date when it is not a feed: on the dev set's
# pages none of 40 such lines was article text.
RELATIVE_TIME = (
    r"(?:(?:updated|posted|published)\s+)?(?:\d+|an?|one)\s*(?:s|secs?|seconds?|m|mins?|"
    r"minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?|mo|months?|y|yrs?|years?)\s+ago|"
    r"vor\s+\d+\s+(?:sekunden|minuten|stunden|tagen|wochen|monaten)|"
    r"il y a\s+\d+\s+(?:secondes?|minutes?|heures?|jours?|semaines?|mois)|"
    r"(?:hace|h[aá])\s+\d+\s+(?:segundos?|minutos?|horas?|d[ií]as?|semanas?|meses)|"
    r"\d+\s+(?:секунд[уы]?|минут[уы]?|час(?:а|ов)?|дн(?:я|ей)|день|недел[юиь])\s+назад"
)
SOFT_END = re.compile(
    r"(?i)^\W*(related( articles| stories| posts| news| content| coverage| topics)?|"
    r"read (also|more)|see also|tags?|filed under\b.*|share( this( article| story)?)?|"
    rf"latest news|you are here|{RELATIVE_TIME})\W*$"
)
HARD = -1e6


@dataclass(frozen=True)
class Weights:
    """Line-score weights; see the module docstring for how they were chosen."""

    long_words: int = 15  # a line this long is content-like
    mid_words: int = 5  # shorter than this is a menu item or label
    cap: float = 60.0  # one line cannot outweigh a whole article
    mid_with_punct: float = 2.0
    mid_without_punct: float = -1.0
    short: float = -1.0
    furniture: float = -5.0
    soft_end: float = -40.0
    no_punct: float = 0.5  # long line with no sentence end: a headline or caption
    titleish: float = 0.2  # Title Case Line: a teaser headline
    run_cap: int = 20  # penalty grows with a run of short lines, up to this; not a soft end's
    duplicate_words: int = 15  # a shorter line seen twice on the page is furniture
    anchor_mass: float = 40.0
    anchor_window: int = 15
    before_anchor: float = 0.3
    seen_before_comments: float = 60.0
    after_comments: float = 0.1


WEIGHTS = Weights()


def weight(line: str) -> int:
    """Words in a line; CJK has no spaces, so two CJK characters count as a word."""
    return max(len(WORD.findall(line)), len(CJK.findall(line)) // 2)


def is_titleish(line: str) -> bool:
    """Most of the first words capitalised: a headline or a menu, not prose."""
    words = re.findall(TITLE_WORD, line)[:10]
    if len(words) < 4:
        return False
    return sum(1 for w in words if w[0].isupper()) / len(words) >= 0.75


def headline_of(first_line: str) -> str | None:
    """The page headline from its first line (the <title>), minus a " - Site" suffix."""
    head = norm(strip_site_suffix(first_line))
    return head if len(head.split()) >= 3 else None


def line_score(line: str, w: Weights = WEIGHTS) -> float:
    """Content score of one non-blank line (positive = article-like)."""
    return _line_score(line, weight(line), w)


def _line_score(line: str, n: int, w: Weights) -> float:
    """line_score of a line that weighs `n` words."""
    if COMMENTS.match(line) or BARRIER.match(line):
        return HARD
    if SOFT_END.match(line):
        return w.soft_end
    if n < 40 and (
        FURNITURE.search(line)
        or FURNITURE_LINE.search(line)
        or CAPTION.search(line)
        or BYLINE_LINE.match(line)
        or (STAMP_LINE.match(line) and STAMP_DATE.search(line))
        or (n < FOLLOW_MAX_WORDS and FOLLOW.search(line))
    ):
        return w.furniture
    punct = bool(SENTENCE_END.search(line))
    if n >= w.long_words:
        score = min(float(n), w.cap)
        if not punct:
            score *= w.no_punct
        if is_titleish(line) and not (punct and TWO_SENTENCES.search(line)):
            score *= w.titleish
        return score
    if n >= w.mid_words:
        return w.mid_with_punct if punct and not is_titleish(line) else w.mid_without_punct
    return w.short


# Lines made only of these characters are scored by polars, whose (Rust) regexes
# agree with Python's `re` on them for every pattern above: \w, \d, \b, \s and case
# folding differ only outside (combining marks, superscript digits, ſ, İ, ı, the
# Kelvin sign, the connectors ‿ ⁀ ⁔ ＿ that Rust counts as word characters, unassigned
# code points, scripts not listed), and there a line is scored by line_score in
# Python. Latin, Greek, Cyrillic, Armenian, Arabic and Georgian letters, less their
# combining marks; Chinese, Japanese and Korean (ideographs, kana, Hangul, their
# punctuation and fullwidth forms, less the kana's combining voicing marks), arrows,
# box drawing and symbols (★ ■ ●), which were a tenth of the dev set's distinct
# lines. tests/test_boilerplate.py checks every character here against both
# engines, and that both give the same scores.
VECTOR_SAFE = (
    "^[\t\x20-\x7e\u00a0-\u00ac\u00ae-\u00b1\u00b4-\u00b8\u00ba\u00bb\u00bf-\u012f"
    "\u0132-\u017e\u0180-\u024f"
    "\u0370-\u0377\u037a-\u037f\u0384-\u038a\u038c\u038e-\u03a1\u03a3-\u03ff"
    "\u0400-\u0482\u048a-\u052f\u0531-\u0556\u0559-\u058a\u058d-\u058f"
    "\u0606-\u060f\u061b\u061d-\u064a\u0660-\u066f\u0671-\u06d5\u06de\u06e5\u06e6"
    "\u06e9\u06ee-\u06ff\u10a0-\u10c5\u10c7\u10cd\u10d0-\u10ff"
    "\u200b\u2010-\u2027\u2030-\u203e\u2041-\u2053\u2055-\u205e\u20a0-\u20c0"
    "\u2190-\u21ff\u2500-\u26ff"
    "\u3000-\u3029\u3030-\u303f\u3041-\u3096\u309b-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7a3\uff01-\uff3e\uff40-\uff9f]*$"
)
TITLE_WORD = r"[^\W\d_][\w'’-]*"  # is_titleish's word
# is_titleish in polars, without a list per line: the line's first ten words (words
# are separated by non-letters only), then how many there are and how many start with
# an upper-case letter. A word starts at a letter that no run of word characters
# holding a letter precedes: after a separator (or the line start) and any digits,
# "_", apostrophes or hyphens ("3Com" is the word "Com"; "iPhone" one word, not
# "Phone"). 7x faster than extract_all + list.eval over the words.
FIRST_TEN_WORDS = rf"^(?:[\W\d_]*{TITLE_WORD}){{1,10}}"


def _upper_class() -> str:
    """The characters VECTOR_SAFE lets through that Python's str.isupper() accepts,
    as a regex class: the same test as is_titleish, by construction."""
    safe = re.compile(VECTOR_SAFE)
    # VECTOR_SAFE lies in the Basic Multilingual Plane.
    upper = [c for c in map(chr, range(0x10000)) if c.isupper() and safe.match(c)]
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in upper) + "]"


UPPER_WORD_START = rf"(?:^|[^\w'’-])[\d_'’-]*{_upper_class()}"


def _word_count() -> pl.Expr:
    """weight() in polars: words, or two CJK characters a word where more."""
    line = pl.col("line")
    return pl.max_horizontal(
        line.str.count_matches(WORD.pattern), line.str.count_matches(CJK.pattern) // 2
    )


def _score_expr(w: Weights) -> pl.Expr:
    """line_score as a polars expression over a `line` column (same arithmetic)."""
    line = pl.col("line")
    n = _word_count()
    first_ten = line.str.extract(FIRST_TEN_WORDS, 0)
    count = first_ten.str.count_matches(TITLE_WORD).fill_null(0)
    upper = first_ten.str.count_matches(UPPER_WORD_START).fill_null(0)
    titleish = (count >= 4) & (upper / count >= 0.75)
    punct = line.str.contains(SENTENCE_END.pattern)
    long_score = (
        pl.min_horizontal(n.cast(pl.Float64), pl.lit(w.cap))
        * pl.when(punct).then(1.0).otherwise(w.no_punct)
        * pl.when(titleish & ~(punct & line.str.contains(TWO_SENTENCES.pattern)))
        .then(w.titleish)
        .otherwise(1.0)
    )
    return (
        pl.when(line.str.contains(COMMENTS.pattern) | line.str.contains(BARRIER.pattern))
        .then(HARD)
        .when(line.str.contains(SOFT_END.pattern))
        .then(w.soft_end)
        .when(
            (
                line.str.contains(FURNITURE.pattern)
                | line.str.contains(FURNITURE_LINE.pattern)
                | line.str.contains(CAPTION.pattern)
                | line.str.contains(BYLINE_LINE.pattern)
                | (line.str.contains(STAMP_LINE.pattern) & line.str.contains(STAMP_DATE.pattern))
                | (line.str.contains(FOLLOW.pattern) & (n < FOLLOW_MAX_WORDS))
            )
            & (n < 40)
        )
        .then(w.furniture)
        .when(n >= w.long_words)
        .then(long_score)
        .when(n >= w.mid_words)
        .then(pl.when(punct & ~titleish).then(w.mid_with_punct).otherwise(w.mid_without_punct))
        .otherwise(w.short)
    )


class LineFeatures(NamedTuple):
    """Per line: line_score, weight, and whether it heads a list of links (LIST_HEAD)."""

    scores: list[float]
    weights: list[int]
    heads: list[bool]


def line_scores(lines: list[str], w: Weights = WEIGHTS) -> list[float]:
    """line_score of many lines at once (see line_features)."""
    return line_features(lines, w).scores


def line_features(lines: list[str], w: Weights = WEIGHTS) -> LineFeatures:
    """LineFeatures of many lines at once, each distinct line scored once.

    A batch repeats many lines (menus, footers, a site's furniture): of the dev set's
    57,000 non-blank lines 40 % are repeats, so scoring distinct lines and spreading
    the results back costs ~2/3 as much (3,280 pages: 150 → 100 ms)."""
    index: dict[str, int] = {}
    ids = [index.setdefault(line, len(index)) for line in lines]
    distinct = _distinct_line_features(list(index), w)
    return LineFeatures(*([values[i] for i in ids] for values in distinct))


def _distinct_line_features(lines: list[str], w: Weights) -> LineFeatures:
    """line_features of distinct lines: one polars pass for the lines VECTOR_SAFE
    covers (most lines of Latin-script news; they hold no CJK, so their weight is
    their word count), Python for the rest. Scoring line by line in Python was the
    largest part of this step (~0.5 ms a page)."""
    if not lines:
        return LineFeatures([], [], [])
    safe = pl.col("line").str.contains(VECTOR_SAFE)
    frame = (
        pl.LazyFrame({"line": lines}, schema={"line": pl.String()})
        .select(
            pl.when(safe).then(_score_expr(w)).alias("score"),
            pl.when(safe).then(_word_count()).alias("n"),
            pl.when(safe).then(pl.col("line").str.contains(LIST_HEAD.pattern)).alias("head"),
        )
        .collect()  # lazy: the word count and flags used more than once are computed once
    )
    features = LineFeatures(frame["score"].to_list(), frame["n"].to_list(), frame["head"].to_list())
    rest = [k for k, n in enumerate(features.weights) if n is None]
    computed = _python_line_features([lines[k] for k in rest], w)
    for column, values in zip(features, computed, strict=True):
        for k, value in zip(rest, values, strict=True):
            column[k] = value
    return features


def _python_line_features(lines: list[str], w: Weights) -> LineFeatures:
    """LineFeatures line by line in Python: for the lines polars cannot score (see
    VECTOR_SAFE), and for a single page (main_block)."""
    weights = [weight(line) for line in lines]
    scores = [_line_score(line, n, w) for line, n in zip(lines, weights, strict=True)]
    return LineFeatures(scores, weights, [LIST_HEAD.match(line) is not None for line in lines])


def _content_lines(text: str) -> tuple[list[str], list[str], list[int]]:
    """A text's lines, its non-blank lines stripped, and their line numbers. A line
    of HTML markup (MARKUP) is made blank."""
    lines = text.split("\n")
    stripped = [line.strip() for line in lines]
    if "<" in text:  # rare in news text: most pages skip the loop
        for i, line in enumerate(stripped):
            if line[:1] == "<" and MARKUP.match(line):
                lines[i] = stripped[i] = ""
    idx = [i for i, line in enumerate(stripped) if line]
    return lines, [stripped[i] for i in idx], idx


def _best_run(scores: list[float]) -> tuple[int, int]:
    """Kadane: the contiguous run with the largest sum, as (start, end) inclusive."""
    best, current, start, best_start, best_end = -float("inf"), 0.0, 0, 0, -1
    for k, score in enumerate(scores):
        if current <= 0:
            current, start = score, k
        else:
            current += score
        if current > best:
            best, best_start, best_end = current, start, k
    return best_start, best_end


def _shape_scores(
    lines: list[str],
    scores: list[float],
    w: Weights,
    weights: list[int],
    site_lines: frozenset[str] = frozenset(),
) -> list[float]:
    """Apply the page-level signals (repeats, runs, barriers, anchor, comments);
    `weights` are the lines' weights."""
    counts: dict[str, int] = {}
    for line in lines:
        counts[line] = counts.get(line, 0) + 1
    for k, line in enumerate(lines):
        repeated = counts[line] > 1 or line in site_lines
        if repeated and weights[k] < w.duplicate_words and scores[k] > HARD:
            scores[k] = min(scores[k], w.short)
    run = 0
    for k, score in enumerate(scores):
        if HARD < score < 0:
            run += 1
            if score > w.soft_end:
                scores[k] = score * min(run, w.run_cap)
        elif score > 0:
            run = 0
    anchor, best_mass = None, w.anchor_mass
    head = headline_of(lines[0]) if lines else None
    for k in equal_lines(lines, head, 1) if head else ():
        scores[k] = HARD
        mass = sum(max(0.0, s) for s in scores[k + 1 : k + 1 + w.anchor_window])
        if mass >= best_mass:
            anchor, best_mass = k, mass
    if anchor is not None:
        for k in range(anchor):
            if scores[k] > 0:
                scores[k] *= w.before_anchor
        start = anchor
    else:
        start = _best_run(scores)[0]
    seen, after = 0.0, False
    for k in range(start, len(scores)):
        if scores[k] <= HARD and seen >= w.seen_before_comments and COMMENTS.match(lines[k]):
            after = True
        elif scores[k] > 0:
            seen += scores[k]
            if after:
                scores[k] *= w.after_comments
    return scores


@dataclass(frozen=True)
class ScoredLines:
    """A page's lines, its non-blank lines (stripped), where those stand among all
    its lines, and their LineFeatures; remove_boilerplate finds them for a whole
    batch."""

    lines: list[str]
    content: list[str]
    idx: list[int]
    features: LineFeatures


def _score_page(text: str, w: Weights) -> ScoredLines:
    """ScoredLines of one page, scored line by line in Python."""
    lines, content, idx = _content_lines(text)
    return ScoredLines(lines, content, idx, _python_line_features(content, w))


def _drop_link_lists(
    scored: ScoredLines, kept: set[int], first: int, last: int, w: Weights
) -> None:
    """Drop from `kept` each list of links inside the body: a LIST_HEAD heading and
    the lines after it up to the next line of prose (a long line, or a mid-length
    one ending a sentence with a full stop; headlines rarely do). Teasers are short
    lines that the body's run may hold when article text follows them."""
    scores, heads, content = scored.features.scores, scored.features.heads, scored.content
    for k in range(first, last + 1):
        if not heads[k]:
            continue
        kept.discard(k)
        for j in range(k + 1, last + 1):
            # A long line scores its word count (less without a full stop or in
            # Title Case), so a score of long_words or more is a long line of prose.
            if scores[j] >= w.long_words or (
                scores[j] == w.mid_with_punct and PROSE_END.search(content[j])
            ):
                break
            kept.discard(j)


# An item of a list the article itself gives: numbered ("1) …", "2. …"), or led by
# a day ("June 9 -- Coral Sky Amphitheatre, …", a tour's or a schedule's dates).
LIST_ITEM = re.compile(
    rf"(?i)^(?:\d{{1,3}}[.)]\s+\S|(?:{_MONTH_WORDS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\s*"
    r"(?:--|[–—:,-])\s*\S)"
)
URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$")
MIN_LIST_ITEMS = 3
LIST_HEADING_WORDS = 8


def _list_after(scored: ScoredLines, last: int, w: Weights) -> int:
    """Where the body ends once a list that the article introduces is added to it:
    the last line of the run of list items (LIST_ITEM, with link lines between them)
    that follows the body's last line when that line ends with a colon ("Tour
    dates:"), or follows a short heading line right after it ("The Doobie Brothers
    Tour Dates"). Such items are short lines without a full stop, so the body's run
    ended before them. `last` when there is no such list."""
    content, scores = scored.content, scored.features.scores
    start = last + 1
    if not content[last].endswith(":"):
        if start >= len(content) or scores[start] in (HARD, w.soft_end, w.furniture):
            return last
        if scored.features.heads[start] or weight(content[start]) > LIST_HEADING_WORDS:
            return last
        start += 1
    end, items = start - 1, 0
    for k in range(start, len(content)):
        if LIST_ITEM.match(content[k]) and scores[k] > HARD:
            end, items = k, items + 1
        elif not (items and URL_LINE.match(content[k])):
            break
    return end if items >= MIN_LIST_ITEMS else last


def _select(
    scored: ScoredLines, w: Weights, site_lines: frozenset[str]
) -> tuple[list[str], set[int]]:
    """The body's lines (blank lines inside it kept as paragraph breaks) and which
    content lines (their positions in `scored.content`) it keeps."""
    content, idx, raw_scores = scored.content, scored.idx, scored.features.scores
    if not idx:
        return [], set()
    scores = _shape_scores(content, list(raw_scores), w, scored.features.weights, site_lines)
    first, last = _best_run(scores)
    if last >= first:
        last = _list_after(scored, last, w)
    floor = max(w.furniture, w.soft_end, HARD)
    kept = {k for k in range(first, last + 1) if raw_scores[k] > floor}
    _drop_link_lists(scored, kept, first, last, w)
    # Between the run's first and last content line, every line is a content line
    # (kept or dropped) or a blank one (kept).
    dropped = {idx[k] for k in range(first, last + 1) if k not in kept}
    lines = scored.lines
    return [lines[i] for i in range(idx[first], idx[last] + 1) if i not in dropped], kept


def main_block(
    text: str,
    w: Weights = WEIGHTS,
    site_lines: frozenset[str] = frozenset(),
    scored: ScoredLines | None = None,
) -> tuple[str, int]:
    """The article's lines (blank lines kept as paragraph breaks) and lines dropped
    (furniture, and copies of the article: `repeated_copies`).

    `site_lines` are stripped lines that recur across this source's documents;
    `scored`, when given, is the text's ScoredLines (with these weights).
    """
    scored = scored or _score_page(text, w)
    body, kept, copies = _article_lines(scored, w, site_lines)
    return "\n".join(body), len(scored.idx) - len(kept) + len(copies)


def _article_lines(
    scored: ScoredLines, w: Weights, site_lines: frozenset[str]
) -> tuple[list[str], list[int], list[str]]:
    """`_select`'s lines without the article's copies (`repeated_copies`): the body,
    the content lines `_select` kept, and the copies dropped from them."""
    body, kept = _select(scored, w, site_lines)
    copies = repeated_copies(body)
    if not copies:
        return body, kept, []
    article = [line for k, line in enumerate(body) if k not in copies]
    return article, kept, [body[k] for k in sorted(copies)]


# A copy of the article is a line of at least COPY_MIN_CHARS whose 5-word shingles
# are COPY_SHARE or more in the other kept lines; only a line whose first
# COPY_PROBE characters occur again in the body is looked at so closely.
COPY_MIN_CHARS = 600
COPY_PROBE = 60
COPY_SHARE = 0.9
COPY_WINDOWS = 5  # 40-character stretches looked for elsewhere before words are counted
# Lines looked at most, the longest first: each look reads the whole page, so a page
# of 1,600 long lines that all start alike took 94 s. A page's copies are its
# metadata's one or two, longer than any paragraph; on the dev set's 297 pages and
# 20,000 generated ones, at most four lines a page got here, and two were counted.
COPY_MAX_LOOKED_AT = 16


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = WORD.findall(text.casefold())
    return {tuple(words[i : i + 5]) for i in range(max(1, len(words) - 4))}


def repeated_copies(lines: list[str]) -> set[int]:
    """The indices of the lines that repeat the rest of `lines`: a long line equal
    to an earlier one, or most of whose word sequences the other lines hold (the
    single-line copy of paragraphs). Those are tried longest first, and a line
    found to be a copy no longer counts for the others: the copy goes and the
    paragraphs it repeats stay. Most pages have no long line whose start occurs
    twice, and are answered by `str.find` alone."""
    if max(map(len, lines), default=0) < COPY_MIN_CHARS:  # most pages: no long line
        return set()
    long = [k for k, line in enumerate(lines) if len(line) >= COPY_MIN_CHARS]
    text = "\n".join(lines)
    probes = [(k, lines[k].strip()[:COPY_PROBE]) for k in long]
    # its start occurs again
    suspects = [k for k, probe in probes if text.find(probe, text.find(probe) + 1) >= 0]
    if not suspects:
        return set()
    copies: set[int] = set()
    first: dict[str, int] = {}
    for k in suspects:  # a paragraph printed twice: the later goes
        key = lines[k].strip()
        if key in first:
            copies.add(k)
        first.setdefault(key, k)
    left = [k for k in suspects if k not in copies]
    flat_all = " ".join(text.split())
    flat_copies = " ".join(" ".join(lines[k].split()) for k in copies)
    longest = sorted(left, key=lambda j: len(lines[j].strip()), reverse=True)
    for k in longest[:COPY_MAX_LOOKED_AT]:
        flat = " ".join(lines[k].split())
        step = len(flat) // (COPY_WINDOWS + 1)
        spots = [flat[i * step : i * step + 40] for i in range(1, COPY_WINDOWS + 1)]
        # In other lines, spaces aside: all the text's, less this line's and the copies'.
        elsewhere = [flat_all.count(x) - flat.count(x) - flat_copies.count(x) for x in spots]
        if sum(n > 0 for n in elsewhere) < COPY_WINDOWS - 2:  # cheap, then exact
            continue
        mine = _shingles(lines[k])
        rest = " ".join(x for j, x in enumerate(lines) if j != k and j not in copies)
        if len(mine & _shingles(rest)) >= COPY_SHARE * len(mine):
            copies.add(k)
            flat_copies += " " + flat
    return copies


def _strip(text: str, site_lines: list[str] | None, scored: ScoredLines) -> dict[str, Any]:
    body, kept, copies = _article_lines(scored, WEIGHTS, frozenset(site_lines or ()))
    dropped = len(scored.idx) - len(kept)
    repairs = []
    if dropped:
        content = scored.content
        kept_lines = {content[k] for k in kept}
        sample = [line for line in content if line not in kept_lines][:6]
        detail = f"{dropped} line(s) of page furniture"
        repairs.append(repair("boilerplate_removed", detail, " ⏎ ".join(sample), ""))
    if copies:
        why = "a copy in its metadata, a paragraph twice"
        detail = f"{len(copies)} line(s) repeating the article ({why})"
        sample = " ⏎ ".join(copy[:80] for copy in copies)
        repairs.append(repair("boilerplate_removed", detail, sample, ""))
    return {"text": "\n".join(body), "repairs": repairs}


SITE_REPEAT_DOCS = 3  # distinct documents of one source a line must recur in


def site_repeated_lines(df: pl.DataFrame, min_docs: int = SITE_REPEAT_DOCS) -> pl.Series:
    """Per row: the short lines that recur in ≥ `min_docs` distinct documents of its source.

    Vectorised over the batch. Identical documents count once (their text is hashed),
    so a document ingested twice does not turn its own lines into furniture.
    """
    source = pl.coalesce(pl.col("url").str.extract(r"^[a-z]+://([^/?#]+)", 1), "source_uri")
    keyed = df.select(
        pl.int_range(pl.len()).alias("_row"),
        source.fill_null("").alias("_source"),
        pl.col("text").hash().alias("_doc"),
        pl.col("text").str.split("\n").alias("_line"),
    )
    lines = (
        keyed.explode("_line")
        .with_columns(pl.col("_line").str.strip_chars())
        .filter(pl.col("_line").str.len_chars() > 0)
    )
    # Words are counted only in the lines that recur (counting them in every line
    # was most of this function's time).
    site = (
        lines.group_by("_source", "_line")
        .agg(pl.col("_doc").n_unique().alias("_docs"))
        .filter(pl.col("_docs") >= min_docs)
        .filter(pl.col("_line").str.count_matches(r"\w+") < WEIGHTS.duplicate_words)
    )
    per_row = (
        lines.join(site, on=["_source", "_line"], how="semi")
        .group_by("_row")
        .agg(pl.col("_line").unique())
    )
    out = keyed.select("_row").join(per_row, on="_row", how="left").sort("_row")
    return out["_line"].alias("site_lines")


def remove_boilerplate(df: pl.DataFrame) -> pl.DataFrame:
    """Polars step: keep only the main block of `text`; log how many lines went."""
    with_site = df.with_columns(site_repeated_lines(df))
    texts = df["text"].to_list()
    pages = [_content_lines(text) for text in texts]
    features = line_features([line for _, content, _ in pages for line in content])
    bounds = list(itertools.accumulate((len(content) for _, content, _ in pages), initial=0))
    scored = [
        ScoredLines(lines, content, idx, LineFeatures(*(column[a:b] for column in features)))
        for (lines, content, idx), (a, b) in zip(pages, itertools.pairwise(bounds), strict=True)
    ]
    return map_rows(with_site, _strip, [texts, "site_lines", scored], {"text": pl.String()}).drop(
        "site_lines"
    )
