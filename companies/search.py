"""Where the company list's search finds companies by meaning (`core.meaning_search`): a citizen
searching "고양이" finds the firm whose profile speaks of "pet monitoring". The matcher registers
its search of the verified companies' profiles here as it starts."""

from core.meaning_search import MeaningSearchPoint

companies_by_meaning = MeaningSearchPoint()
