"""The postings flow: a source's fields made into a `Posting`, pay read, relevance judged,
and subscriptions matched (`build`, `normalize`, `pay`, `relevance`, `matching`)."""
