"""Where the idea list's search finds ideas by meaning (`core.meaning_search`): the matcher
registers its search of the published ideas here as it starts, as it registers its panels for the
idea page as template tags."""

from core.meaning_search import MeaningSearchPoint

ideas_by_meaning = MeaningSearchPoint()
