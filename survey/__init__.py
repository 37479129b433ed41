"""Collecting and keeping evidence: the store (:mod:`survey.store`) and the way in
(:mod:`survey.ingest`). Stands on the instrument contract only; knows nothing of analysis,
of who is signed in or of how anything is shown."""
